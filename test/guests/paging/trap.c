/*
 * Trap handling. From user mode: system calls, page faults (demand paging
 * for the heap region, death for anything else) and, in the timer phase,
 * timer interrupts that preempt. From the kernel: only the faults of the
 * guarded accessors are expected; anything else is a bug and stops the run.
 */
#include "kernel.h"

unsigned long demand_faults;
int spinner_preempted;
struct guarded_fault_info last_guarded_fault;

static uint64_t timer_interval;
static unsigned timer_ticks, timer_ticks_needed;

static const char *const exception_names[16] = {
	"instruction address misaligned", "instruction access fault", "illegal instruction", "breakpoint",
	"load address misaligned", "load access fault", "store/AMO address misaligned", "store/AMO access fault",
	"environment call from U-mode", "environment call from S-mode", "reserved exception", "environment call from M-mode",
	"instruction page fault", "load page fault", "reserved exception", "store/AMO page fault",
};

const char *cause_name(uint64_t scause)
{
	if (scause & SCAUSE_INTERRUPT)
		return (scause & 0xff) == 5 ? "supervisor timer interrupt" : "interrupt";
	return scause < 16 ? exception_names[scause] : "exception";
}

static int is_page_fault(uint64_t scause) { return scause == 12 || scause == 13 || scause == 15; }

/*
 * A page fault in the heap region on a page not yet mapped: allocate a
 * zeroed page and map it. A and D are left clear; the hardware sets them
 * as the process touches the page (the kernel reads them back later).
 */
static __attribute__((noreturn)) void user_page_fault(struct trapframe *tf, uint64_t scause, uint64_t stval)
{
	uint64_t page = stval & ~(uint64_t)(PAGE_SIZE - 1);
	if (stval >= USER_HEAP && stval < USER_HEAP + USER_HEAP_PAGES * PAGE_SIZE) {
		pte_t *pte = vm_leaf(current->root, page, 1);
		if (!(*pte & PTE_V)) {
			*pte = (((uint64_t)page_alloc() >> 12) << 10) | PTE_R | PTE_W | PTE_U | PTE_V;
			sfence_vma_page(page, (uint64_t)current->pid);
			demand_faults++;
			enter_user(tf);
		}
	}
	kprintf("process %d: %s at 0x%lx, killed\n", current->pid, cause_name(scause), stval);
	proc_exit(current);
	schedule_next();
}

/* Arms the first tick; user_trap counts them and preempts on each. */
void timer_phase_begin(uint64_t interval, unsigned ticks_needed)
{
	timer_interval = interval;
	timer_ticks = 0;
	timer_ticks_needed = ticks_needed;
	spinner_preempted = 0;
	sbi_set_timer(csr_read(time) + interval);
	csr_set(sie, SIE_STIE);
}

/*
 * One tick: preempt the running process (round robin). Once enough ticks
 * have passed and the sidekick is done, tell the spinner through its
 * mailbox and stop the timer. Only *that* preemption happened is printed
 * later, never how often: tick counts depend on host speed under QEMU.
 */
static __attribute__((noreturn)) void timer_tick(void)
{
	timer_ticks++;
	if (current->program == PROG_SPIN)
		spinner_preempted = 1;
	int sidekick_done = 1;
	struct proc *spinner = 0;
	for (int i = 0; i < MAX_PROCS; i++) {
		if (procs[i].program == PROG_SIDEKICK && procs[i].state == PROC_RUNNABLE)
			sidekick_done = 0;
		if (procs[i].program == PROG_SPIN && procs[i].state == PROC_RUNNABLE)
			spinner = &procs[i];
	}
	if (timer_ticks >= timer_ticks_needed && sidekick_done && spinner_preempted && spinner) {
		*(volatile uint64_t *)(spinner->mailbox[0] + MAILBOX_FLAG_OFFSET) = 1;
		csr_clear(sie, SIE_STIE);
		sbi_set_timer(~(uint64_t)0);
	} else {
		sbi_set_timer(csr_read(time) + timer_interval);
	}
	schedule_next();
}

void user_trap(struct trapframe *tf)
{
	uint64_t scause = csr_read(scause), stval = csr_read(stval);
	if (scause == (SCAUSE_INTERRUPT | 5))
		timer_tick();
	if (scause == 8)
		do_syscall(tf);
	if (is_page_fault(scause))
		user_page_fault(tf, scause, stval);
	kprintf("process %d: %s (scause 0x%lx) at pc 0x%lx, killed\n", current->pid, cause_name(scause), scause, tf->regs[0]);
	proc_exit(current);
	schedule_next();
}

/* A trap taken in S-mode: a guarded access that faulted resumes at guarded_fault. */
void kernel_trap(struct trapframe *frame)
{
	uint64_t scause = csr_read(scause), stval = csr_read(stval);
	if (is_page_fault(scause) && frame->regs[0] >= (uint64_t)guarded_start && frame->regs[0] < (uint64_t)guarded_end) {
		last_guarded_fault.scause = scause;
		last_guarded_fault.stval = stval;
		frame->regs[0] = (uint64_t)guarded_fault;
		return;
	}
	kprintf("kernel panic: %s (scause 0x%lx) at pc 0x%lx, stval 0x%lx\n", cause_name(scause), scause, frame->regs[0], stval);
	sbi_shutdown(1);
}
