/*
 * Two processes, each in its own address space (pid = ASID). Switching is
 * rewriting the trap frame (trap-entry.S restores whatever it holds) and
 * writing satp: no TLB flush, since ASIDs tell the address spaces apart.
 */
#include "paging.h"
#include "console.h"
#include "csr.h"
#include "sbi.h"

extern char __user_start[];
void user_entry(int program, int pid);

struct proc procs[NPROC];
struct proc *current;

void proc_create(int pid, int program)
{
	struct proc *p = &procs[pid - 1];
	p->pid = pid;
	p->state = PROC_RUNNABLE;
	p->root = new_address_space();
	p->tf.sepc = USER_CODE + ((uint64_t)user_entry - (uint64_t)__user_start);
	p->tf.sstatus = (csr_read(sstatus) & ~SSTATUS_SPP) | SSTATUS_SPIE; /* sret to U */
	p->tf.regs[REG_SP] = USER_STACK_TOP;
	p->tf.regs[REG_A0] = (uint64_t)program;
	p->tf.regs[REG_A1] = (uint64_t)pid;
	kprintf("kernel: process %d (ASID %d): code 0x%lx R-X-U, stack 0x%lx RW-U, heap 0x%lx on demand\n", pid, pid, USER_CODE,
		USER_STACK_TOP - 4096, USER_HEAP);
}

static void load(struct proc *p, struct trap_frame *tf)
{
	current = p;
	csr_write(satp, make_satp(p->root, (unsigned)p->pid));
	*tf = p->tf;
}

void proc_start_first(void)
{
	struct trap_frame frame; /* the next trap from U lands right here, on this stack */
	load(&procs[0], &frame);
	trap_return(&frame);
}

void proc_switch(struct trap_frame *tf)
{
	if (current->state == PROC_RUNNABLE)
		current->tf = *tf;
	for (int i = 1; i <= NPROC; i++) {
		struct proc *next = &procs[(current - procs + i) % NPROC];
		if (next->state == PROC_RUNNABLE) {
			load(next, tf);
			return;
		}
	}
	kernel_finish(); /* nobody left to run */
}

void proc_finish(struct trap_frame *tf, const char *how)
{
	current->state = PROC_DONE;
	kprintf("kernel: process %d %s\n", current->pid, how);
	proc_switch(tf);
}
