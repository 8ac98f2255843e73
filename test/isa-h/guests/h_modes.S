/* Entering VS and VU from M (mstatus.MPV=1 with MPP=S/U, mret) and HS/U
   (MPV=0): in VS the supervisor CSRs sstatus, sie, sip, stvec, sscratch,
   sepc, scause, stval and satp are the vs* registers, while HS's own stay
   untouched; sret inside VS (SPP chooses VS or VU); mret back to M sees
   MPV; ecall from VS/VU/HS/U gives causes 10/8/9/8 with MPV and MPP. */
#include "hharness.h"

  .text
  .globl main
main:
  call h_init
  /* Sentinels in HS's own CSRs, which VS must not see or change. */
  li t0, 0x5e5e
  csrw sepc, t0
  li t0, 0x5c5c
  csrw scause, t0
  li t0, 0x5a5a
  csrw stval, t0
  li t0, 0x1234
  csrw vsepc, t0
  li t0, IRQ_SSI | IRQ_STI | IRQ_SEI | IRQ_VSSI | IRQ_VSTI | IRQ_VSEI
  csrw hideleg, t0
  csrr s0, stvec
  csrr s1, sscratch

  ENTER_V MODE_VS, vs_code
  PUT vs_a0_sepc, a0
  PUT vs_a1_sie, a1
  PUT vs_a2_sstatus, a2
  PUT vs_a3_satp, a3
  SHOW vsstatus
  SHOW vsie
  SHOW vstvec
  SHOW vsscratch
  SHOW vsepc
  SHOW vscause
  SHOW vstval
  SHOW hvip
  SHOW sepc
  SHOW scause
  SHOW stval
  csrr t0, stvec
  xor t0, t0, s0
  PUT stvec_unchanged_xor, t0
  csrr t0, sscratch
  xor t0, t0, s1
  PUT sscratch_unchanged_xor, t0
  csrr t0, mstatus
  PUT mstatus_after_vs, t0
  csrw hvip, zero
  csrw vsie, zero

  /* ecall from each mode (a7 = 0 is not the magic value: M prints it). */
  ENTER_V MODE_VS, ecall_then_back
  ENTER_V MODE_VU, ecall_then_back
  ENTER_V MODE_HS, ecall_then_back
  ENTER_V MODE_U, ecall_then_back
  SHOW mstatus

  /* sret in VS: SPP=0 goes to VU (then ecall cause 8 with MPV=1, MPP=U). */
  ENTER_V MODE_VS, vs_sret_to_vu
  PUT after_vu_a0, a0
  SHOW vsstatus
  SHOW hstatus
  csrw vsstatus, zero
  /* The VS handler: a VS ebreak with hedeleg bit 3 reaches vstvec. */
  li t0, 1 << 3
  csrw medeleg, t0
  csrw hedeleg, t0
  ENTER_V MODE_VS, vs_ebreak
  ENTER_V MODE_VU, vs_ebreak
  SHOW vsepc
  SHOW vscause
  SHOW vsstatus
  SHOW sepc
  SHOW scause
  csrw hedeleg, zero
  /* Now to HS: hstatus.SPV/SPVP and sstatus.SPP tell where it came from. */
  ENTER_V MODE_VS, vs_ebreak
  ENTER_V MODE_VU, vs_ebreak
  SHOW hstatus
  csrw medeleg, zero
  csrw hideleg, zero
  j pass

vs_code:
  /* sstatus: only the sstatus view of vsstatus. */
  li t0, MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP | MSTATUS_SPIE
  csrs sstatus, t0
  csrr a2, sstatus
  li t0, IRQ_SSI | IRQ_STI
  csrw sie, t0
  csrr a1, sie
  /* sip.SSIP is hvip.VSSIP. */
  csrsi sip, IRQ_SSI
  /* sscratch: written and put back (the VS handler uses it). (A stvec
     written in VS does not read back in QEMU 7.2: not tested.) */
  csrr s3, sscratch
  li t0, 0x77
  csrw sscratch, t0
  csrr s5, sscratch
  PUT in_vs_sscratch, s5
  csrw sscratch, s3
  csrr a0, sepc
  li t0, 0xabc0
  csrw sepc, t0
  li t0, 0x8000000000000009
  csrw scause, t0
  li t0, 0xdead
  csrw stval, t0
  csrr a3, satp
  BACK_TO_M

ecall_then_back:
  li a7, 0
  ecall
  BACK_TO_M

vs_sret_to_vu:
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  li t0, MSTATUS_SPIE
  csrs sstatus, t0
  la t0, vu_code
  csrw sepc, t0
  sret
vu_code:
  li a0, 0x55
  li a7, 0
  ecall
  BACK_TO_M

vs_ebreak:
  ebreak
  BACK_TO_M
