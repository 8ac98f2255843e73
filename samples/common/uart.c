/*
 * ns16550a registers (byte offsets): RBR/THR 0, IER 1, LSR 5. Every access
 * is MMIO: under a monitor each one exits and is emulated.
 */
#include <stdint.h>
#include "uart.h"
#include "layout.h"

#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_IER 1 /* interrupt enable */
#define UART_LSR 5 /* line status */
#define UART_IER_RDI 0x01 /* received data available */
#define UART_LSR_DR 0x01 /* data ready */
#define UART_LSR_THRE 0x20 /* THR empty */

static volatile uint8_t *const uart = (volatile uint8_t *)UART0_BASE;

void uart_putc(char c)
{
	while ((uart[UART_LSR] & UART_LSR_THRE) == 0)
		;
	uart[UART_THR] = (uint8_t)c;
}

int uart_getc(void)
{
	if ((uart[UART_LSR] & UART_LSR_DR) == 0)
		return -1;
	return uart[UART_RBR];
}

void uart_enable_rx_interrupt(void) { uart[UART_IER] = UART_IER_RDI; }
