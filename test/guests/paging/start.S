/*
 * Entry, trap vector, the return to user mode, a tiny setjmp/longjmp for
 * the scheduler, and the kernel's guarded user-memory accessors.
 *
 * OpenSBI's fw_jump (or a monitor) enters _start in S-mode with paging
 * off, a0 = hart id and a1 = device tree address.
 */
#include "layout.h"

	.section .text.start, "ax"
	.globl _start
_start:
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
	call	kernel_main		/* (hart id, device tree): ends with SBI SRST */
3:	wfi
	j	3b

/*
 * Every trap comes here (stvec direct mode). sscratch holds the current
 * process's trap frame while user code runs and 0 while the kernel runs,
 * so one swap tells the two apart without touching any other register.
 */
	.text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	a0, sscratch, a0
	beqz	a0, from_kernel
	/* From U: a0 = trap frame, the user's a0 is in sscratch. */
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
	call	user_trap		/* (trap frame): never returns */
	j	.

from_kernel:
	/* Undo the swap: a0 back, sscratch 0 again. Save everything on this stack. */
	csrrw	a0, sscratch, a0
	addi	sp, sp, -TF_SIZE
	sd	x1, 1*8(sp)
	sd	x3, 3*8(sp)
	sd	x4, 4*8(sp)
	sd	x5, 5*8(sp)
	sd	x6, 6*8(sp)
	sd	x7, 7*8(sp)
	sd	x8, 8*8(sp)
	sd	x9, 9*8(sp)
	sd	x10, 10*8(sp)
	sd	x11, 11*8(sp)
	sd	x12, 12*8(sp)
	sd	x13, 13*8(sp)
	sd	x14, 14*8(sp)
	sd	x15, 15*8(sp)
	sd	x16, 16*8(sp)
	sd	x17, 17*8(sp)
	sd	x28, 28*8(sp)
	sd	x29, 29*8(sp)
	sd	x30, 30*8(sp)
	sd	x31, 31*8(sp)
	csrr	t0, sepc
	sd	t0, TF_PC(sp)
	mv	a0, sp
	call	kernel_trap		/* (frame): may redirect the pc slot to a fixup */
	ld	t0, TF_PC(sp)
	csrw	sepc, t0
	ld	x1, 1*8(sp)
	ld	x3, 3*8(sp)
	ld	x4, 4*8(sp)
	ld	x5, 5*8(sp)
	ld	x6, 6*8(sp)
	ld	x7, 7*8(sp)
	ld	x8, 8*8(sp)
	ld	x9, 9*8(sp)
	ld	x10, 10*8(sp)
	ld	x11, 11*8(sp)
	ld	x12, 12*8(sp)
	ld	x13, 13*8(sp)
	ld	x14, 14*8(sp)
	ld	x15, 15*8(sp)
	ld	x16, 16*8(sp)
	ld	x17, 17*8(sp)
	ld	x28, 28*8(sp)
	ld	x29, 29*8(sp)
	ld	x30, 30*8(sp)
	ld	x31, 31*8(sp)
	addi	sp, sp, TF_SIZE
	sret

/*
 * enter_user(frame): resume a process. sstatus.SPP = 0 makes sret go to
 * U-mode; sscratch = frame arms trap_entry for the way back.
 */
	.globl enter_user
enter_user:
	li	t0, 1 << 8		/* SPP */
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

/* kjmp_save(ctx) → 0; kjmp_jump(ctx) makes that call return 1. */
	.globl kjmp_save
kjmp_save:
	sd	ra, 0*8(a0)
	sd	sp, 1*8(a0)
	sd	s0, 2*8(a0)
	sd	s1, 3*8(a0)
	sd	s2, 4*8(a0)
	sd	s3, 5*8(a0)
	sd	s4, 6*8(a0)
	sd	s5, 7*8(a0)
	sd	s6, 8*8(a0)
	sd	s7, 9*8(a0)
	sd	s8, 10*8(a0)
	sd	s9, 11*8(a0)
	sd	s10, 12*8(a0)
	sd	s11, 13*8(a0)
	li	a0, 0
	ret

	.globl kjmp_jump
kjmp_jump:
	ld	ra, 0*8(a0)
	ld	sp, 1*8(a0)
	ld	s0, 2*8(a0)
	ld	s1, 3*8(a0)
	ld	s2, 4*8(a0)
	ld	s3, 5*8(a0)
	ld	s4, 6*8(a0)
	ld	s5, 7*8(a0)
	ld	s6, 8*8(a0)
	ld	s7, 9*8(a0)
	ld	s8, 10*8(a0)
	ld	s9, 11*8(a0)
	ld	s10, 12*8(a0)
	ld	s11, 13*8(a0)
	li	a0, 1
	ret

/*
 * Guarded accesses (Linux's exception table, reduced to one range): a page
 * fault whose sepc lies in [guarded_start, guarded_end) resumes at
 * guarded_fault, which returns -1. kernel_trap does the redirect.
 */
	.globl guarded_start, guarded_end, guarded_fault
guarded_start:

/* long guarded_copy(dst, src, length): 0, or -1 when an access faulted. */
	.globl guarded_copy
guarded_copy:
	beqz	a2, 2f
1:	lbu	t0, 0(a1)
	sb	t0, 0(a0)
	addi	a0, a0, 1
	addi	a1, a1, 1
	addi	a2, a2, -1
	bnez	a2, 1b
2:	li	a0, 0
	ret

/* long guarded_store(address, value): stores one doubleword; 0 or -1. */
	.globl guarded_store
guarded_store:
	sd	a1, 0(a0)
	li	a0, 0
	ret

guarded_fault:
	li	a0, -1
	ret
guarded_end:
