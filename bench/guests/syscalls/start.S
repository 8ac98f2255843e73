/*
 * Entry, trap vector and the return to user mode.
 *
 * OpenSBI's fw_jump (or vmscope's monitor) enters _start in S-mode with
 * paging off, a0 = hart id and a1 = device tree address.
 */
#include "layout.h"

	.section .text.start, "ax"
	.globl _start
_start:
	bnez	a0, park		/* only the boot hart is ever started */
	la	sp, boot_stack_top
	/* Zero .bss: firmware does not promise clean RAM. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, trap_entry
	csrw	stvec, t0
	csrw	sscratch, zero		/* 0 = "the trap came from the kernel" */
	call	kernel_main		/* ends with SBI SRST */
park:	wfi
	j	park

/*
 * Every trap comes here (stvec direct mode). sscratch holds the process's
 * trap frame while user code runs and 0 while the kernel runs; the kernel
 * takes no traps of its own, so one from S-mode is a panic.
 */
	.text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	a0, sscratch, a0
	beqz	a0, from_kernel
	sd	x1, 1*8(a0)
	sd	x2, 2*8(a0)
	sd	x3, 3*8(a0)
	sd	x4, 4*8(a0)
	sd	x5, 5*8(a0)
	sd	x6, 6*8(a0)
	sd	x7, 7*8(a0)
	sd	x8, 8*8(a0)
	sd	x9, 9*8(a0)
	sd	x11, 11*8(a0)
	sd	x12, 12*8(a0)
	sd	x13, 13*8(a0)
	sd	x14, 14*8(a0)
	sd	x15, 15*8(a0)
	sd	x16, 16*8(a0)
	sd	x17, 17*8(a0)
	sd	x18, 18*8(a0)
	sd	x19, 19*8(a0)
	sd	x20, 20*8(a0)
	sd	x21, 21*8(a0)
	sd	x22, 22*8(a0)
	sd	x23, 23*8(a0)
	sd	x24, 24*8(a0)
	sd	x25, 25*8(a0)
	sd	x26, 26*8(a0)
	sd	x27, 27*8(a0)
	sd	x28, 28*8(a0)
	sd	x29, 29*8(a0)
	sd	x30, 30*8(a0)
	sd	x31, 31*8(a0)
	csrr	t0, sscratch
	sd	t0, 10*8(a0)
	csrr	t0, sepc
	sd	t0, TF_PC(a0)
	csrw	sscratch, zero
	ld	sp, TF_KERNEL_SP(a0)
	mv	s0, a0
	call	user_trap		/* (trap frame) */
	mv	a0, s0
	/* Fall through: back to the process. */

/* enter_user(frame): sret to the process whose registers frame holds. */
	.globl enter_user
enter_user:
	li	t0, 1 << 8		/* SPP = 0: sret goes to U-mode */
	csrc	sstatus, t0
	ld	t0, TF_PC(a0)
	csrw	sepc, t0
	csrw	sscratch, a0
	ld	x1, 1*8(a0)
	ld	x2, 2*8(a0)
	ld	x3, 3*8(a0)
	ld	x4, 4*8(a0)
	ld	x5, 5*8(a0)
	ld	x6, 6*8(a0)
	ld	x7, 7*8(a0)
	ld	x8, 8*8(a0)
	ld	x9, 9*8(a0)
	ld	x11, 11*8(a0)
	ld	x12, 12*8(a0)
	ld	x13, 13*8(a0)
	ld	x14, 14*8(a0)
	ld	x15, 15*8(a0)
	ld	x16, 16*8(a0)
	ld	x17, 17*8(a0)
	ld	x18, 18*8(a0)
	ld	x19, 19*8(a0)
	ld	x20, 20*8(a0)
	ld	x21, 21*8(a0)
	ld	x22, 22*8(a0)
	ld	x23, 23*8(a0)
	ld	x24, 24*8(a0)
	ld	x25, 25*8(a0)
	ld	x26, 26*8(a0)
	ld	x27, 27*8(a0)
	ld	x28, 28*8(a0)
	ld	x29, 29*8(a0)
	ld	x30, 30*8(a0)
	ld	x31, 31*8(a0)
	ld	x10, 10*8(a0)
	sret

from_kernel:
	csrrw	a0, sscratch, a0
	la	sp, boot_stack_top	/* whatever the kernel was doing is lost anyway */
	la	a0, kernel_trap_message
	csrr	a1, scause
	csrr	a2, sepc
	csrr	a3, stval
	call	panic

	.section .rodata
kernel_trap_message:
	.asciz	"trap in the kernel"
