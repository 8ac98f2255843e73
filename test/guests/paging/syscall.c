/*
 * System calls (ecall from U-mode). The kernel reads user buffers with
 * sstatus.SUM set, the only way an S-mode access to a U page succeeds,
 * and through guarded_copy, so a bad pointer fails the call instead of
 * crashing the kernel.
 */
#include "kernel.h"

#define WRITE_MAX 256

static long sys_write(uint64_t buffer, uint64_t length)
{
	char copy[WRITE_MAX];
	if (length > WRITE_MAX)
		return -1;
	csr_set(sstatus, SSTATUS_SUM);
	long result = guarded_copy(copy, (const void *)buffer, length);
	csr_clear(sstatus, SSTATUS_SUM);
	if (result < 0)
		return -1;
	console_write(copy, length);
	return (long)length;
}

/* The same read with SUM clear: the MMU refuses it, and the kernel says so. */
static long sys_probe_nosum(uint64_t buffer)
{
	uint64_t word;
	csr_clear(sstatus, SSTATUS_SUM);
	long result = guarded_copy(&word, (const void *)buffer, sizeof word);
	if (result < 0)
		kprintf("kernel: reading user buffer 0x%lx with sstatus.SUM=0 raised a %s (scause %lu), caught\n", buffer,
			cause_name(last_guarded_fault.scause), last_guarded_fault.scause);
	return result;
}

/*
 * Points another process's mailbox at its second page. That process's
 * address space is not the current one, so the fence names its ASID:
 * only its translation of that page goes, the caller's stay.
 */
static long sys_remap_mailbox(uint64_t pid)
{
	if (pid < 1 || pid > MAX_PROCS || procs[pid - 1].state != PROC_RUNNABLE)
		return -1;
	struct proc *target = &procs[pid - 1];
	pte_t *pte = vm_leaf(target->root, USER_MAILBOX, 0);
	*pte = (((uint64_t)target->mailbox[1] >> 12) << 10) | PTE_R | PTE_U | PTE_A | PTE_V;
	sfence_vma_page(USER_MAILBOX, pid);
	kprintf("kernel: mailbox of process %lu remapped to its page B; sfence.vma 0x%lx, ASID %lu (current ASID %d)\n", pid,
		USER_MAILBOX, pid, current->pid);
	return 0;
}

void do_syscall(struct trapframe *tf)
{
	uint64_t number = tf->regs[17], arg0 = tf->regs[10], arg1 = tf->regs[11];
	tf->regs[0] += 4; /* past the ecall */
	switch (number) {
	case SYS_WRITE:
		tf->regs[10] = (uint64_t)sys_write(arg0, arg1);
		break;
	case SYS_YIELD:
		tf->regs[10] = 0;
		schedule_next();
	case SYS_EXIT:
		kprintf("kernel: process %d exited with status %lu\n", current->pid, arg0);
		proc_exit(current);
		schedule_next();
	case SYS_PROBE_NOSUM:
		tf->regs[10] = (uint64_t)sys_probe_nosum(arg0);
		break;
	case SYS_REMAP_MAILBOX:
		tf->regs[10] = (uint64_t)sys_remap_mailbox(arg0);
		break;
	default:
		tf->regs[10] = (uint64_t)-1;
	}
	enter_user(tf);
}
