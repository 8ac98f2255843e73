/*
 * An S-mode guest for the SBI timer and HSM suspend checks (test/hypervisor/
 * timer-suspend.test.ts). It prints one character per check, then powers off
 * through SBI SRST; QEMU + OpenSBI print the reference line.
 *   phase 1 '1': a tick armed with SBI set_timer, acknowledged by writing
 *                stimecmp = -1 (with Sstc they are one register, OpenSBI's
 *                set_timer writes stimecmp): exactly one interrupt, no storm.
 *   phase 2 '1': armed with stimecmp, acknowledged by SBI set_timer(-1).
 *   'R': retentive hart_suspend returns SUCCESS only after the timer fired
 *        (interrupts globally off, STIE on: it wakes like WFI).
 *   'N': non-retentive hart_suspend resumes at resume_addr with
 *        a0 = hartid, a1 = opaque, after the deadline.
 * Anything else prints a lower-case letter saying which check failed.
 */
#define SBI_TIME 0x54494D45
#define SBI_HSM 0x48534D
#define SBI_SRST 0x53525354
#define CSR_STIMECMP 0x14d
#define DELAY 50000

	.section .text.entry
	.globl _start
_start:
	mv s4, a0                /* boot hart id */
	la t0, handler
	csrw stvec, t0
	li t0, -1
	csrw CSR_STIMECMP, t0    /* Sstc is in the ISA string; it resets to 0 ("already due") */
	li t0, 0x20
	csrs sie, t0             /* STIE */
	csrsi sstatus, 2         /* SIE */

	li s1, 0                 /* phase 1: arm through SBI, acknowledge through stimecmp */
	jal ra, phase
	li s1, 1                 /* phase 2: arm through stimecmp, acknowledge through SBI */
	jal ra, phase

	/* Retentive suspend with interrupts globally off: it returns once STIP is pending. */
	csrci sstatus, 2
	rdtime s2
	li t0, DELAY
	add s3, s2, t0
	mv a0, s3
	jal ra, sbi_set_timer
	li a0, 0                 /* default retentive */
	li a1, 0
	li a2, 0
	li a6, 3
	li a7, SBI_HSM
	ecall
	rdtime t1
	li t2, 'e'
	bnez a0, report          /* the call failed */
	li t2, 'r'
	bltu t1, s3, report      /* returned before the deadline: it did not wait */
	li t2, 'R'
report:
	mv a0, t2
	jal ra, putchar
	li a0, -1
	jal ra, sbi_set_timer    /* acknowledge */

	/* Non-retentive suspend: resumes at resume with a0 = hart id, a1 = opaque. */
	rdtime t0
	li t1, DELAY
	add t0, t0, t1
	la t1, deadline
	sd t0, 0(t1)
	mv a0, t0
	jal ra, sbi_set_timer
	li a0, 0x80000000        /* default non-retentive */
	la a1, resume
	li a2, 0x1234
	li a6, 3
	li a7, SBI_HSM
	ecall
	li a0, 'x'               /* it returned: not supported or failed */
	jal ra, putchar
	j shutdown

resume:
	la t0, handler           /* non-retentive: supervisor state is not kept */
	csrw stvec, t0
	mv s0, a0
	mv s2, a1
	rdtime t1
	la t0, deadline
	ld t0, 0(t0)
	li a0, 'h'
	bne s0, s4, resumed      /* a0 is not the hart id */
	li a0, 'o'
	li t2, 0x1234
	bne s2, t2, resumed      /* a1 is not opaque */
	li a0, 'n'
	bltu t1, t0, resumed     /* resumed before the deadline */
	li a0, 'N'
resumed:
	jal ra, putchar
	li a0, -1
	jal ra, sbi_set_timer

shutdown:
	li a0, '\n'
	jal ra, putchar
	li a0, 0
	li a1, 0
	li a6, 0
	li a7, SBI_SRST
	ecall
1:	j 1b

/* One phase: a tick is armed, waited for, then 20000 loop turns with interrupts on; prints the tick count. */
phase:
	mv s5, ra
	li s0, 0
	rdtime a0
	addi a0, a0, 1000
	bnez s1, 1f
	jal ra, sbi_set_timer
	j 2f
1:	csrw CSR_STIMECMP, a0
	/* Interrupts off around the check, so the tick cannot slip in between it and wfi. */
2:	csrci sstatus, 2
	bnez s0, 5f
	wfi
	csrsi sstatus, 2
	j 2b
5:	csrsi sstatus, 2
	li t1, 20000
3:	addi t1, t1, -1
	bnez t1, 3b
	li a0, '9'
	li t0, 9
	bgtu s0, t0, 4f          /* an interrupt storm */
	addi a0, s0, '0'
4:	jal ra, putchar
	mv ra, s5
	ret

/* a0 = deadline; clobbers a0, a1, a6, a7. */
sbi_set_timer:
	li a6, 0
	li a7, SBI_TIME
	ecall
	ret

/* legacy console_putchar(a0); clobbers a0, a7. */
putchar:
	li a7, 1
	ecall
	ret

	.balign 4
handler:
	csrr t3, scause
	bgez t3, fatal           /* an exception: none is expected */
	addi s0, s0, 1
	bnez s1, 1f
	li t3, -1
	csrw CSR_STIMECMP, t3
	sret
1:	mv t4, a0
	mv t5, a6
	mv t6, a7
	li a0, -1
	li a6, 0
	li a7, SBI_TIME
	ecall
	mv a0, t4
	mv a6, t5
	mv a7, t6
	sret
fatal:
	li a0, '!'
	jal ra, putchar
	j shutdown

	.section .data
	.balign 8
deadline:
	.dword 0
