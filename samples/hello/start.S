/*
 * Entry point. QEMU's reset ROM (and vmscope's) jumps here in M-mode with
 * a0 = hart id and a1 = device tree address. There is no firmware: this
 * code owns the bare machine, so it sets up a stack itself and parks every
 * hart but hart 0.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	/* No gp relaxation has happened yet: load gp without relaxing. */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop

	bnez	a0, park		/* only hart 0 runs main */
	la	sp, __stack_top

	/* Zero .bss: C expects it. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	call	main			/* main(hartid, dtb) powers off */

park:
	wfi
	j	park
