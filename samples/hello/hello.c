/*
 * hello: the smallest useful guest. It runs in M-mode on the bare machine
 * (no firmware, no OS), talks to the ns16550a UART through its memory-mapped
 * registers, reads two CSRs, and switches the machine off through the
 * sifive_test device. The addresses are QEMU virt's.
 */
#include <stdint.h>

#define UART0_BASE 0x10000000UL
#define UART_THR 0 /* transmit holding register (write) */
#define UART_LSR 5 /* line status register */
#define UART_LSR_THRE 0x20 /* THR empty: room for one more byte */

#define SIFIVE_TEST_BASE 0x100000UL
#define SIFIVE_TEST_PASS 0x5555

static volatile uint8_t *const uart = (volatile uint8_t *)UART0_BASE;

static void putc_uart(char c)
{
	/* Poll: wait until the transmitter can take a byte. */
	while ((uart[UART_LSR] & UART_LSR_THRE) == 0)
		;
	uart[UART_THR] = (uint8_t)c;
}

static void puts_uart(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_uart('\r');
		putc_uart(*s);
	}
}

static void put_decimal(unsigned long value)
{
	char digits[20];
	int n = 0;
	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value != 0);
	while (n > 0)
		putc_uart(digits[--n]);
}

static unsigned long read_misa(void)
{
	unsigned long misa;
	__asm__ volatile("csrr %0, misa" : "=r"(misa));
	return misa;
}

static void power_off(void)
{
	*(volatile uint32_t *)SIFIVE_TEST_BASE = SIFIVE_TEST_PASS;
	for (;;)
		__asm__ volatile("wfi");
}

int main(unsigned long hartid, unsigned long dtb)
{
	(void)dtb;
	puts_uart("Hello from a bare RISC-V machine!\n");
	puts_uart("hart ");
	put_decimal(hartid);
	puts_uart(" is running in M-mode, no firmware, no OS\n");

	/* misa: MXL (bits 63:62) gives XLEN; bits 25:0 are the letters A..Z. */
	unsigned long misa = read_misa();
	puts_uart("misa: RV");
	put_decimal(16UL << (misa >> 62));
	for (int bit = 0; bit < 26; bit++) {
		if (misa & (1UL << bit))
			putc_uart((char)('A' + bit));
	}
	puts_uart("\n");

	puts_uart("Powering off through sifive_test.\n");
	power_off();
	return 0;
}
