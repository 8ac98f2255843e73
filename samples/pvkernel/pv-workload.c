/*
 * The privileged sample's workload, paravirtualized: the same rounds of
 * "mask interrupts, per-CPU pointer, return address, switch address
 * space, re-arm the tick, unmask", with every privileged step the kernel
 * can avoid replaced by memory or a hypercall:
 * - masking: the virtual flag in memory (pvkernel.h), not sstatus.SIE;
 * - the per-CPU pointer: tp, not sscratch;
 * - the return address: the trap frame in memory, not sepc;
 * - the tick: pv_set_timer, which calls SBI TIME.set_timer only when the
 *   deadline moves earlier (the armed one is in memory);
 * - switch_mm: still a satp write. Standard SBI has no page-table
 *   hypercall (Xen's mmu_update is one); it is the exit pvkernel keeps.
 */
#include "pvkernel.h"
#include "csr.h"
#include "gigapages.h"
#include "trap.h"

struct per_cpu {
	uint64_t id;
	uint64_t switches;
};
static struct per_cpu per_cpu[2] = { { .id = 1 }, { .id = 2 } };

/* Where a trap frame's sepc would be kept: in memory, for the next return. */
static struct trap_frame saved_frame;

uint64_t run_pv_workload(void)
{
	uint64_t sum = 0;
	for (int round = 0; round < WORKLOAD_ROUNDS; round++) {
		int next = round & 1;
		virq.masked = 1;
		struct per_cpu *cpu = &per_cpu[next]; /* tp would carry it: no sscratch */
		cpu->switches++;
		sum += cpu->id;
		saved_frame.sepc = 0x80200000UL + (uint64_t)round * 4;
		sum += saved_frame.sepc & 0xff;
		csr_write(satp, identity_satp(next));
		pv_set_timer(read_time() + 1000000000UL);
		virq_unmask();
	}
	return sum + per_cpu[0].switches * 1000 + per_cpu[1].switches;
}
