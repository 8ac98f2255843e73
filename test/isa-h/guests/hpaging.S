/*
 * Two-stage page tables shared by the translation guests (setup_two_stage).
 * G-stage (hgatp, Sv39x4, 16 KiB root): guest-physical gigapages 0 (devices)
 * and 2 (RAM, this image) map identity; guest-physical 0x1_0000_0000.. goes
 * through g_l1/g_l0 to single test pages. VS-stage (vsatp, Sv39, in
 * guest-physical RAM): virtual gigapages 0 and 2 identity, 0xc000_0000..
 * through vs_l1/vs_l0 to guest-physical test pages, and 0x1_0000_0000
 * through a pointer into guest-physical memory the G-stage does not map.
 *
 *   VA            GPA            VS PTE       G-stage PTE
 *   c000_0000     1_0000_0000    RW  AD       RW U, A/D clear   -> gpage0
 *   c000_1000     1_0000_1000    RW  AD       invalid
 *   c000_2000     1_0000_2000    RW  AD       R U A             -> gpage2
 *   c000_3000     1_0000_3000    RW  AD       RW, no U          -> gpage0
 *   c000_4000     1_0000_4000    X   A        RX U A            -> gxpage
 *   c000_5000     -              invalid
 *   c000_6000     1_0000_1000    X   A        invalid
 *   c000_7000     1_0000_0000    R, A clear   (as c000_0000)
 *   c000_8000     1_0000_4000    R   AD U     RX U A            -> gxpage
 *   1_0000_0000   pointer to 1_0000_1000 (G-stage invalid)
 */
#include "hharness.h"

/* table[index] = pointer/leaf to the address of `label` with `flags`. */
.macro PTE_TO table, index, label, flags
  la t0, \table
  li t1, (\index) * 8
  add t0, t0, t1
  la t1, \label
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, \flags
  sd t1, 0(t0)
.endm
/* The same with a numeric address. */
.macro PTE_AT table, index, pa, flags
  la t0, \table
  li t1, (\index) * 8
  add t0, t0, t1
  li t1, ((\pa) >> 12) << 10 | (\flags)
  sd t1, 0(t0)
.endm

#define GRWXU (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define VRWX  (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

  .text
/* Fills the tables and writes hgatp and vsatp (VMID 0, ASID 0). Clobbers t0, t1. */
  .globl setup_two_stage
setup_two_stage:
  PTE_AT g_root, 0, 0x0, GRWXU
  PTE_AT g_root, 2, 0x80000000, GRWXU
  PTE_TO g_root, 4, g_l1, PTE_V
  PTE_TO g_l1, 0, g_l0, PTE_V
  PTE_TO g_l0, 0, gpage0, PTE_V | PTE_R | PTE_W | PTE_U
  PTE_TO g_l0, 2, gpage2, PTE_V | PTE_R | PTE_U | PTE_A
  PTE_TO g_l0, 3, gpage0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_TO g_l0, 4, gxpage, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A

  PTE_AT vs_l2, 0, 0x0, VRWX
  PTE_AT vs_l2, 2, 0x80000000, VRWX
  PTE_TO vs_l2, 3, vs_l1, PTE_V
  PTE_AT vs_l2, 4, 0x100001000, PTE_V
  PTE_TO vs_l1, 0, vs_l0, PTE_V
  PTE_AT vs_l0, 0, 0x100000000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_AT vs_l0, 1, 0x100001000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_AT vs_l0, 2, 0x100002000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_AT vs_l0, 3, 0x100003000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  PTE_AT vs_l0, 4, 0x100004000, PTE_V | PTE_X | PTE_A
  PTE_AT vs_l0, 6, 0x100001000, PTE_V | PTE_X | PTE_A
  PTE_AT vs_l0, 7, 0x100000000, PTE_V | PTE_R
  PTE_AT vs_l0, 8, 0x100004000, PTE_V | PTE_R | PTE_U | PTE_A | PTE_D

  la t0, g_root
  srli t0, t0, 12
  li t1, SATP_SV39
  or t0, t0, t1
  csrw hgatp, t0
  la t0, vs_l2
  srli t0, t0, 12
  li t1, SATP_SV39
  or t0, t0, t1
  csrw vsatp, t0
  hfence.gvma
  hfence.vvma
  ret

  .data
  .align 12
  .globl gpage0, gpage2, gxpage
gpage0: .dword 0x0123456789abcdef, 0x1111111111111111
  .align 12
gpage2: .dword 0x2222222222222222, 0x3333333333333333
  .align 12
/* Executed at VA 0xc000_4000 (and read as data at 0xc000_8000). */
gxpage:
  li a0, 0x5a
  ret
  .align 12

  .bss
  .align 14
  .globl g_root, g_l1, g_l0, vs_l2, vs_l1, vs_l0
g_root: .skip 0x4000
g_l1: .skip 0x1000
g_l0: .skip 0x1000
vs_l2: .skip 0x1000
vs_l1: .skip 0x1000
vs_l0: .skip 0x1000
