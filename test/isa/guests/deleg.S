/* Delegation to S: medeleg routes exceptions from S and U to the S handler
   (scause/sepc/stval, SPP/SPIE), what stays in M, sret with SPP/SPIE, the
   TSR/TVM/TW traps and MPRV without paging. */
#include "harness.h"

  .text
  .globl main
main:
  /* Delegate breakpoint, illegal instruction, ecall from U, load/store faults. */
  li t0, (1 << 3) | (1 << 2) | (1 << 8) | (1 << 5) | (1 << 7) | (1 << 4) | (1 << 6)
  csrw medeleg, t0
  ENTER 1, s_code
  PUT s_a0, a0
  PUT s_a1, a1
  PUT s_a2, a2
  ENTER 0, u_code
  PUT u_a0, a0
  csrr t0, sstatus
  PUT sstatus_after, t0
  /* Traps from M are never delegated. */
  ebreak
  .word 0
  csrw medeleg, zero

  /* TSR, TVM, TW make sret, satp/sfence.vma and wfi trap from S. */
  li t0, MSTATUS_TSR | MSTATUS_TVM | MSTATUS_TW
  csrs mstatus, t0
  ENTER 1, s_trapped
  li t0, MSTATUS_TSR | MSTATUS_TVM | MSTATUS_TW
  csrc mstatus, t0

  /* MPRV with MPP=U and satp=0: loads and stores still work under PMP. */
  la s0, cell
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  li t1, 0x77
  sd t1, 0(s0)
  ld t2, 0(s0)
  csrc mstatus, t0
  PUT mprv_bare, t2
  csrr t0, mstatus
  PUT mstatus_after_mprv, t0
  j pass

s_code:
  ebreak                    /* delegated: strap cause 3 from S */
  .word 0                   /* delegated illegal */
  li t0, 0x88000000
  ld t1, 0(t0)              /* delegated load access fault */
  sd t1, 0(t0)              /* delegated store access fault */
  /* ecall from S is not delegated: M sees it. */
  li a7, 0
  ecall
  csrr a0, scause
  csrr a1, stval
  csrr a2, sstatus
  /* sret back into S via SPP=1 with SPIE=1: SIE becomes 1, SPIE 1, SPP U. */
  li t0, MSTATUS_SPP | MSTATUS_SPIE
  csrs sstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
1: csrr t0, sstatus
  PUT sstatus_after_sret, t0
  csrci sstatus, MSTATUS_SIE
  BACK_TO_M

u_code:
  ebreak                    /* delegated: strap from U */
  li a7, 0
  ecall                     /* delegated ecall from U, cause 8 */
  li a0, 0x99
  BACK_TO_M                 /* forwarded by the S handler */

s_trapped:
  csrr t0, satp             /* TVM: illegal */
  sfence.vma                /* TVM: illegal */
  wfi                       /* TW: illegal */
  la t0, 1f
  csrw sepc, t0
  sret                      /* TSR: illegal */
1: BACK_TO_M

  .data
  .align 3
cell: .dword 0
