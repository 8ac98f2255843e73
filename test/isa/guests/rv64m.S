/* M extension: every multiply, divide and remainder over edge operands,
   division by zero and signed overflow, and the W variants. */
#include "harness.h"

  .text
  .globl main
main:
  BINOP mul
  BINOP mulh
  BINOP mulhsu
  BINOP mulhu
  BINOP div
  BINOP divu
  BINOP rem
  BINOP remu
  BINOP mulw
  BINOP divw
  BINOP divuw
  BINOP remw
  BINOP remuw
  /* rd overlapping a source. */
  li t0, 7
  li t1, -3
  mul t0, t0, t1
  PUT mul_rd_rs1, t0
  li t0, 7
  div t1, t0, t1
  PUT div_rd_rs2, t1
  j pass
