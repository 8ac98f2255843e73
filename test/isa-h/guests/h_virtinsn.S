/* Virtual-instruction exceptions (cause 22, tval = the instruction) and
   where illegal-instruction ones (cause 2) stay: hypervisor and vs* CSRs
   from VS, M CSRs from VS, HLV/HSV/HFENCE from VS, WFI with VTW (and TW
   winning over it), SRET with VTSR, SFENCE.VMA with VTVM, counters with
   hcounteren, htimedelta, and the same delegated to HS with medeleg bit
   22. (mstatus.TSR/TVM affect HS only, but QEMU 7.2 applies them in VS
   too: not tested.) */
#include "hharness.h"

  .text
  .globl main
main:
  call h_init
  ENTER_V MODE_VS, vs_csrs
  SAY "vtw"
  li t0, HSTATUS_VTW
  csrs hstatus, t0
  ENTER_V MODE_VS, vs_wfi
  li t0, MSTATUS_TW
  csrs mstatus, t0
  ENTER_V MODE_VS, vs_wfi
  csrc mstatus, t0
  /* WFI in VU with TW=0: virtual instruction even without VTW. */
  li t0, HSTATUS_VTW
  csrc hstatus, t0
  ENTER_V MODE_VU, vs_wfi

  SAY "vtsr"
  li t0, HSTATUS_VTSR
  csrs hstatus, t0
  ENTER_V MODE_VS, vs_sret
  li t0, HSTATUS_VTSR
  csrc hstatus, t0
  ENTER_V MODE_VS, vs_sret

  SAY "vtvm"
  li t0, HSTATUS_VTVM
  csrs hstatus, t0
  ENTER_V MODE_VS, vs_vm
  li t0, HSTATUS_VTVM
  csrc hstatus, t0
  ENTER_V MODE_VS, vs_vm

  SAY "counters"
  /* mcounteren.TM=1, hcounteren.TM=0: rdtime from VS is virtual; both 1: allowed. */
  li t0, 7
  csrw mcounteren, t0
  csrw hcounteren, zero
  ENTER_V MODE_VS, vs_time
  PUT time_ok_0, a0
  li t0, 2
  csrw hcounteren, t0
  ENTER_V MODE_VS, vs_time
  PUT time_ok_1, a0
  /* mcounteren.TM=0: illegal instruction whatever hcounteren says. */
  csrw mcounteren, zero
  ENTER_V MODE_VS, vs_time
  PUT time_ok_2, a0
  /* htimedelta is added to time in VS (the delta dwarfs the elapsed time). */
  li t0, 7
  csrw mcounteren, t0
  csrw hcounteren, t0
  li t0, 1 << 50
  csrw htimedelta, t0
  csrr s0, time
  ENTER_V MODE_VS, vs_time
  sub t0, a1, s0
  li t1, 1 << 50
  sltu t0, t0, t1
  PUT vs_time_below_delta, t0
  li t1, (1 << 50) + (1 << 40)
  sub t0, a1, s0
  sltu t0, t0, t1
  PUT vs_time_within_delta, t0
  csrw htimedelta, zero
  csrw hcounteren, zero
  csrw mcounteren, zero

  SAY "delegated to hs"
  li t0, (1 << 22) | (1 << 2)
  csrw medeleg, t0
  ENTER_V MODE_VS, vs_few
  csrw medeleg, zero
  j pass

vs_csrs:
  csrr a0, hstatus
  csrr a0, hgatp
  csrw hvip, zero
  csrr a0, vsstatus
  csrr a0, vsatp
  csrr a0, mstatus
  csrr a0, misa
  csrr a0, mtval2
  /* The fences: virtual instruction. (So are HLV/HSV, but QEMU 7.2
     reports a stale tval for them: not tested.) */
  hfence.vvma
  hfence.gvma
  mret
  BACK_TO_M

vs_wfi:
  wfi
  BACK_TO_M

vs_sret:
  li t0, MSTATUS_SPP
  csrs sstatus, t0
  la t0, 1f
  csrw sepc, t0
  sret
  SAY "sret fell through"
1: SAY "after sret"
  BACK_TO_M

/* (QEMU 7.2 does not trap satp accesses under VTVM: not tested.) */
vs_vm:
  sfence.vma
  hfence.vvma
  BACK_TO_M

vs_time:
  li a0, 0
  li a1, 0
  rdtime a1
  li a0, 1
  BACK_TO_M

vs_few:
  csrr a0, hstatus
  csrr a0, mstatus
  li a0, HSTATUS_VTW
  BACK_TO_M
