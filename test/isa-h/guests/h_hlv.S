/* Hypervisor virtual-machine loads and stores (tables in hpaging.S):
   HLV.B/BU/H/HU/W/WU/D, HLVX.HU/WU and HSV.B/H/W/D from M, from HS and from
   U with hstatus.HU, translated as VS (SPVP=1) or VU (SPVP=0) would; their
   G-stage faults (taken in HS, with GVA and htval); HFENCE.GVMA and
   HFENCE.VVMA after PTE changes. */
#include "hharness.h"

  .text
  .globl main
main:
  call h_init
  call setup_two_stage
  li t0, HSTATUS_SPVP
  csrs hstatus, t0
  SAY "from m"
  call hlv_all
  SAY "from hs"
  li t0, (1 << 2) | (1 << 12) | (1 << 13) | (1 << 15) | (1 << 20) | (1 << 21) | (1 << 23)
  csrw medeleg, t0
  ENTER_V MODE_HS, hlv_all_entry
  ENTER_V MODE_HS, hlv_faults
  SAY "spvp=0"
  li t0, HSTATUS_SPVP
  csrc hstatus, t0
  ENTER_V MODE_HS, hlv_u
  /* (Without HU, QEMU 7.2 gives the illegal instruction tval 0: not tested.) */
  SAY "from u"
  li t0, HSTATUS_HU
  csrs hstatus, t0
  ENTER_V MODE_U, hlv_u
  li t0, HSTATUS_HU | HSTATUS_SPVP
  csrc hstatus, t0
  csrw medeleg, zero

  SAY "hfence"
  li t0, HSTATUS_SPVP
  csrs hstatus, t0
  /* G-stage: point guest-physical 1_0000_0000 at gpage2, then fence. */
  la t0, g_l0
  la t1, gpage2
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  sd t1, 0(t0)
  li t0, 0x100000000 >> 2
  hfence.gvma t0, zero
  li a1, 0xc0000000
  hlv.d a0, (a1)
  PUT after_hfence_gvma, a0
  /* VS-stage: point 0xc000_0000 at guest-physical 1_0000_2000, then fence. */
  la t0, vs_l0
  li t1, (0x100002000 >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  sd t1, 0(t0)
  li a1, 0xc0000000
  hfence.vvma a1, zero
  addi a1, a1, 8
  hlv.d a0, (a1)
  PUT after_hfence_vvma, a0
  j pass

hlv_all_entry:
  call hlv_all
  BACK_TO_M

/* Every width and sign from VA 0xc000_0000 (gpage0), HLVX from the
   execute-only 0xc000_4000, and HSV back. */
hlv_all:
  addi sp, sp, -16
  sd ra, 0(sp)
  li s0, 0xc0000000
  hlv.b a0, (s0)
  PUT hlv_b, a0
  addi s1, s0, 7
  hlv.b a0, (s1)
  PUT hlv_b_7, a0
  hlv.bu a0, (s1)
  PUT hlv_bu_7, a0
  addi s1, s0, 6
  hlv.h a0, (s1)
  PUT hlv_h_6, a0
  hlv.hu a0, (s1)
  PUT hlv_hu_6, a0
  addi s1, s0, 4
  hlv.w a0, (s1)
  PUT hlv_w_4, a0
  hlv.wu a0, (s1)
  PUT hlv_wu_4, a0
  hlv.d a0, (s0)
  PUT hlv_d, a0
  /* HLVX reads with execute permission: code, identity-mapped RWX. (QEMU
     7.2 raises an access fault for HLVX on an execute-only page: not tested.) */
  la s1, hlvx_target
  hlvx.hu a0, (s1)
  PUT hlvx_hu, a0
  hlvx.wu a0, (s1)
  PUT hlvx_wu, a0
  li t0, 0x8899aabbccddeeff
  addi s1, s0, 16
  hsv.d t0, (s1)
  addi s1, s0, 24
  hsv.w t0, (s1)
  addi s1, s0, 28
  hsv.h t0, (s1)
  addi s1, s0, 30
  hsv.b t0, (s1)
  addi s1, s0, 16
  hlv.d a0, (s1)
  PUT hsv_d, a0
  addi s1, s0, 24
  hlv.d a0, (s1)
  PUT hsv_w_h_b, a0
  ld ra, 0(sp)
  addi sp, sp, 16
  ret
  .align 2
hlvx_target:
  lui a0, 0x12345
  ret

/* G-stage faults of HLV/HSV as VS (SPVP=1). QEMU 7.2 reports VS-stage
   faults of HLV as access faults, and G-stage faults with SPVP=0 too:
   not tested. */
hlv_faults:
  li s0, 0xc0001000
  hlv.d a0, (s0)              /* load guest-page fault */
  hsv.d a0, (s0)              /* store guest-page fault */
  li s0, 0xc0002000
  hsv.b a0, (s0)              /* G-stage read-only */
  BACK_TO_M

/* A VS-stage U page: readable as VU (SPVP=0). */
hlv_u:
  li s0, 0xc0008000
  hlv.d a0, (s0)
  PUT vu_hlv_d, a0
  BACK_TO_M
