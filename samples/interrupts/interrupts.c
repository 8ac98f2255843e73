/*
 * interrupts: timer interrupts (SBI set_timer, then Sstc's stimecmp where
 * the hart has it) and UART input through the PLIC. The kernel echoes
 * every line it receives until "quit".
 *
 * Under a monitor the guest never sees the physical interrupts: the
 * monitor takes the machine timer and the PLIC's real external interrupt,
 * decides they are the guest's, and injects *virtual* ones: it sets the
 * vCPU's sip.STIP / sip.SEIP and, when the guest has them enabled, enters
 * its trap vector as the hardware would (trap-and-emulate), or sets hvip
 * so the hart delivers them in VS-mode itself (hardware-assisted). The
 * guest's PLIC claim/complete and UART register accesses are MMIO the
 * monitor emulates, one exit each.
 */
#include "console.h"
#include "csr.h"
#include "layout.h"
#include "plic.h"
#include "sbi.h"
#include "trap.h"
#include "uart.h"

#define TICK_INTERVAL 50000 /* timer ticks (10 MHz): 5 ms */
#define TICKS_PER_PHASE 5

static volatile unsigned long ticks;
static unsigned long tick_limit;
static int use_stimecmp;
static unsigned long boot_hart;

/* Received bytes, from the external interrupt handler to main. */
static char input[256];
static volatile unsigned input_head, input_tail;

static void arm_timer(uint64_t deadline)
{
	if (use_stimecmp)
		csr_write(CSR_STIMECMP, deadline);
	else
		sbi_set_timer(deadline);
}

static void timer_interrupt(void)
{
	ticks++;
	/* Re-arm for the next tick, or move the deadline away: either acknowledges this one. */
	arm_timer(ticks < tick_limit ? read_time() + TICK_INTERVAL : -1UL);
}

static void external_interrupt(void)
{
	unsigned irq = plic_claim(boot_hart);
	if (irq == UART0_IRQ) {
		/* Drain the receiver: one interrupt may stand for several bytes. */
		for (int c; (c = uart_getc()) >= 0;) {
			if (input_head - input_tail < sizeof input)
				input[input_head++ % sizeof input] = (char)c;
		}
	}
	if (irq != 0)
		plic_complete(boot_hart, irq);
}

void sample_trap(struct trap_frame *tf)
{
	if (tf->scause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
		timer_interrupt();
	} else if (tf->scause == (SCAUSE_INTERRUPT | IRQ_S_EXT)) {
		external_interrupt();
	} else {
		kprintf("panic: unexpected %s at %p\n", cause_name(tf->scause), (void *)tf->sepc);
		sbi_shutdown(1);
	}
}

/* WFI until `done` says so; interrupts are taken between the WFIs. */
static void wait_until(int (*done)(void))
{
	for (;;) {
		csr_clear(sstatus, SSTATUS_SIE);
		if (done())
			break;
		wfi(); /* wakes on a pending enabled interrupt even with SIE clear: no lost wake-up */
		csr_set(sstatus, SSTATUS_SIE);
	}
	csr_set(sstatus, SSTATUS_SIE);
}

static unsigned long wanted_ticks;
static int enough_ticks(void) { return ticks >= wanted_ticks; }
static int line_waiting(void)
{
	for (unsigned i = input_tail; i != input_head; i++) {
		if (input[i % sizeof input] == '\n' || input[i % sizeof input] == '\r')
			return 1;
	}
	return 0;
}

static void timer_phase(const char *how)
{
	tick_limit = ticks + TICKS_PER_PHASE;
	arm_timer(read_time() + TICK_INTERVAL);
	for (unsigned long i = ticks + 1; i <= tick_limit; i++) {
		wanted_ticks = i;
		wait_until(enough_ticks);
		kprintf("tick %lu (%s)\n", i, how);
	}
}

/* Takes one line out of the input buffer (without its end); returns its length. */
static unsigned take_line(char *line, unsigned size)
{
	unsigned n = 0;
	while (input_tail != input_head) {
		char c = input[input_tail++ % sizeof input];
		if (c == '\n' || c == '\r') {
			if (n > 0)
				break;
			continue; /* the LF of a CR LF, or an empty line */
		}
		if (n + 1 < size)
			line[n++] = c;
	}
	line[n] = 0;
	return n;
}

int main(unsigned long hartid, unsigned long dtb)
{
	(void)dtb;
	boot_hart = hartid;
	kprintf("interrupts: timer ticks through SBI and Sstc, UART input through the PLIC\n");
	int sstc = sstc_available();
	if (sstc)
		csr_write(CSR_STIMECMP, -1UL); /* stimecmp resets to 0, "already due" */
	sbi_set_timer(-1UL);
	csr_write(sie, SIE_STIE | SIE_SEIE);
	csr_set(sstatus, SSTATUS_SIE);

	timer_phase("SBI set_timer");
	/* Sstc: the kernel writes its own deadline; without it (no Sstc for this hart) SBI again. */
	use_stimecmp = sstc;
	timer_phase("stimecmp, or SBI without Sstc");
	use_stimecmp = 0;

	plic_enable(hartid, UART0_IRQ);
	uart_enable_rx_interrupt();
	kprintf("uart: receive interrupt on, PLIC source %d enabled for this hart's S context\n", UART0_IRQ);
	kprintf("type lines; \"quit\" ends\n");
	for (;;) {
		char line[80];
		wait_until(line_waiting);
		while (line_waiting()) {
			if (take_line(line, sizeof line) == 0)
				continue;
			kprintf("echo: %s\n", line);
			if (kstrcmp(line, "quit") == 0) {
				kprintf("done: %lu timer ticks; shutting down through SBI SRST\n", ticks);
				return 0;
			}
		}
	}
}
