/*
 * Processes: each has its own Sv39 address space tagged with its own ASID
 * (its pid), so switching between them is a satp write and nothing more:
 * no TLB flush. The kernel is run-to-completion: a trap from user mode
 * ends by resuming some process, and when none is left the scheduler
 * jumps back to the kernel code that started the processes.
 */
#include "kernel.h"

extern char __user_lma_start[], __user_lma_end[];

struct proc procs[MAX_PROCS];
struct proc *current;
static struct kjmp scheduler_context;
static uint8_t trap_stack[2 * PAGE_SIZE] __attribute__((aligned(16)));

static void fill_mailbox(uint8_t *page, int pid, char which)
{
	static const char text[] = "mailbox page ? of process ?";
	copy_bytes(page, text, sizeof text);
	page[13] = (uint8_t)which;
	page[26] = (uint8_t)('0' + pid);
}

/*
 * A fresh process: the shared user code (R-X), its mailbox (R), one stack
 * page (RW); the heap is left unmapped for demand paging. The ASID may
 * have named another address space before, so its stale translations are
 * flushed — by ASID only, the kernel's global ones stay.
 */
void proc_create(int pid, int program)
{
	struct proc *p = &procs[pid - 1];
	p->pid = pid;
	p->program = program;
	p->state = PROC_RUNNABLE;
	p->root = vm_new_user_root();
	uint64_t code_size = (uint64_t)(__user_lma_end - __user_lma_start);
	for (uint64_t offset = 0; offset < code_size; offset += PAGE_SIZE)
		vm_map_page(p->root, USER_CODE + offset, (uint64_t)__user_lma_start + offset, PTE_R | PTE_X | PTE_U | PTE_A);
	for (int i = 0; i < 2; i++) {
		p->mailbox[i] = page_alloc();
		fill_mailbox(p->mailbox[i], pid, (char)('A' + i));
	}
	vm_map_page(p->root, USER_MAILBOX, (uint64_t)p->mailbox[0], PTE_R | PTE_U | PTE_A);
	vm_map_page(p->root, USER_STACK_TOP - PAGE_SIZE, (uint64_t)page_alloc(), PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
	for (int i = 0; i < 32; i++)
		p->tf.regs[i] = 0;
	p->tf.regs[0] = USER_CODE; /* user_main comes first in the user image */
	p->tf.regs[2] = USER_STACK_TOP;
	p->tf.regs[10] = (uint64_t)program;
	p->tf.regs[11] = (uint64_t)pid;
	p->tf.kernel_sp = (uint64_t)(trap_stack + sizeof trap_stack);
	sfence_vma_asid((uint64_t)pid);
}

static void switch_to(struct proc *p) __attribute__((noreturn));
static void switch_to(struct proc *p)
{
	current = p;
	csr_write(satp, vm_satp(p->root, (uint64_t)p->pid));
	enter_user(&p->tf);
}

/* Round robin: the next runnable process after the current one (possibly itself). */
void schedule_next(void)
{
	int start = current ? current->pid : 0;
	for (int i = 1; i <= MAX_PROCS; i++) {
		struct proc *p = &procs[(start + i - 1) % MAX_PROCS];
		if (p->state == PROC_RUNNABLE)
			switch_to(p);
	}
	kjmp_jump(&scheduler_context);
}

void proc_exit(struct proc *p) { p->state = PROC_EXITED; }

/* Runs the created processes until every one has exited, then returns on the kernel's own address space. */
void proc_run_all(void)
{
	if (kjmp_save(&scheduler_context) == 0) {
		current = 0;
		schedule_next();
	}
	current = 0;
	csr_write(satp, vm_satp(kernel_root, 0));
	for (int i = 0; i < MAX_PROCS; i++)
		procs[i].state = PROC_UNUSED;
}
