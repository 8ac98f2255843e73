/*
 * The kernel's console and power-off: SBI calls (a7 = extension, a6 =
 * function). The legacy console_putchar is served by Debian's OpenSBI and
 * by vmscope's monitor alike, and both turn LF into CR LF.
 */
#include "kernel.h"

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_SRST 0x53525354 /* "SRST" */
#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

static long sbi_call(unsigned long eid, unsigned long fid, unsigned long arg0, unsigned long arg1)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = eid;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
	return (long)a0;
}

static void sbi_putc(char c) { sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)c, 0); }

void sbi_puts(const char *s)
{
	for (; *s; s++)
		sbi_putc(*s);
}

void sbi_put_hex(uint64_t value, int digits)
{
	while (digits-- > 0)
		sbi_putc("0123456789abcdef"[(value >> (digits * 4)) & 15]);
}

void sbi_put_decimal(uint64_t value)
{
	char digits[20];
	int n = 0;
	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value != 0);
	while (n > 0)
		sbi_putc(digits[--n]);
}

void sbi_shutdown(int failure)
{
	sbi_call(SBI_EXT_SRST, SBI_SRST_SHUTDOWN, failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0);
	for (;;)
		__asm__ volatile("wfi");
}
