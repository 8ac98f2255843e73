/* System calls: a7 selects, a0 and a1 carry the arguments, a0 the result. */
#include "minikernel.h"
#include "console.h"

static uint64_t sys_write(const char *buffer, uint64_t length)
{
	console_write(buffer, length); /* no paging: the user's address is the kernel's too */
	return length;
}

void syscall_dispatch(struct trap_frame *tf)
{
	uint64_t number = tf->regs[REG_A7];
	uint64_t arg0 = tf->regs[REG_A0];
	uint64_t arg1 = tf->regs[REG_A1];
	tf->sepc += 4; /* return after the ecall */
	switch (number) {
	case SYS_WRITE:
		tf->regs[REG_A0] = sys_write((const char *)arg0, arg1);
		break;
	case SYS_EXIT:
		proc_exit(tf, (int)arg0);
		break;
	case SYS_YIELD:
		tf->regs[REG_A0] = 0;
		schedule(tf);
		break;
	case SYS_GETPID:
		tf->regs[REG_A0] = (uint64_t)current->pid;
		break;
	case SYS_READ: {
		int length = console_take_line((char *)arg0, (int)arg1);
		if (length >= 0) {
			tf->regs[REG_A0] = (uint64_t)length;
		} else {
			tf->sepc -= 4; /* no line yet: sleep, then run the ecall again */
			proc_block(tf, WAITING_INPUT);
		}
		break;
	}
	case SYS_SPAWN:
		tf->regs[REG_A0] = (uint64_t)(long)proc_spawn((const char *)arg0, arg1);
		break;
	case SYS_WAIT:
		proc_wait(tf, (int)arg0); /* sets a0 itself: it may switch to another process first */
		break;
	case SYS_PS:
		proc_print_table();
		tf->regs[REG_A0] = 0;
		break;
	default:
		tf->regs[REG_A0] = -1UL;
	}
}
