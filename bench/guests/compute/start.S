/*
 * Entry point, as for samples/hello: M-mode, a0 = hart id, a1 = device
 * tree. Hart 0 runs the benchmark; any other hart waits for interrupts.
 */
	.section .text.start, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop

	bnez	a0, park
	la	sp, __stack_top

	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	call	main

park:
	wfi
	j	park
