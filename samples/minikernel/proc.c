/*
 * Processes: a fixed table, round-robin scheduling. A process's user
 * registers live in its `context` while it does not run; switching is
 * copying contexts in and out of the trap frame that trap-entry.S will
 * restore. There is one kernel stack (the hart's): the kernel itself is
 * never preempted, it runs only inside traps.
 */
#include "minikernel.h"
#include "console.h"
#include "csr.h"
#include "sbi.h"

void prog_hello(uint64_t argument);
void prog_count(uint64_t argument);
void prog_spin(uint64_t argument);
void prog_breaker(uint64_t argument);
void shell_main(uint64_t argument);
void user_exit_on_return(void);

static const struct {
	const char *name;
	program_entry entry;
} programs[] = {
	{ "shell", shell_main }, { "hello", prog_hello }, { "count", prog_count },
	{ "spin", prog_spin }, { "breaker", prog_breaker },
};

static struct proc procs[NPROC];
static char user_stacks[NPROC][USER_STACK_SIZE] __attribute__((aligned(16)));
struct proc *current;
static int next_pid = 1;

static const char *const state_names[] = { "unused", "runnable", "running", "waiting for input", "waiting for a child", "zombie" };

int proc_spawn(const char *name, uint64_t argument)
{
	for (unsigned p = 0; p < sizeof programs / sizeof programs[0]; p++) {
		if (kstrcmp(programs[p].name, name) != 0)
			continue;
		for (int slot = 0; slot < NPROC; slot++) {
			struct proc *proc = &procs[slot];
			if (proc->state != UNUSED)
				continue;
			*proc = (struct proc){ .pid = next_pid++, .state = RUNNABLE, .name = programs[p].name };
			proc->context.sepc = (uint64_t)programs[p].entry;
			proc->context.sstatus = (csr_read(sstatus) & ~SSTATUS_SPP) | SSTATUS_SPIE; /* sret to U, interrupts on */
			proc->context.regs[REG_RA] = (uint64_t)user_exit_on_return; /* returning from main exits */
			proc->context.regs[REG_SP] = (uint64_t)user_stacks[slot + 1];
			proc->context.regs[REG_A0] = argument;
			return proc->pid;
		}
		return -1; /* the table is full */
	}
	return -1; /* no such program */
}

static struct proc *pick_next(void)
{
	int start = current ? (int)(current - procs) + 1 : 0;
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[(start + i) % NPROC];
		if (p->state == RUNNABLE)
			return p;
	}
	return 0;
}

static int anyone_left(void)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != UNUSED)
			return 1;
	return 0;
}

/* Nothing can run: sleep until an interrupt (the UART, the timer) changes that. */
static void idle(void)
{
	csr_set(sstatus, SSTATUS_SIE); /* the interrupt is taken here, as a trap from S */
	wfi();
	csr_clear(sstatus, SSTATUS_SIE);
}

void schedule(struct trap_frame *tf)
{
	if (current && current->state != UNUSED) {
		current->context = *tf;
		if (current->state == RUNNING)
			current->state = RUNNABLE;
	}
	struct proc *next = pick_next();
	while (!next) {
		if (!anyone_left()) {
			kprintf("kernel: no processes left; shutting down through SBI SRST\n");
			sbi_shutdown(0);
		}
		idle();
		next = pick_next();
	}
	next->state = RUNNING;
	current = next;
	*tf = next->context;
}

void schedule_first(void)
{
	struct trap_frame frame; /* the first trap from U lands right here, on this stack */
	current = 0;
	schedule(&frame);
	trap_return(&frame);
}

void proc_block(struct trap_frame *tf, enum proc_state why)
{
	current->state = why;
	schedule(tf);
}

void proc_wake_input(void)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == WAITING_INPUT)
			procs[i].state = RUNNABLE;
}

static struct proc *find(int pid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != UNUSED && procs[i].pid == pid)
			return &procs[i];
	return 0;
}

void proc_exit(struct trap_frame *tf, int status)
{
	struct proc *self = current;
	self->state = ZOMBIE;
	self->exit_status = status;
	for (int i = 0; i < NPROC; i++) {
		struct proc *parent = &procs[i];
		if (parent->state == WAITING_CHILD && parent->waiting_for == self->pid) {
			parent->context.regs[REG_A0] = (uint64_t)(long)status; /* its wait() returns this */
			parent->state = RUNNABLE;
			self->state = UNUSED; /* reaped */
		}
	}
	if (self->state == ZOMBIE && kstrcmp(self->name, "shell") == 0)
		self->state = UNUSED; /* nobody waits for the shell */
	schedule(tf);
}

int proc_wait(struct trap_frame *tf, int pid)
{
	struct proc *child = find(pid);
	if (!child || child == current) {
		tf->regs[REG_A0] = -1UL;
		return -1;
	}
	if (child->state == ZOMBIE) {
		child->state = UNUSED;
		tf->regs[REG_A0] = (uint64_t)(long)child->exit_status;
		return child->exit_status;
	}
	current->waiting_for = pid;
	proc_block(tf, WAITING_CHILD); /* proc_exit of the child sets our a0 */
	return 0;
}

void proc_print_table(void)
{
	kprintf("  PID  STATE                NAME\n");
	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		if (p->state != UNUSED)
			kprintf("  %3d  %-19s  %s\n", p->pid, state_names[p->state], p->name);
	}
}
