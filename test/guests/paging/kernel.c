/*
 * The kernel's story, one step per printed line group. Every line is
 * deterministic: no times, no tick counts, no addresses that depend on
 * where firmware put things, so QEMU + OpenSBI, vmscope + OpenSBI and
 * vmscope's monitor all print the same text.
 */
#include "kernel.h"

extern char __data_start[];

#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_SRST 0x53525354
#define TIMER_INTERVAL 10000 /* timebase ticks: 1 ms at virt's 10 MHz */
#define TIMER_TICKS_NEEDED 3

static void step1_kernel_page_tables(void)
{
	vm_init_kernel();
	csr_write(satp, vm_satp(kernel_root, 0));
	sfence_vma_all();
	console_use(CONSOLE_UART);
	kprintf("step 1: Sv39 on (satp.MODE=8, ASID 0), kernel identity-mapped; now printing through the UART's MMIO page\n");
	vm_describe(kernel_root, KERNEL_BASE);
	vm_describe(kernel_root, (uint64_t)__data_start);
	vm_describe(kernel_root, POOL_BASE + 0x12345);
	vm_describe(kernel_root, UART0_BASE);
	vm_describe(kernel_root, USER_HEAP);
	if (guarded_store(KERNEL_BASE, 0) == 0) {
		kprintf("kernel text is writable: page permissions are not enforced\n");
		sbi_shutdown(1);
	}
	kprintf("  store to kernel text at 0x%lx: %s, caught (text is R-X)\n", KERNEL_BASE, cause_name(last_guarded_fault.scause));
}

static void step2_two_processes(void)
{
	kprintf("step 2: two user processes, ASIDs 1 and 2, round robin on yield\n");
	proc_create(1, PROG_TALK);
	proc_create(2, PROG_TALK);
	proc_run_all();
}

/* Counts the heap's leaf PTEs with V, A and D set: the hardware set A and D, the kernel never did. */
static void step3_demand_paging(void)
{
	kprintf("step 3: demand paging: process 1 touches %d heap pages at 0x%lx, none mapped yet\n", USER_HEAP_PAGES, USER_HEAP);
	demand_faults = 0;
	proc_create(1, PROG_HEAP);
	proc_run_all();
	kprintf("kernel: %lu page faults resolved by mapping a fresh zeroed page each\n", demand_faults);
	unsigned valid = 0, accessed = 0, dirty = 0;
	for (int i = 0; i < USER_HEAP_PAGES; i++) {
		pte_t *pte = vm_leaf(procs[0].root, USER_HEAP + (uint64_t)i * PAGE_SIZE, 0);
		if (pte && (*pte & PTE_V)) {
			valid++;
			accessed += (*pte & PTE_A) != 0;
			dirty += (*pte & PTE_D) != 0;
		}
	}
	kprintf("kernel: heap PTEs: %u valid, %u accessed (A), %u dirty (D); mapped with A=D=0, set on use\n", valid, accessed, dirty);
}

static void step4_true_fault(void)
{
	kprintf("step 4: a true fault: process 2 loads from 0x%lx, which no region covers\n", USER_BAD_ADDRESS);
	proc_create(1, PROG_SURVIVOR);
	proc_create(2, PROG_WILD);
	proc_run_all();
}

static void step5_sum(void)
{
	kprintf("step 5: SUM: write() copies user memory with sstatus.SUM=1; with SUM=0 the same copy faults\n");
	proc_create(1, PROG_SUM);
	proc_run_all();
}

/* Reads va 0x500000 under another process's satp: kernel code keeps running because its mappings are global. */
static void read_mailbox_as(int pid)
{
	char text[32];
	csr_write(satp, vm_satp(procs[pid - 1].root, (uint64_t)pid));
	csr_set(sstatus, SSTATUS_SUM);
	long result = guarded_copy(text, (const void *)USER_MAILBOX, sizeof text);
	csr_clear(sstatus, SSTATUS_SUM);
	csr_write(satp, vm_satp(kernel_root, 0));
	text[sizeof text - 1] = 0;
	kprintf("kernel: under satp ASID %d, va 0x%lx reads \"%s\"\n", pid, USER_MAILBOX, result == 0 ? text : "(fault)");
}

static void step6_asids(void)
{
	kprintf("step 6: ASIDs: one va, two address spaces; sfence.vma by ASID; global (G) kernel mappings\n");
	proc_create(1, PROG_REMAPPER);
	proc_create(2, PROG_MAILBOX);
	read_mailbox_as(1);
	read_mailbox_as(2);
	kprintf("kernel: the kernel ran on across both satp writes: its G mappings are in every address space\n");
	proc_run_all();
}

static void step7_timer(void)
{
	kprintf("step 7: timer interrupts (SBI TIME.set_timer, sie.STIE) preempt process 1, which spins\n");
	proc_create(1, PROG_SPIN);
	proc_create(2, PROG_SIDEKICK);
	timer_phase_begin(TIMER_INTERVAL, TIMER_TICKS_NEEDED);
	proc_run_all();
	kprintf("kernel: process 1 was preempted by the timer: %s\n", spinner_preempted ? "yes" : "no");
}

void kernel_main(uint64_t hart_id)
{
	sbi_console_setup();
	/* No interrupt until step 7: whatever the firmware left pending (an Sstc stimecmp of 0 is pending at once) stays off. */
	csr_write(sie, 0);
	sbi_set_timer(~(uint64_t)0);
	kprintf("vmscope paging guest: S-mode kernel on hart %lu, paging off, printing through SBI\n", hart_id);
	if (!sbi_probe(SBI_EXT_TIME) || !sbi_probe(SBI_EXT_SRST)) {
		kprintf("sbi: the TIME or SRST extension is missing\n");
		sbi_shutdown(1);
	}
	kprintf("sbi: BASE.probe_extension finds TIME and SRST\n");
	step1_kernel_page_tables();
	step2_two_processes();
	step3_demand_paging();
	step4_true_fault();
	step5_sum();
	step6_asids();
	step7_timer();
	console_use(CONSOLE_SBI);
	kprintf("step 8: done; back to the SBI console; SBI SRST shutdown\n");
	sbi_shutdown(0);
}
