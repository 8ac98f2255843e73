/*
 * pvkernel: the privileged sample's kernel, paravirtualized. It knows it
 * runs on a hypervisor and asks it (SBI calls: hypercalls) instead of
 * touching privileged state, and keeps in memory what it would otherwise
 * keep in CSRs. This is how x86 was virtualized before VT-x (Xen): its
 * instruction set was not Popek-Goldberg virtualizable, some sensitive
 * instructions ran silently in user mode, so either the monitor rewrote the
 * kernel on the fly (binary translation) or the kernel was changed to call
 * the monitor (paravirtualization).
 *
 * Each line matches one of privileged's; `vmscope compare` on both kernels
 * shows what the change buys: far fewer exits under trap-and-emulate,
 * where every privileged instruction exits, and little under
 * hardware-assisted virtualization, where few did.
 */
#include "console.h"
#include "csr.h"
#include "gigapages.h"
#include "pvkernel.h"
#include "sbi.h"
#include "trap.h"

struct virtual_irq virq;
static volatile unsigned long timer_interrupts, software_interrupts, user_ecalls;
static uint64_t armed_deadline = -1UL;

void pv_set_timer(uint64_t deadline)
{
	if (deadline >= armed_deadline)
		return; /* an earlier deadline is armed already: its tick re-arms */
	armed_deadline = deadline;
	sbi_set_timer(deadline);
}

void timer_tick(void)
{
	armed_deadline = -1UL;
	sbi_set_timer(-1UL); /* acknowledge: SBI set_timer clears the pending timer */
	timer_interrupts++;
}

void virq_unmask(void)
{
	virq.masked = 0;
	if (virq.timer_pending) {
		virq.timer_pending = 0;
		timer_tick();
	}
}

void sample_trap(struct trap_frame *tf)
{
	if (tf->scause == (SCAUSE_INTERRUPT | IRQ_S_SOFT)) {
		csr_clear(sip, SIP_SSIP); /* the one CSR write an IPI costs: acknowledging it */
		software_interrupts++;
	} else if (tf->scause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
		if (virq.masked) {
			/* Note it and silence it; virq_unmask handles it. */
			virq.timer_pending = 1;
			armed_deadline = -1UL;
			sbi_set_timer(-1UL);
		} else {
			timer_tick();
		}
	} else if (tf->scause == EXC_ECALL_U) {
		user_ecalls++;
		tf->sepc = (uint64_t)sret_roundtrip_back;
		tf->sstatus |= SSTATUS_SPP;
	} else {
		kprintf("panic: unexpected %s at %p\n", cause_name(tf->scause), (void *)tf->sepc);
		sbi_shutdown(1);
	}
}

/*
 * Idle in WFI. A paravirtual kernel could say "idle" with SBI HSM
 * hart_suspend (Xen's SCHEDOP_block); WFI is just as good a cue for the
 * monitor (one exit either way), and vmscope's monitor does not yet park
 * the hart on hart_suspend, so the call would return at once and spin.
 */
static unsigned long idle_until_tick(void)
{
	unsigned long before = timer_interrupts;
	while (timer_interrupts == before)
		wfi();
	return timer_interrupts - before;
}

int main(unsigned long hartid, unsigned long dtb)
{
	(void)dtb;
	kprintf("pvkernel: the privileged kernel, paravirtualized: memory and hypercalls instead of CSRs\n");
	sbi_set_timer(-1UL); /* no timer until one is wanted */
	/* Boot-time setup, once: trap vector (start.S), interrupt enables, SIE on for good. */
	csr_write(sie, SIE_SSIE | SIE_STIE | SIE_SEIE);
	csr_set(sstatus, SSTATUS_SIE);

	virq.masked = 1;
	kprintf("sstatus:    masked by a flag in memory (%d), SIE stays set; SUM untouched\n", virq.masked);
	virq_unmask();
	kprintf("stvec:      written once at boot, never read back\n");
	kprintf("sscratch:   unused; the per-CPU pointer lives in tp\n");
	kprintf("sepc:       kept in the trap frame in memory\n");
	kprintf("scause:     kept in the trap frame in memory\n");
	kprintf("stval:      kept in the trap frame in memory\n");
	kprintf("sie:        written once at boot, never read back\n");

	sbi_send_ipi(1UL << hartid, 0);
	kprintf("sip:        SBI IPI to this hart instead; %lu supervisor software interrupt taken\n", software_interrupts);
	kprintf("scounteren: left as the monitor set it\n");
	kprintf("senvcfg:    left as the monitor set it\n");

	build_identity_roots();
	static volatile uint64_t probe = 0x600df00d;
	csr_write(satp, identity_satp(0));
	sfence_vma_all();
	uint64_t through_paging = probe;
	csr_write(satp, 0);
	sfence_vma_all();
	kprintf("satp:       still written (no SBI call for it); read 0x%lx through a gigapage\n", through_paging);
	kprintf("sfence.vma: local; a remote one would be SBI RFENCE\n");

	pv_set_timer(read_time() + 10000);
	kprintf("stimecmp:   SBI set_timer instead; %lu timer interrupt in WFI\n", idle_until_tick());
	pv_set_timer(read_time() + 10000);
	kprintf("wfi:        kept: the monitor's cue that the vCPU is idle; %lu timer interrupt\n", idle_until_tick());

	long version = sbi_spec_version();
	kprintf("ecall:      SBI get_spec_version -> %s\n", version >= 0x1000000 ? "1.0 or later" : "0.x");

	sret_roundtrip();
	kprintf("sret:       to U-mode and back by ecall (scause 8): %lu round trip\n", user_ecalls);

	uint64_t checksum = run_pv_workload();
	csr_write(satp, 0);
	sfence_vma_all();
	kprintf("workload:   %d rounds, masking in memory, satp, timer only when earlier: checksum %lu\n", WORKLOAD_ROUNDS, checksum);
	kprintf("done: shutting down through SBI SRST\n");
	return 0;
}
