/* RV64I control transfer: every branch taken and not taken over signed and
   unsigned edges, JAL/JALR link values, JALR clearing bit 0 of the target. */
#include "harness.h"

/* Prints "name a b: T|N" for one branch. */
.macro BR insn, a, b
  li t0, \a
  li t1, \b
  li t2, 'N'
  \insn t0, t1, 9994f
  j 9993f
9994: li t2, 'T'
9993: PUT "\insn \a \b", t2
.endm

  .text
  .globl main
main:
  .irp insn, beq, bne, blt, bge, bltu, bgeu
  BR \insn, 0, 0
  BR \insn, 1, 2
  BR \insn, 2, 1
  BR \insn, -1, 1
  BR \insn, 1, -1
  BR \insn, -1, -1
  BR \insn, 0x8000000000000000, 0x7fffffffffffffff
  BR \insn, 0x7fffffffffffffff, 0x8000000000000000
  BR \insn, 0x100000000, 0
  BR \insn, 0, 0x100000000
  .endr

  /* Backward branch loop. */
  li t0, 0
  li t1, 10
1: addi t0, t0, 3
  addi t1, t1, -1
  bnez t1, 1b
  PUT loop, t0

  /* JAL links the next instruction's address. */
  jal t0, 2f
3: nop
2: la t1, 3b
  sub t2, t0, t1
  PUT jal_link, t2
  jal x0, 4f
  PUT jal_x0_skipped, zero
4:
  /* JALR: target = (rs1 + imm) & ~1, link written after reading rs1. */
  la t0, jr_target
  jalr ra, 0(t0)
  PUT jalr_ret, a0
  la t0, jr_target
  addi t0, t0, 1
  jalr ra, 0(t0)
  PUT jalr_odd_ret, a0
  la t0, jr_target
  addi t0, t0, -3
  jalr ra, 4(t0)
  PUT jalr_odd_imm, a0
  /* rd = rs1: the link overwrote t0 after the jump used it. */
  la t0, jr_link
  jalr t0, 0(t0)
5: la t1, 5b
  sub t2, a1, t1
  PUT jalr_rd_eq_rs1, t2
  j pass

jr_target:
  li a0, 0x77
  jr ra
jr_link:
  mv a1, t0
  jr t0
