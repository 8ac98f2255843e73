/* The H extension's CSRs as M-mode sees them: misa.H, the WARL masks of
   hstatus (VSXL read-only 2), hedeleg, hideleg, hie/hip/hvip, hgeie/hgeip,
   hcounteren, htimedelta, htval, htinst (read-only zero in QEMU 7.2),
   hgatp, henvcfg, the VS CSRs, mstatus.MPV/GVA, mtval2, mtinst, and how
   hvip shows through mip, hip, vsip and vsie. Values where QEMU 7.2
   departs from the spec are not written (see test/reference/qemu.ts). */
#include "hharness.h"

  .text
  .globl main
main:
  call h_init
  csrr t0, misa
  PUT misa, t0
  csrr t0, hstatus
  PUT hstatus_reset, t0
  PROBE hedeleg
  PROBE hideleg
  PROBE hie
  PROBE hvip
  PROBE hip
  PROBE hgeie
  SHOW hgeip
  PROBE_VALUE hcounteren, 0xffffffff
  PROBE htimedelta
  PROBE htval
  PROBE htinst
  PROBE vsie
  PROBE vsip
  PROBE_VALUE vstvec, -3
  PROBE vsscratch
  PROBE_VALUE vsepc, -2
  PROBE_VALUE vscause, 0x8000000000000005
  PROBE_VALUE vscause, 13
  PROBE vstval
  PROBE mtval2
  PROBE mtinst
  /* Everything but ecall from M (bit 11) and LCOFI (13), see qemu.ts. */
  PROBE_VALUE medeleg, ~(1 << 11)
  PROBE_VALUE mideleg, ~(1 << 13)
  PROBE_VALUE mie, ~(1 << 13)

  /* henvcfg: FIOM and STCE (with menvcfg.STCE set); QEMU 7.2 also keeps
     the CBO and PBMTE bits without those extensions: not written. */
  li t0, 1 << 63
  csrs menvcfg, t0
  PROBE_VALUE henvcfg, (1 << 63) | 1
  li t0, 1 << 63
  csrc menvcfg, t0

  /* hgatp: Sv39x4 with all 14 VMID bits and a 16 KiB-aligned root. (QEMU
     7.2 keeps any hgatp value, also reserved modes and PPN[1:0], which the
     spec makes WARL: not tested.) */
  li t0, (8 << 60) | (0x3fff << 44) | 0xffffffffffc
  csrw hgatp, t0
  csrr t1, hgatp
  PUT hgatp_sv39x4_ones, t1
  li t0, (8 << 60) | (5 << 44) | 0x80004
  csrw hgatp, t0
  csrr t1, hgatp
  PUT hgatp_vmid5, t1
  csrw hgatp, zero
  csrr t1, hgatp
  PUT hgatp_bare, t1

  /* vsatp: Sv39 with every ASID bit (QEMU 7.2 also keeps reserved modes: not tested). */
  li t0, (8 << 60) | (0xffff << 44) | 0xfffffffffff
  csrw vsatp, t0
  csrr t1, vsatp
  PUT vsatp_sv39_ones, t1
  csrw vsatp, zero
  csrr t1, vsatp
  PUT vsatp_bare, t1

  /* mstatus.MPV and GVA are writable bits; UXL/SXL read 2. */
  csrr s0, mstatus
  li t0, MSTATUS_MPV | MSTATUS_GVA
  csrs mstatus, t0
  csrr t1, mstatus
  PUT mstatus_mpv_gva, t1
  csrc mstatus, t0
  csrr t1, mstatus
  PUT mstatus_cleared, t1
  csrw mstatus, s0

  /* hstatus fields one by one. */
  li t0, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_GVA
  csrw hstatus, t0
  csrr t1, hstatus
  PUT hstatus_spv_spvp_hu_gva, t1
  li t0, HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR
  csrw hstatus, t0
  csrr t1, hstatus
  PUT hstatus_vtvm_vtw_vtsr, t1
  /* VSXL stays 2 (RV64 only). */
  li t0, 1 << 32
  csrw hstatus, t0
  csrr t1, hstatus
  PUT hstatus_vsxl1, t1
  li t0, HSTATUS_VSBE
  csrw hstatus, t0
  csrr t1, hstatus
  PUT hstatus_vsbe, t1
  csrw hstatus, zero

  /* hvip shows in mip and hip; in vsip only where hideleg delegates. */
  csrw hideleg, zero
  li t0, IRQ_VSSI | IRQ_VSTI | IRQ_VSEI
  csrw hvip, t0
  csrr t1, mip
  andi t1, t1, 0x666
  PUT mip_s_vs, t1
  SHOW hip
  SHOW vsip
  li t0, -1
  csrw hideleg, t0
  SHOW sip
  /* Writing vsip.SSIP clears hvip.VSSIP (alias), the others are read-only. */
  csrw vsip, zero
  SHOW hvip
  li t0, IRQ_SSI | IRQ_STI | IRQ_SEI
  csrw vsip, t0
  SHOW hvip
  /* hip.VSSIP is the same bit too. */
  csrci hip, IRQ_VSSI
  SHOW hvip
  /* mip.VSSIP as well. */
  csrsi mip, IRQ_VSSI
  SHOW hvip
  csrw hvip, zero
  csrr t1, mip
  andi t1, t1, 0x666
  PUT mip_s_vs, t1
  /* vsie is hie's VS bits, shifted down, where hideleg delegates. */
  li t0, IRQ_VSSI | IRQ_VSTI | IRQ_VSEI
  csrw hie, t0
  SHOW vsie
  SHOW mie
  csrw hideleg, zero
  SHOW vsie
  li t0, -1
  csrw hideleg, t0
  csrw vsie, zero
  SHOW hie
  li t0, IRQ_SSI | IRQ_STI | IRQ_SEI
  csrw vsie, t0
  SHOW hie
  /* sie (V=0) does not show the VS bits. */
  SHOW sie
  csrw hie, zero
  csrw hideleg, zero

  /* vsstatus is separate from mstatus/sstatus. */
  csrr s0, sstatus
  li t0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR
  csrw vsstatus, t0
  csrr t1, vsstatus
  PUT vsstatus_set, t1
  csrr t1, sstatus
  xor t1, t1, s0
  PUT sstatus_unchanged_xor, t1
  csrw vsstatus, zero
  j pass
