/*
 * Entry, the trap vector, the trip to U-mode and a small setjmp/longjmp.
 * OpenSBI's fw_jump (or the monitor) enters _start in S-mode with paging
 * off, a0 = hart id and a1 = device tree address.
 */
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
	call	main		/* (hart id, device tree): ends with SBI SRST */
3:	wfi
	j	3b

/*
 * Every trap comes here (stvec direct mode), from S or U: U-mode code here
 * never touches sp, so the kernel stack is always the current one. The
 * frame holds x1..x31 and sepc (slot 0); trap() may move the pc.
 */
	.text
	.balign 4
	.globl trap_entry
trap_entry:
	addi	sp, sp, -32*8
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
	csrr	t0, sepc
	sd	t0, 0(sp)
	mv	a0, sp
	call	trap
	ld	t0, 0(sp)
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
	addi	sp, sp, 32*8
	sret

/* run_user(code): sret to `code` in U-mode; the handler jumps back here on its ecall. */
	.globl run_user
run_user:
	addi	sp, sp, -16
	sd	ra, 0(sp)
	sd	a0, 8(sp)
	la	a0, user_return
	call	jump_save
	bnez	a0, 1f
	ld	t0, 8(sp)
	csrw	sepc, t0
	li	t0, 1 << 8		/* SPP = U */
	csrc	sstatus, t0
	sret
1:	ld	ra, 0(sp)
	addi	sp, sp, 16
	ret

/* U-mode code: one environment call, which never returns here. */
	.globl user_ecall
user_ecall:
	li	a7, 0x55
	ecall
	j	user_ecall

/* jump_save(ctx) → 0; jump_back(ctx) makes that call return 1. */
	.globl jump_save
jump_save:
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

	.globl jump_back
jump_back:
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
