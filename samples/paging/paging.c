/*
 * paging: a kernel that turns on Sv39, runs two user processes in their
 * own address spaces, pages their heaps in on demand, and kills one for a
 * wild access. Under a monitor, the guest's page tables map guest-virtual
 * to guest-physical; the monitor must add guest-physical to host-physical:
 * - trap-and-emulate: shadow page tables, built by the monitor from the
 *   guest's (guest-virtual -> host-physical), filled lazily. A fault the
 *   guest's tables would not take is the monitor's own (hidden fault: fill
 *   the shadow and resume); a fault they would take is reflected into the
 *   guest kernel (true fault: demand paging, the kill).
 * - hardware-assisted: nested paging. The hart walks the guest's tables
 *   and, for every guest-physical address it meets, the monitor's G-stage
 *   tables: the two-dimensional walk, up to 15 memory references per miss
 *   for Sv39 over Sv39x4 instead of 3.
 */
#include "paging.h"
#include "console.h"
#include "csr.h"
#include "sbi.h"

static unsigned long demand_faults, true_faults;

static int in_heap(uint64_t va) { return va >= USER_HEAP && va < USER_HEAP + USER_HEAP_PAGES * PAGE_SIZE; }

static void page_fault(struct trap_frame *tf)
{
	uint64_t va = tf->stval;
	if (in_heap(va)) {
		/* Demand paging: the first touch of a heap page; map a zeroed page and retry the access. */
		uint64_t page = va & ~(uint64_t)(PAGE_SIZE - 1);
		map_page(current->root, page, (uint64_t)page_alloc(), PTE_R | PTE_W | PTE_U);
		__asm__ volatile("sfence.vma %0, %1" : : "r"(page), "r"((uint64_t)current->pid) : "memory");
		current->demand_faults++;
		demand_faults++;
		return;
	}
	true_faults++;
	kprintf("kernel: process %d: %s at 0x%lx, in no region: killed\n", current->pid, cause_name(tf->scause), va);
	proc_finish(tf, "was killed");
}

static void system_call(struct trap_frame *tf)
{
	tf->sepc += 4; /* return past the ecall */
	switch (tf->regs[REG_A7]) {
	case SYS_WRITE: {
		/* Copy from user memory: allowed in S-mode only with sstatus.SUM set. */
		char buffer[128];
		uint64_t length = tf->regs[REG_A1] < sizeof buffer ? tf->regs[REG_A1] : sizeof buffer;
		csr_set(sstatus, SSTATUS_SUM);
		copy_bytes(buffer, (const void *)tf->regs[REG_A0], length);
		csr_clear(sstatus, SSTATUS_SUM);
		console_write(buffer, length);
		tf->regs[REG_A0] = length;
		break;
	}
	case SYS_YIELD:
		proc_switch(tf);
		break;
	case SYS_EXIT:
		proc_finish(tf, "exited");
		break;
	default:
		tf->regs[REG_A0] = -1UL;
	}
}

void sample_trap(struct trap_frame *tf)
{
	int from_user = (tf->sstatus & SSTATUS_SPP) == 0;
	if (from_user && tf->scause == EXC_ECALL_U) {
		system_call(tf);
	} else if (from_user && (tf->scause == EXC_LOAD_PAGE_FAULT || tf->scause == EXC_STORE_PAGE_FAULT || tf->scause == EXC_INSTRUCTION_PAGE_FAULT)) {
		page_fault(tf);
	} else {
		kprintf("kernel panic: %s at %p, stval %p\n", cause_name(tf->scause), (void *)tf->sepc, (void *)tf->stval);
		sbi_shutdown(1);
	}
}

void kernel_finish(void)
{
	kprintf("kernel: %lu page faults were demand paging, %lu was a true fault\n", demand_faults, true_faults);
	kprintf("kernel: process 1 took %lu of them; %lu pages allocated in all\n", procs[0].demand_faults, pages_allocated());
	kprintf("kernel: process 1's tables, as the MMU walks them:\n");
	print_walk(procs[0].root, USER_HEAP + 3 * PAGE_SIZE);
	print_walk(procs[0].root, USER_CODE);
	print_walk(procs[0].root, FREE_MEMORY + 0x1234);
	print_walk(procs[0].root, USER_BAD_ADDRESS);
	kprintf("done: shutting down through SBI SRST\n");
	sbi_shutdown(0);
}

int main(unsigned long hartid, unsigned long dtb)
{
	(void)hartid;
	(void)dtb;
	kprintf("paging: Sv39 page tables, two user processes, demand paging, a true fault\n");
	pte_t *kernel = kernel_page_tables();
	csr_write(satp, make_satp(kernel, 0));
	sfence_vma_all();
	kprintf("kernel: Sv39 on (ASID 0): text R-X, rodata R, data RW in 4K pages, free memory one 2M megapage\n");
	print_walk(kernel, KERNEL_BASE);
	proc_create(1, PROGRAM_HEAP);
	proc_create(2, PROGRAM_WILD);
	proc_start_first();
}
