/*
 * privileged: a kernel that touches every supervisor CSR and executes every
 * privileged instruction (SRET, SFENCE.VMA, WFI, ECALL), one line each.
 *
 * Popek and Goldberg: an instruction set can be virtualized by
 * trap-and-emulate when every sensitive instruction is privileged, i.e.
 * traps when run outside the most privileged mode. RISC-V meets that: run
 * this kernel deprivileged (vmscope --mode trap-and-emulate runs it in real
 * U-mode) and every line below is a VM exit the monitor emulates against
 * the virtual CPU. With the hypervisor extension (--mode hardware-assisted)
 * the hart runs it in VS-mode on its own copies of the CSRs: almost none
 * exit. The workload at the end makes the difference measurable.
 */
#include "console.h"
#include "csr.h"
#include "privileged.h"
#include "sbi.h"
#include "gigapages.h"
#include "trap.h"

static volatile unsigned long timer_interrupts, software_interrupts, user_ecalls;
static int sstc;
/* How the pending deadline was armed; the interrupt is acknowledged the same way. */
static int timer_armed_by_stimecmp;

static void disarm_timer(void)
{
	if (timer_armed_by_stimecmp)
		csr_write(CSR_STIMECMP, -1UL);
	else
		sbi_set_timer(-1UL);
}

void sample_trap(struct trap_frame *tf)
{
	if (tf->scause == (SCAUSE_INTERRUPT | IRQ_S_SOFT)) {
		csr_clear(sip, SIP_SSIP); /* acknowledge */
		software_interrupts++;
	} else if (tf->scause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
		disarm_timer(); /* acknowledge: move the deadline away */
		timer_interrupts++;
	} else if (tf->scause == EXC_ECALL_U) {
		/* The round trip's ecall: return to the kernel, in S-mode. */
		user_ecalls++;
		tf->sepc = (uint64_t)sret_roundtrip_back;
		tf->sstatus |= SSTATUS_SPP;
	} else {
		kprintf("panic: unexpected %s at %p\n", cause_name(tf->scause), (void *)tf->sepc);
		sbi_shutdown(1);
	}
}

extern char trap_entry[];

/* Sleeps in WFI until a timer interrupt has been taken; returns how many were. */
static unsigned long wait_for_tick(void)
{
	unsigned long before = timer_interrupts;
	csr_set(sstatus, SSTATUS_SIE);
	while (timer_interrupts == before)
		wfi();
	csr_clear(sstatus, SSTATUS_SIE);
	return timer_interrupts - before;
}

int main(unsigned long hartid, unsigned long dtb)
{
	(void)hartid;
	(void)dtb;
	kprintf("privileged: every supervisor CSR and privileged instruction, one line each\n");
	/* Sstc's stimecmp resets to 0, i.e. "already due": no timer until one is armed. */
	sstc = sstc_available();
	timer_armed_by_stimecmp = sstc;
	disarm_timer();

	uint64_t sstatus = csr_read(sstatus);
	csr_set(sstatus, SSTATUS_SUM);
	int sum_set = (csr_read(sstatus) & SSTATUS_SUM) != 0;
	csr_clear(sstatus, SSTATUS_SUM);
	kprintf("sstatus:    SIE=%lu on entry; SUM set (%s) and cleared again\n", sstatus & SSTATUS_SIE, sum_set ? "read back" : "lost");

	kprintf("stvec:      %s\n", csr_read(stvec) == (uint64_t)trap_entry ? "trap_entry, direct mode" : "not ours!");

	csr_write(sscratch, 0x5ca7c4UL);
	uint64_t scratch = csr_read(sscratch);
	csr_write(sscratch, 0); /* trap_entry relies on 0 while the kernel runs */
	kprintf("sscratch:   wrote 0x5ca7c4, read 0x%lx, back to 0\n", scratch);

	csr_write(sepc, 0x80201234UL);
	csr_write(scause, 13);
	csr_write(stval, 0xdead0000UL);
	kprintf("sepc:       0x%lx\n", csr_read(sepc));
	kprintf("scause:     %lu (%s)\n", csr_read(scause), cause_name(csr_read(scause)));
	kprintf("stval:      0x%lx\n", csr_read(stval));

	csr_write(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
	uint64_t sie = csr_read(sie);
	kprintf("sie:        SSIE=%lu STIE=%lu SEIE=%lu\n", (sie >> 1) & 1, (sie >> 5) & 1, (sie >> 9) & 1);

	csr_set(sip, SIP_SSIP);
	csr_set(sstatus, SSTATUS_SIE); /* the pending interrupt is taken here */
	csr_clear(sstatus, SSTATUS_SIE);
	kprintf("sip:        set SSIP; %lu supervisor software interrupt taken, SSIP now %lu\n", software_interrupts, (csr_read(sip) >> 1) & 1);

	csr_write(scounteren, 7);
	kprintf("scounteren: CY TM IR -> 0x%lx\n", csr_read(scounteren) & 7);

	csr_write(senvcfg, 1);
	kprintf("senvcfg:    FIOM -> %lu\n", csr_read(senvcfg) & 1);
	csr_write(senvcfg, 0);

	build_identity_roots();
	static volatile uint64_t probe = 0x600df00d;
	csr_write(satp, identity_satp(0));
	sfence_vma_all();
	uint64_t through_paging = probe;
	kprintf("satp:       Sv39 on (MODE %lu, ASID %lu); read 0x%lx through a gigapage\n", csr_read(satp) >> 60, (csr_read(satp) >> 44) & 0xffff, through_paging);
	csr_write(satp, 0);
	sfence_vma_all();
	kprintf("sfence.vma: after each satp write; paging off again\n");

	/*
	 * Sstc lets the kernel write its deadline itself (stimecmp) instead of
	 * asking the SBI. Which one ran is not printed, so the output is the
	 * same everywhere: the VM exits show it (csr-write stimecmp, or sbi
	 * TIME.set_timer where the virtual hart has no Sstc).
	 */
	if (sstc)
		csr_write(CSR_STIMECMP, read_time() + 10000);
	else
		sbi_set_timer(read_time() + 10000);
	kprintf("stimecmp:   deadline armed (stimecmp with Sstc, else SBI); %lu timer interrupt in WFI\n", wait_for_tick());

	timer_armed_by_stimecmp = 0;
	sbi_set_timer(read_time() + 10000);
	kprintf("wfi:        slept until the SBI timer fired: %lu timer interrupt\n", wait_for_tick());
	timer_armed_by_stimecmp = sstc;

	long version = sbi_spec_version();
	kprintf("ecall:      SBI get_spec_version -> %s\n", version >= 0x1000000 ? "1.0 or later" : "0.x");

	sret_roundtrip();
	kprintf("sret:       to U-mode and back by ecall (scause 8): %lu round trip\n", user_ecalls);

	uint64_t checksum = run_workload(sstc);
	kprintf("workload:   %d rounds of sstatus, sscratch, sepc, satp, timer: checksum %lu\n", WORKLOAD_ROUNDS, checksum);
	csr_write(satp, 0);
	sfence_vma_all();
	kprintf("done: shutting down through SBI SRST\n");
	return 0;
}
