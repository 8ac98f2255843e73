/*
 * The workload: WORKLOAD_ROUNDS times what a kernel does around a context
 * switch, each step a privileged instruction: mask interrupts (sstatus),
 * set the per-CPU pointer (sscratch), note where the trap returns (sepc),
 * switch address spaces (satp), re-arm the tick (stimecmp), unmask. On
 * the bare machine these cost a cycle each. Under trap-and-emulate every
 * one is a VM exit; under hardware-assisted virtualization the hart has
 * VS copies of these CSRs and none of them exits. pvkernel does the same
 * rounds with hypercalls.
 */
#include "privileged.h"
#include "csr.h"
#include "sbi.h"
#include "gigapages.h"

struct per_cpu {
	uint64_t id;
	uint64_t switches;
};
static struct per_cpu per_cpu[2] = { { .id = 1 }, { .id = 2 } };

uint64_t run_workload(int sstc)
{
	uint64_t sum = 0;
	for (int round = 0; round < WORKLOAD_ROUNDS; round++) {
		int next = round & 1;
		csr_clear(sstatus, SSTATUS_SIE); /* local_irq_disable */
		/* sscratch: the per-CPU pointer (kept 0 outside, so trap_entry knows it is in the kernel) */
		csr_write(sscratch, &per_cpu[next]);
		struct per_cpu *cpu = (struct per_cpu *)csr_read(sscratch);
		cpu->switches++;
		sum += cpu->id;
		csr_write(sscratch, 0);
		csr_write(sepc, 0x80200000UL + (uint64_t)round * 4); /* where the next sret would go */
		sum += csr_read(sepc) & 0xff;
		csr_write(satp, identity_satp(next)); /* switch_mm: ASIDs, so no fence */
		uint64_t deadline = read_time() + 1000000000UL; /* re-arm the tick, far away */
		if (sstc)
			csr_write(CSR_STIMECMP, deadline);
		else
			sbi_set_timer(deadline);
		csr_set(sstatus, SSTATUS_SIE); /* local_irq_enable */
	}
	csr_clear(sstatus, SSTATUS_SIE);
	return sum + per_cpu[0].switches * 1000 + per_cpu[1].switches;
}
