/* The ns16550a UART at 0x1000_0000 (QEMU virt), driven through its registers. */
#ifndef SAMPLES_UART_H
#define SAMPLES_UART_H

void uart_putc(char c);
/* The next received byte, or -1 when the receive buffer is empty. */
int uart_getc(void);
/* Raise the UART's interrupt line (IRQ 10 at the PLIC) when a byte arrives. */
void uart_enable_rx_interrupt(void);

#endif
