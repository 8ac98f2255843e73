/* Every CFI directive the unwinder reads, for frame-info.test.ts: readelf interprets the same bytes. */
	.text
	.globl _start
_start:
	.cfi_startproc
	addi sp, sp, -32
	.cfi_def_cfa_offset 32
	sd ra, 24(sp)
	.cfi_offset ra, -8
	sd s0, 16(sp)
	.cfi_offset s0, -16
	mv s0, sp
	.cfi_def_cfa_register s0
	.cfi_remember_state
	mv t0, ra
	.cfi_register ra, t0
	.cfi_same_value s1
	.cfi_undefined s2
	nop
	.cfi_restore_state
	.cfi_val_offset s3, -24
	.rept 70
	nop
	.endr
	.cfi_restore s0
	.cfi_def_cfa sp, 32
	.rept 300
	nop
	.endr
	.cfi_escape 0x10, 0x12, 0x02, 0x72, 0x00
	nop
	.cfi_rel_offset s4, 8
	ld ra, 24(sp)
	.cfi_restore ra
	addi sp, sp, 32
	.cfi_def_cfa_offset 0
	ret
	.cfi_endproc
