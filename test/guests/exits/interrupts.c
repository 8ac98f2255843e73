/*
 * Interrupts: the timer (first waking a WFI with sstatus.SIE clear, so
 * nothing traps, then taken), a software interrupt sent to itself through
 * SBI IPI, and the UART's receive interrupt through the PLIC.
 */
#include "exits.h"

void step_timer(void)
{
	put_string("[timer]\n");
	csr_write(sie, SIE_STIE);
	show_sbiret("", "TIME.set_timer(now + 10 ms)", sbi_call(SBI_EXT_TIME, 0, time_now() + 100000, 0, 0, 0, 0));
	unsigned wakeups = 0;
	while (!(csr_read(sip) & SIE_STIE)) {
		__asm__ volatile("wfi");
		wakeups++;
	}
	show("wfi returned with sip.STIP set, sstatus.SIE clear; timer interrupts taken", interrupts_taken[5]);
	csr_set(sstatus, SSTATUS_SIE);
	csr_clear(sstatus, SSTATUS_SIE);
	show("after setting sstatus.SIE, timer interrupts taken", interrupts_taken[5]);
	show("sip.STIP", (csr_read(sip) & SIE_STIE) >> 5);
	(void)wakeups;
	csr_write(sie, 0);
}

void step_ipi(void)
{
	put_string("[software interrupt]\n");
	csr_write(sie, SIE_SSIE);
	csr_set(sstatus, SSTATUS_SIE);
	show_sbiret("", "IPI.send_ipi(mask 1, base 0)", sbi_call(SBI_EXT_IPI, 0, 1, 0, 0, 0, 0));
	show("software interrupts taken", interrupts_taken[1]);
	csr_write(sie, 0);
	show_sbiret("", "IPI.send_ipi(mask 1, base 0), sie.SSIE clear", sbi_call(SBI_EXT_IPI, 0, 1, 0, 0, 0, 0));
	show("sip.SSIP pending, not taken", (csr_read(sip) & SIE_SSIE) >> 1);
	csr_set(sie, SIE_SSIE); /* taken now */
	show("software interrupts taken", interrupts_taken[1]);
	csr_set(sip, SIE_SSIE); /* the guest raises it itself */
	show("after csrs sip SSIP, software interrupts taken", interrupts_taken[1]);
	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(sie, 0);
}

static void write32(uint64_t address, uint32_t value) { *(volatile uint32_t *)address = value; }
static uint32_t read32(uint64_t address) { return *(volatile uint32_t *)address; }

void step_external(void)
{
	put_string("[external interrupt]\n");
	write32(PLIC + 4 * UART_IRQ, 1);				/* priority */
	write32(PLIC + 0x2000 + 0x80 * PLIC_S_CONTEXT, 1 << UART_IRQ);	/* enable */
	write32(PLIC + 0x200000 + 0x1000 * PLIC_S_CONTEXT, 0);		/* threshold */
	show("plic priority[10]", read32(PLIC + 4 * UART_IRQ));
	show("plic enable[1]", read32(PLIC + 0x2000 + 0x80 * PLIC_S_CONTEXT));
	csr_write(sie, SIE_SEIE);
	*(volatile uint8_t *)(UART0 + 1) = 1; /* IER: receive data available */
	/*
	 * Wait with sstatus.SIE clear, so the interrupt cannot slip in between
	 * the check and the WFI (which would then sleep forever): WFI wakes on
	 * a pending enabled interrupt anyway, and the SIE window takes it.
	 */
	while (external_byte < 0) {
		__asm__ volatile("wfi");
		csr_set(sstatus, SSTATUS_SIE);
		csr_clear(sstatus, SSTATUS_SIE);
	}
	csr_write(sie, 0);
	show("external interrupts taken", interrupts_taken[9]);
	show("uart IER", *(volatile uint8_t *)(UART0 + 1));
}
