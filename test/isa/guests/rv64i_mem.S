/* RV64I loads and stores of every width: sign and zero extension,
   negative offsets, partial overwrites, misaligned accesses, FENCE/FENCE.I. */
#include "harness.h"

  .text
  .globl main
main:
  la s0, pattern
  lb t0, 0(s0)
  PUT lb_0, t0
  lb t0, 7(s0)
  PUT lb_7, t0
  lbu t0, 7(s0)
  PUT lbu_7, t0
  lh t0, 0(s0)
  PUT lh_0, t0
  lh t0, 6(s0)
  PUT lh_6, t0
  lhu t0, 6(s0)
  PUT lhu_6, t0
  lw t0, 0(s0)
  PUT lw_0, t0
  lw t0, 4(s0)
  PUT lw_4, t0
  lwu t0, 4(s0)
  PUT lwu_4, t0
  ld t0, 0(s0)
  PUT ld_0, t0
  ld t0, 8(s0)
  PUT ld_8, t0
  addi s1, s0, 16
  ld t0, -8(s1)
  PUT ld_m8, t0
  lb t0, -1(s1)
  PUT lb_m1, t0
  lw t0, -12(s1)
  PUT lw_m12, t0

  /* Stores write only their width. */
  la s1, scratch
  li t0, -1
  sd t0, 0(s1)
  sd t0, 8(s1)
  li t1, 0x1122334455667788
  sb t1, 0(s1)
  sh t1, 2(s1)
  sw t1, 4(s1)
  sd t1, 8(s1)
  ld t0, 0(s1)
  PUT stores_lo, t0
  ld t0, 8(s1)
  PUT stores_hi, t0
  sb zero, 15(s1)
  sh zero, 9(s1)
  ld t0, 8(s1)
  PUT stores_hi2, t0
  sd zero, -8(s1)
  ld t0, -8(s1)
  PUT store_neg, t0

  /* Loading into x0 has no effect (but still accesses memory). */
  ld x0, 0(s0)
  PUT x0, x0

  /* Misaligned loads and stores of every width (what QEMU does is the answer). */
  la s1, scratch
  li t1, 0x0102030405060708
  sd t1, 0(s1)
  li t1, 0x090a0b0c0d0e0f10
  sd t1, 8(s1)
  lh t0, 1(s1)
  PUT lh_mis1, t0
  lhu t0, 7(s1)
  PUT lhu_mis7, t0
  lw t0, 3(s1)
  PUT lw_mis3, t0
  lwu t0, 6(s1)
  PUT lwu_mis6, t0
  ld t0, 5(s1)
  PUT ld_mis5, t0
  li t1, 0xa1a2a3a4a5a6a7a8
  sh t1, 3(s1)
  sw t1, 9(s1)
  sd t1, 1(s1)
  ld t0, 0(s1)
  PUT st_mis_lo, t0
  ld t0, 8(s1)
  PUT st_mis_hi, t0

  /* A misaligned doubleword across a page boundary. */
  la s1, page_edge
  li t1, 0x8877665544332211
  sd t1, -3(s1)
  ld t0, -3(s1)
  PUT ld_cross_page, t0
  lw t0, -2(s1)
  PUT lw_cross_page, t0

  /* FENCE and FENCE.I are accepted; code written then fetched runs. */
  fence
  fence rw, rw
  fence.i
  la s1, patch_site
  li t0, 0x02a00513          /* addi a0, zero, 42 */
  sw t0, 0(s1)
  fence.i
  li a0, 0
  call patch_site
  PUT patched, a0
  j pass

  .data
  .align 3
pattern:
  .byte 0x81, 0x02, 0x83, 0x04, 0x85, 0x86, 0x07, 0xf8
  .byte 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88
scratch:
  .skip 32
  .align 3
patch_site:
  nop
  nop
  ret
  .align 12
  .skip 0x20
  .align 12
page_edge:
  .skip 16
