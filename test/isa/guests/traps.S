/* Synchronous exceptions taken in M: ecall from M, S and U, ebreak,
   illegal instructions (tval = the bits), privileged instructions from lower
   modes, access faults on unmapped addresses, fetch from nowhere, and the
   return path through mret with MPP/MPIE. */
#include "harness.h"

  .text
  .globl main
main:
  /* ecall from M: cause 11. a7 is not the magic value. */
  li a7, 0
  ecall
  ebreak
  /* Illegal: an unknown opcode, a reserved funct, mret's sibling (uret). */
  .word 0xffffffff
  .word 0x0000007f
  .word 0x00200073          /* uret (N extension): illegal */
  .word 0x0200003b | (1 << 12) | (1 << 25)  /* a W-form of mul with funct3=1: illegal */
  .word 0x4000503b | (7 << 25)  /* sraw with bad funct7 */
  /* Access faults: load and store at an address with no device, fetch too. */
  li t0, 0x88000000
  ld t1, 0(t0)
  sw t1, 4(t0)
  li t0, 0x0
  lb t1, 0(t0)
  li t0, 0x88000000
  jalr ra, 0(t0)
  SAY "back from fetch fault"

  /* ecall from S and U, mret into each mode with mstatus effects. */
  ENTER 1, s_code
  PUT s_returned_a0, a0
  PUT s_returned_a1, a1
  ENTER 0, u_code
  PUT u_returned_a0, a0
  csrr t0, mstatus
  PUT mstatus_after_u, t0

  /* mret restores MIE from MPIE and sets MPIE; MPP becomes U (least mode). */
  li t0, MSTATUS_MPIE
  csrs mstatus, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  mret
1: csrr t0, mstatus
  PUT mstatus_after_mret_to_m, t0
  li t0, MSTATUS_MIE
  csrc mstatus, t0
  j pass

s_code:
  li a7, 0
  ecall                     /* cause 9 */
  csrr a0, sstatus
  /* M-mode CSR from S: illegal. */
  csrr a1, mstatus
  /* mret from S: illegal. */
  mret
  /* wfi in S with TW=0 is fine. sfence.vma in S is fine. */
  sfence.vma
  li a1, 0x51
  BACK_TO_M

u_code:
  li a7, 0
  ecall                     /* cause 8 */
  /* S-mode CSR, sret, wfi, sfence.vma from U: illegal. */
  csrr a0, sstatus
  sret
  wfi
  sfence.vma
  /* Counters are not enabled for U (mcounteren = 0): illegal. */
  rdcycle a0
  rdinstret a0
  rdtime a0
  li a0, 0x55
  BACK_TO_M
