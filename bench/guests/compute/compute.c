/*
 * compute: a CPU-bound guest for `npm run bench`. It runs ITERATIONS rounds
 * of the four kernels with a different seed each, prints one checksum over
 * the UART (the only I/O) and powers off. The same ELF runs in vmscope and
 * in QEMU; both must print the same line.
 */
#include "compute.h"

#ifndef ITERATIONS
#define ITERATIONS 800
#endif

int main(void)
{
	uint32_t crc = 0xffffffffu;
	uint32_t random = 0x5eed;
	for (uint32_t i = 0; i < ITERATIONS; i++) {
		uint32_t seed = next_random(&random);
		crc = list_bench(seed, crc);
		crc = matrix_bench(seed, crc);
		crc = state_bench(seed, crc);
	}
#ifdef REPORT_INSTRET
	/* Calibration only: under QEMU -icount shift=0, minstret counts instructions. */
	uint64_t instret;
	__asm__ volatile("csrr %0, minstret" : "=r"(instret));
	uart_puts("instret ");
	uart_put_decimal(instret);
	uart_puts("\n");
#endif
	uart_puts("compute: ");
	uart_put_decimal(ITERATIONS);
	uart_puts(" iterations, checksum 0x");
	uart_put_hex(crc ^ 0xffffffffu, 8);
	uart_puts("\n");
	power_off(0);
}
