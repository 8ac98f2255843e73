/* Interrupts injected through hvip: with hideleg they are taken in VS as
   the supervisor interrupts (VSSIP/VSTIP/VSEIP -> scause 1/5/9) when
   vsstatus.SIE and vsie allow, always in VU, never in HS or M; without
   hideleg they go to HS as causes 2/6/10, even while V=1 with sstatus.SIE
   clear. One interrupt pending at a time: QEMU 7.2 takes several in
   cause-number order instead of the spec's priority (see qemu.ts). */
#include "hharness.h"

  .text
  .globl main
main:
  call h_init
  li t0, IRQ_VSSI | IRQ_VSTI | IRQ_VSEI
  csrw hideleg, t0
  csrw hie, t0

  SAY "vs sie=1"
  li t0, MSTATUS_SIE
  csrw vsstatus, t0
  li t0, IRQ_VSTI
  csrw hvip, t0
  ENTER_V MODE_VS, vs_idle
  SHOW hvip
  SHOW vsie
  csrw hvip, zero
  li t0, IRQ_VSSI | IRQ_VSTI | IRQ_VSEI
  csrw hie, t0
  li t0, IRQ_VSSI
  csrw hvip, t0
  ENTER_V MODE_VS, vs_idle
  SHOW hvip
  SHOW vsie
  li t0, IRQ_VSSI | IRQ_VSTI | IRQ_VSEI
  csrw hie, t0
  li t0, IRQ_VSEI
  csrw hvip, t0
  ENTER_V MODE_VS, vs_idle
  SHOW hvip
  SHOW vsstatus
  csrw hvip, zero

  SAY "vs sie=0"
  csrw vsstatus, zero
  li t0, IRQ_VSSI | IRQ_VSTI | IRQ_VSEI
  csrw hie, t0
  li t0, IRQ_VSTI
  csrw hvip, t0
  ENTER_V MODE_VS, vs_idle
  SAY "vu"
  ENTER_V MODE_VU, vs_idle
  SHOW hvip
  csrw hvip, zero

  SAY "to hs"
  csrw hideleg, zero
  li t0, IRQ_VSSI | IRQ_VSTI | IRQ_VSEI
  csrw hie, t0
  li t0, IRQ_VSTI
  csrw hvip, t0
  ENTER_V MODE_VS, vs_idle
  li t0, IRQ_VSEI
  csrw hvip, t0
  ENTER_V MODE_VU, vs_idle
  li t0, IRQ_VSSI
  csrw hvip, t0
  ENTER_V MODE_VS, vs_idle
  /* In HS with sstatus.SIE=0 they wait: nothing is taken. */
  li t0, IRQ_VSTI
  csrw hvip, t0
  ENTER_V MODE_HS, vs_idle
  SHOW hvip
  csrw hvip, zero
  csrw hie, zero
  j pass

vs_idle:
  nop
  nop
  nop
  li a0, 0x99
  BACK_TO_M
