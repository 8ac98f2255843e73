/*
 * syscalls: the exit-heavy guest of `npm run bench`. A supervisor kernel
 * turns on Sv39 paging and runs one user process that makes USER_SYSCALLS
 * system calls and touches USER_PAGES fresh heap pages, each mapped on
 * demand by the page-fault handler. The process hands its checksum to
 * SYS_EXIT, the kernel prints it with its own counts and shuts down with
 * SBI SRST. Nothing printed depends on time or on the firmware.
 */
#include "kernel.h"

extern char boot_stack_top[];
void user_entry(void); /* user.c, linked at USER_CODE */

static struct trapframe user_frame;

void kernel_main(void)
{
	sbi_puts("syscalls: ");
	sbi_put_decimal(USER_SYSCALLS);
	sbi_puts(" calls, ");
	sbi_put_decimal(USER_PAGES);
	sbi_puts(" pages on demand\n");
	vm_init();
	user_frame.regs[0] = (uint64_t)user_entry;
	user_frame.regs[2] = USER_STACK_TOP;
	user_frame.kernel_sp = (uint64_t)boot_stack_top;
	enter_user(&user_frame);
}
