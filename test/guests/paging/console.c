/*
 * Console output. Before paging is on, and at the end, the kernel prints
 * through SBI (a hypercall: the firmware or monitor does the I/O). In
 * between it drives the ns16550a UART itself through its MMIO registers,
 * which a monitor has to emulate access by access.
 */
#include <stdarg.h>
#include "kernel.h"

#define UART_THR 0 /* transmit holding register */
#define UART_LSR 5 /* line status register */
#define UART_LSR_THRE 0x20 /* THR empty */

static enum console_kind console = CONSOLE_SBI;

void console_use(enum console_kind kind) { console = kind; }

static void uart_putc(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
	while ((uart[UART_LSR] & UART_LSR_THRE) == 0)
		;
	uart[UART_THR] = (uint8_t)c;
}

static void putc_raw(char c)
{
	if (console == CONSOLE_UART)
		uart_putc(c);
	else
		sbi_putchar(c);
}

/*
 * Newlines go out as CR LF, as a terminal expects. Over SBI only LF is
 * sent: the SBI console adds the CR itself (OpenSBI's sbi_putc does).
 */
void console_write(const char *bytes, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		if (bytes[i] == '\n' && console == CONSOLE_UART)
			putc_raw('\r');
		putc_raw(bytes[i]);
	}
}

static void put_unsigned(unsigned long value, unsigned base, int min_digits)
{
	char digits[24];
	int n = 0;
	do {
		digits[n++] = "0123456789abcdef"[value % base];
		value /= base;
	} while (value != 0 || n < min_digits);
	while (n > 0)
		putc_raw(digits[--n]);
}

/* printf subset: %s %c %d %u %x with an optional l, and %0Nx zero padding. */
void kprintf(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	for (const char *p = format; *p; p++) {
		if (*p != '%') {
			console_write(p, 1);
			continue;
		}
		p++;
		int width = 0;
		if (*p == '0')
			p++;
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		int is_long = 0;
		if (*p == 'l') {
			is_long = 1;
			p++;
		}
		switch (*p) {
		case 's': {
			const char *s = va_arg(args, const char *);
			while (*s)
				console_write(s++, 1);
			break;
		}
		case 'c': {
			char c = (char)va_arg(args, int);
			console_write(&c, 1);
			break;
		}
		case 'd': {
			long v = is_long ? va_arg(args, long) : va_arg(args, int);
			if (v < 0) {
				putc_raw('-');
				v = -v;
			}
			put_unsigned((unsigned long)v, 10, width);
			break;
		}
		case 'u':
			put_unsigned(is_long ? va_arg(args, unsigned long) : va_arg(args, unsigned), 10, width);
			break;
		case 'x':
			put_unsigned(is_long ? va_arg(args, unsigned long) : va_arg(args, unsigned), 16, width);
			break;
		default:
			putc_raw('%');
			if (*p)
				putc_raw(*p);
			else
				p--;
		}
	}
	va_end(args);
}
