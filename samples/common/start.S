/*
 * Entry of every S-mode sample. OpenSBI's fw_jump (mode none) and vmscope's
 * monitor (virtualized modes) both enter _start in S-mode with paging off,
 * a0 = hart id and a1 = device tree address. Only the boot hart arrives
 * here; other harts stay stopped until the kernel starts them with SBI HSM
 * at secondary_entry.
 */
#include "layout.h"

	.section .text.start, "ax"
	.globl _start
_start:
	/* Nothing is relaxed against gp before gp is set. */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop

	/* Firmware does not promise clean RAM: zero .bss (no stack in use yet). */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	hart_setup		/* stack and trap vector for hart a0 */
	call	main			/* main(hart id, device tree) */
	call	sbi_shutdown		/* main's return value is the exit status */
3:	wfi
	j	3b

/*
 * SBI HSM hart_start(hartid, secondary_entry, function): the new hart
 * arrives here with a0 = its id and a1 = the opaque value, which the
 * samples use for the C function to run: function(hart id).
 */
	.text
	.globl secondary_entry
secondary_entry:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	mv	s0, a1
	call	hart_setup
	jalr	s0
	call	sbi_hart_stop
4:	wfi
	j	4b

/*
 * hart_setup: sp = top of this hart's stack, tp = hart id (the kernel's
 * "which CPU am I"), stvec = trap_entry, sscratch = 0 ("running in the
 * kernel"). Keeps a0 and a1; returns through ra.
 */
hart_setup:
	li	t0, MAX_HARTS
	bgeu	a0, t0, 5f
	mv	tp, a0
	la	sp, hart_stacks
	addi	t0, a0, 1
	slli	t0, t0, HART_STACK_SHIFT
	add	sp, sp, t0
	la	t0, trap_entry
	csrw	stvec, t0
	csrw	sscratch, zero
	ret
5:	/* A hart id beyond the stacks: nothing safe to do but wait. */
	wfi
	j	5b

	.section .bss.stacks, "aw", @nobits
	.balign 16
	.globl hart_stacks
hart_stacks:
	.space	MAX_HARTS << HART_STACK_SHIFT
