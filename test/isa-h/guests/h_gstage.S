/* Two-stage translation (tables in hpaging.S): loads, stores and fetches
   in VS through vsatp and hgatp; guest-page faults (20 fetch, 21 load,
   23 store) with tval = guest virtual address, tval2 = guest physical
   address >> 2 and GVA, to M and (medeleg) to HS with htval; a G-stage
   fault during the VS-stage walk; a G-stage leaf without U; VS-stage page
   faults to M, to HS and (hedeleg) to VS; hardware A/D updates in both
   stages; satp in VS is vsatp. */
#include "hharness.h"

  .text
  .globl main
main:
  call h_init
  call setup_two_stage
  SAY "to m"
  ENTER_V MODE_VS, vs_accesses
  PUT vs_a0, a0
  PUT vs_a1, a1
  PUT vs_a2, a2
  PUT vs_satp_is_vsatp, a3
  la t0, g_l0
  ld t1, 0(t0)
  andi t1, t1, 0xff
  PUT g_pte_after_store, t1
  la t0, vs_l0
  ld t1, 7*8(t0)
  andi t1, t1, 0xff
  PUT vs_pte_after_load, t1
  la t0, gpage0
  ld t1, 8(t0)
  PUT gpage0_word1, t1

  SAY "to hs"
  li t0, (1 << 12) | (1 << 13) | (1 << 15) | (1 << 20) | (1 << 21) | (1 << 23)
  csrw medeleg, t0
  ENTER_V MODE_VS, vs_faults_entry
  SAY "to vs"
  li t0, (1 << 12) | (1 << 13) | (1 << 15)
  csrw hedeleg, t0
  ENTER_V MODE_VS, vs_faults_entry
  csrw hedeleg, zero
  csrw medeleg, zero
  csrw hgatp, zero
  csrw vsatp, zero
  hfence.gvma
  j pass

vs_accesses:
  li s0, 0xc0000000
  ld a0, 0(s0)
  li t0, 0x4444
  sd t0, 8(s0)
  /* A load through a VS PTE with A clear: the walk sets A. */
  li s1, 0xc0007000
  ld a1, 8(s1)
  /* Fetch through both stages. */
  li s1, 0xc0004000
  jalr ra, 0(s1)
  mv a2, a0
  csrr a3, satp
  call vs_faults
  BACK_TO_M

vs_faults_entry:
  call vs_faults
  BACK_TO_M

/* Every fault kind once; the handler that takes it prints it. */
vs_faults:
  addi sp, sp, -16
  sd ra, 0(sp)
  li s0, 0xc0001000
  ld t0, 0(s0)                /* load guest-page fault */
  sd t0, 0(s0)                /* store guest-page fault */
  li s0, 0xc0002000
  ld t0, 8(s0)
  PUT vs_read_only_load, t0
  sd t0, 8(s0)                /* store guest-page fault: G-stage read-only */
  li s0, 0xc0003000
  ld t0, 0(s0)                /* load guest-page fault: G-stage leaf without U */
  li s1, 0xc0006000
  jalr ra, 0(s1)              /* fetch guest-page fault */
  li s0, 0x100000000
  ld t0, 0(s0)                /* guest-page fault in the VS-stage walk */
  li s0, 0xc0005000
  ld t0, 0(s0)                /* VS-stage load page fault */
  sd t0, 0(s0)                /* VS-stage store page fault */
  jalr ra, 0(s0)              /* VS-stage fetch page fault */
  li s0, 0xc0004000
  ld t0, 0(s0)                /* execute-only page: VS-stage load fault */
  ld ra, 0(sp)
  addi sp, sp, 16
  ret
