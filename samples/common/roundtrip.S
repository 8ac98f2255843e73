/*
 * sret_roundtrip: drops to U-mode with sret and comes back with ecall, the
 * two instructions that cross the S/U boundary. sample_trap sees the ecall
 * (scause 8) and returns to sret_roundtrip_back in S-mode.
 */
	.text
	.globl sret_roundtrip, sret_roundtrip_back
sret_roundtrip:
	addi	sp, sp, -16
	sd	ra, 0(sp)
	csrw	sscratch, sp		/* the trap from U puts its frame below this */
	li	t0, 1 << 8		/* sstatus.SPP = 0: sret goes to U */
	csrc	sstatus, t0
	la	t0, 1f
	csrw	sepc, t0
	sret
1:	ecall				/* running in U-mode: back to the kernel */
sret_roundtrip_back:
	ld	ra, 0(sp)
	addi	sp, sp, 16
	ret
