/*
 * Entry in S-mode with paging off, a0 = hart id, a1 = device tree, as
 * OpenSBI's fw_jump (or vmscope's monitor) enters a kernel. Only the boot
 * hart is started by either; any other hart would just wait.
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

	/* Firmware does not promise clean RAM. */
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
