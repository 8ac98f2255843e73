/*
 * The kernel console: a printf subset over the SBI console (a hypercall
 * per line where the SBI has DBCN, per character otherwise), or over the
 * ns16550a UART's registers once a sample switches to it
 * (console_use_uart: MMIO the monitor emulates, exits per byte).
 */
#ifndef SAMPLES_CONSOLE_H
#define SAMPLES_CONSOLE_H

#include <stddef.h>

void console_use_uart(int on);
void console_putc(char c);
void console_write(const char *bytes, size_t length);
/* %s %c %d %u %x %p, l for long, widths (%0Nx, %Nd, %-Ns); nothing else. */
void kprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));
size_t kstrlen(const char *s);
int kstrcmp(const char *a, const char *b);

#endif
