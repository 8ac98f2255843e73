/*
 * Console output (see console.h). Newlines: over SBI the kernel sends a bare
 * LF and the SBI console adds the CR (OpenSBI's sbi_putc does, and so does
 * vmscope's monitor); the UART gets CR LF from here, as a terminal expects.
 * Either way the bytes on the console are the same.
 */
#include <stdarg.h>
#include <stdint.h>
#include "console.h"
#include "sbi.h"
#include "uart.h"
#include "layout.h"

static int use_uart;

/*
 * The SBI console is line-buffered, a buffer per hart (tp holds the hart
 * id, see start.S): one DBCN console_write per line costs one hypercall
 * where putchar would cost one per character.
 */
#define LINE_MAX 120
static struct {
	char bytes[LINE_MAX];
	unsigned length;
} lines[MAX_HARTS];

static unsigned long this_hart(void)
{
	unsigned long tp;
	__asm__("mv %0, tp" : "=r"(tp));
	return tp;
}

static void flush_line(unsigned long hart)
{
	sbi_console_write(lines[hart].bytes, lines[hart].length);
	lines[hart].length = 0;
}

void console_use_uart(int on)
{
	flush_line(this_hart());
	use_uart = on;
}

void console_putc(char c)
{
	if (!use_uart) {
		unsigned long hart = this_hart();
		lines[hart].bytes[lines[hart].length++] = c;
		if (c == '\n' || lines[hart].length == LINE_MAX)
			flush_line(hart);
		return;
	}
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
}

void console_write(const char *bytes, size_t length)
{
	for (size_t i = 0; i < length; i++)
		console_putc(bytes[i]);
}

size_t kstrlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int kstrcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static void put_unsigned(unsigned long value, unsigned base, int width, char pad)
{
	char digits[24];
	int n = 0;
	do {
		digits[n++] = "0123456789abcdef"[value % base];
		value /= base;
	} while (value != 0);
	while (n < width--)
		console_putc(pad);
	while (n > 0)
		console_putc(digits[--n]);
}

void kprintf(const char *format, ...)
{
	va_list args;
	va_start(args, format);
	for (const char *p = format; *p; p++) {
		if (*p != '%') {
			console_putc(*p);
			continue;
		}
		p++;
		char pad = ' ';
		int width = 0;
		int left = 0;
		if (*p == '-') {
			left = 1;
			p++;
		}
		if (*p == '0') {
			pad = '0';
			p++;
		}
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
			int length = (int)kstrlen(s);
			for (int n = length; !left && n < width; n++)
				console_putc(' ');
			console_write(s, (size_t)length);
			for (int n = length; left && n < width; n++)
				console_putc(' ');
			break;
		}
		case 'c':
			console_putc((char)va_arg(args, int));
			break;
		case 'd': {
			long v = is_long ? va_arg(args, long) : va_arg(args, int);
			if (v < 0) {
				console_putc('-');
				v = -v;
			}
			put_unsigned((unsigned long)v, 10, width, pad);
			break;
		}
		case 'u':
			put_unsigned(is_long ? va_arg(args, unsigned long) : va_arg(args, unsigned), 10, width, pad);
			break;
		case 'x':
			put_unsigned(is_long ? va_arg(args, unsigned long) : va_arg(args, unsigned), 16, width, pad);
			break;
		case 'p':
			console_write("0x", 2);
			put_unsigned((unsigned long)va_arg(args, void *), 16, width, pad);
			break;
		case '%':
			console_putc('%');
			break;
		default:
			console_putc('%');
			if (*p)
				console_putc(*p);
			else
				p--;
		}
	}
	va_end(args);
}
