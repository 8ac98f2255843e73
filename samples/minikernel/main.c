/*
 * minikernel: a small kernel in C to step through at source level. User
 * programs run in U-mode (paging stays off: this kernel is about
 * processes, not memory), call the kernel with ecall (syscall_dispatch),
 * get preempted by the timer (schedule), and a shell (shell_main, in
 * shell-user.c) reads commands from the UART: help, ps, run NAME, exit.
 *
 * Good breakpoints: syscall_dispatch (every system call), schedule (every
 * switch), timer_tick (every preemption), shell_main (the shell's loop).
 */
#include "console.h"
#include "csr.h"
#include "minikernel.h"
#include "sbi.h"

int main(unsigned long hartid, unsigned long dtb)
{
	(void)dtb;
	kprintf("minikernel: U-mode processes, system calls, timer preemption, a shell on the UART\n");
	console_input_start(hartid);
	timer_start();
	proc_spawn("shell", 0);
	schedule_first();
}
