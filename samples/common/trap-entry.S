/*
 * The trap vector (stvec, direct mode) and the way back out of a trap.
 *
 * sscratch is 0 while the kernel runs and holds the kernel stack pointer
 * while user code runs, so one swap tells the two apart: a trap from U
 * switches to the kernel stack, a trap from S stays on its own. Either
 * way a full trap frame (every register, sepc, sstatus, scause, stval)
 * goes on the stack and handle_trap(frame) sees and may change all of it:
 * a scheduler switches processes by rewriting the frame. Kernel stacks
 * are the per-hart stacks of start.S: a trap from U reloads gp and
 * recomputes tp (the hart id) from the stack it landed on.
 */
#include "layout.h"

	.text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	bnez	sp, 1f			/* from U: sp = kernel stack, sscratch = user sp */
	csrrw	sp, sscratch, sp	/* from S: undo the swap (sscratch = 0 again) */
1:	addi	sp, sp, -TF_SIZE
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
	sd	x18, 18*8(sp)
	sd	x19, 19*8(sp)
	sd	x20, 20*8(sp)
	sd	x21, 21*8(sp)
	sd	x22, 22*8(sp)
	sd	x23, 23*8(sp)
	sd	x24, 24*8(sp)
	sd	x25, 25*8(sp)
	sd	x26, 26*8(sp)
	sd	x27, 27*8(sp)
	sd	x28, 28*8(sp)
	sd	x29, 29*8(sp)
	sd	x30, 30*8(sp)
	sd	x31, 31*8(sp)
	/* The interrupted sp: the user's (in sscratch), or this stack before the frame. */
	csrr	t0, sscratch
	bnez	t0, 2f
	addi	t0, sp, TF_SIZE
	j	3f
	/*
	 * From U: gp and tp are the user's. The kernel's gp is a link-time
	 * constant (loaded without relaxing, which would use gp itself); its
	 * tp (the hart id) follows from which hart stack this is.
	 */
2:	.option push
	.option norelax
	la	gp, __global_pointer$
	la	t1, hart_stacks
	.option pop
	sub	t1, sp, t1
	srli	tp, t1, HART_STACK_SHIFT
3:	sd	t0, 2*8(sp)
	csrw	sscratch, zero		/* in the kernel now */
	csrr	t0, sepc
	sd	t0, TF_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, TF_SSTATUS(sp)
	csrr	t0, scause
	sd	t0, TF_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TF_STVAL(sp)
	mv	a0, sp
	call	handle_trap		/* (frame) */
	j	trap_exit

/* trap_return(frame): leave through a frame the kernel built (e.g. a new process). */
	.globl trap_return
trap_return:
	mv	sp, a0
	/* fall through */

/* sp = frame: restore it and sret to wherever it says. */
trap_exit:
	ld	t0, TF_SEPC(sp)
	csrw	sepc, t0
	ld	t0, TF_SSTATUS(sp)
	csrw	sstatus, t0
	andi	t0, t0, 1 << 8		/* SPP: 0 = going back to U */
	bnez	t0, 4f
	addi	t0, sp, TF_SIZE		/* the next trap from U gets this stack */
	csrw	sscratch, t0
4:	ld	x1, 1*8(sp)
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
	ld	x18, 18*8(sp)
	ld	x19, 19*8(sp)
	ld	x20, 20*8(sp)
	ld	x21, 21*8(sp)
	ld	x22, 22*8(sp)
	ld	x23, 23*8(sp)
	ld	x24, 24*8(sp)
	ld	x25, 25*8(sp)
	ld	x26, 26*8(sp)
	ld	x27, 27*8(sp)
	ld	x28, 28*8(sp)
	ld	x29, 29*8(sp)
	ld	x30, 30*8(sp)
	ld	x31, 31*8(sp)
	ld	x2, 2*8(sp)
	sret
