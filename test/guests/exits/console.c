/*
 * Console output through the SBI legacy putchar: both OpenSBI 1.1 and the
 * monitor serve it, and neither needs the guest to touch the UART, so the
 * UART stays free for the receive-interrupt step.
 */
#include "exits.h"

void put_string(const char *text)
{
	while (*text)
		sbi_putchar(*text++);
}

void put_hex(uint64_t value)
{
	char digits[19];
	int n = 0;
	do {
		digits[n++] = "0123456789abcdef"[value & 15];
		value >>= 4;
	} while (value);
	put_string("0x");
	while (n > 0)
		sbi_putchar(digits[--n]);
}

void put_signed(long value)
{
	char digits[21];
	int n = 0;
	unsigned long magnitude = value < 0 ? -(unsigned long)value : (unsigned long)value;
	do {
		digits[n++] = (char)('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude);
	if (value < 0)
		sbi_putchar('-');
	while (n > 0)
		sbi_putchar(digits[--n]);
}

void show(const char *label, uint64_t value)
{
	put_string(label);
	put_string("=");
	put_hex(value);
	put_string("\n");
}
