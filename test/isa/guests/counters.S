/* Counters: cycle, time and instret advance (only "did it increase" is
   printed, never a value: QEMU 7.2 without icount derives instret from
   host time), mcountinhibit.IR stops minstret, and
   mcounteren/scounteren gate S and U access to cycle/time/instret. */
#include "harness.h"

/* Prints 1 if the CSR read twice with work in between increased. */
.macro GROWS name, csr
  csrr s0, \csr
  li t0, 200
1: addi t0, t0, -1
  bnez t0, 1b
  csrr s1, \csr
  sltu s2, s0, s1
  PUT "\name", s2
.endm

  .text
  .globl main
main:
  GROWS cycle_grows, cycle
  GROWS instret_grows, instret
  GROWS mcycle_grows, mcycle
  GROWS minstret_grows, minstret
  /* time needs mtime to move: spin until it does, then print 1. */
  csrr s0, time
1: csrr s1, time
  beq s0, s1, 1b
  li s2, 1
  PUT time_moves, s2
  /* mcountinhibit.IR stops minstret. */
  csrwi mcountinhibit, 4
  csrr s0, minstret
  nop
  nop
  csrr s1, minstret
  csrwi mcountinhibit, 0
  sub s2, s1, s0
  PUT minstret_inhibited_delta, s2
  /* S and U access with the enables off, then on. */
  csrw mcounteren, zero
  csrw scounteren, zero
  ENTER 1, s_read
  ENTER 0, u_read
  csrwi mcounteren, 7
  ENTER 1, s_read
  ENTER 0, u_read
  csrwi scounteren, 5
  ENTER 0, u_read
  j pass

s_read:
u_read:
  li a0, 0
  li a1, 0
  li a2, 0
  rdcycle a0
  rdtime a1
  rdinstret a2
  snez a0, a0
  snez a1, a1
  snez a2, a2
  BACK_TO_M
