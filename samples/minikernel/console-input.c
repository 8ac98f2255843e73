/*
 * Console input: the UART raises its interrupt (PLIC source 10) when bytes
 * arrive; the handler drains them into a ring and wakes a process that
 * waits for a line.
 */
#include "minikernel.h"
#include "csr.h"
#include "layout.h"
#include "plic.h"
#include "uart.h"

static char ring[512];
static unsigned head, tail;
static unsigned long input_hart;

void console_input_start(unsigned long hartid)
{
	input_hart = hartid;
	plic_enable(hartid, UART0_IRQ);
	uart_enable_rx_interrupt();
	csr_set(sie, SIE_SEIE);
}

void console_input_interrupt(void)
{
	unsigned irq = plic_claim(input_hart);
	if (irq == UART0_IRQ) {
		for (int c; (c = uart_getc()) >= 0;)
			if (head - tail < sizeof ring)
				ring[head++ % sizeof ring] = (char)c;
	}
	if (irq != 0)
		plic_complete(input_hart, irq);
	if (console_line_ready())
		proc_wake_input();
}

int console_line_ready(void)
{
	for (unsigned i = tail; i != head; i++)
		if (ring[i % sizeof ring] == '\n' || ring[i % sizeof ring] == '\r')
			return 1;
	return 0;
}

/* The next non-empty line, without its end; -1 when no whole line is there yet. */
int console_take_line(char *buffer, int size)
{
	while (console_line_ready()) {
		int n = 0;
		for (;;) {
			char c = ring[tail++ % sizeof ring];
			if (c == '\n' || c == '\r')
				break;
			if (n + 1 < size)
				buffer[n++] = c;
		}
		buffer[n] = 0;
		if (n > 0)
			return n;
	}
	return -1;
}
