/* Sv39 paging: 4K, 2M and 1G leaves, U/S protection, SUM, MXR, R/W/X
   permissions, hardware A/D updates, misaligned superpages, non-canonical
   addresses, every page-fault kind with its tval, SFENCE.VMA after a PTE
   change, and MPRV. Faults go to M (not delegated), which prints them. */
#include "harness.h"

#define V (1 << 0)
#define R (1 << 1)
#define W (1 << 2)
#define X (1 << 3)
#define U (1 << 4)
#define A (1 << 6)
#define D (1 << 7)

/* table[index] = leaf or pointer to physical `pa` with `flags`. */
.macro PTE table, index, pa, flags
  la t0, \table
  li t1, \index * 8
  add t0, t0, t1
  la t1, \pa
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, \flags
  sd t1, 0(t0)
.endm
/* The same with a numeric physical address. */
.macro PTEN table, index, pa, flags
  la t0, \table
  li t1, \index * 8
  add t0, t0, t1
  li t1, ((\pa) >> 12) << 10 | (\flags)
  sd t1, 0(t0)
.endm

/* Test virtual addresses (L1 index 1 of gigapage 2 goes through l0). */
#define VA_RO     0x80200000
#define VA_RW     0x80201000
#define VA_XO     0x80202000
#define VA_URW    0x80203000
#define VA_INV    0x80205000
#define VA_WONLY  0x80206000
#define VA_NOAD   0x80207000
#define VA_MEGA_MIS 0x80600000
#define VA_GIGA   0xc0000000
#define VA_GIGA_MIS 0x100000000

  .text
  .globl main
main:
  PTEN l2, 0, 0x0, V | R | W | A | D          /* 1G: devices, S only */
  PTE  l2, 2, l1, V                            /* 0x80000000: next level */
  PTEN l2, 3, 0x80000000, V | R | W | A | D   /* 1G alias of RAM */
  PTEN l2, 4, 0x80001000, V | R | W | A | D   /* misaligned gigapage */
  PTEN l1, 0, 0x80000000, V | R | W | X | A | D  /* 2M: this image, S only */
  PTE  l1, 1, l0, V
  PTE  l1, 2, l0_user, V
  PTEN l1, 3, 0x80201000, V | R | W | A | D   /* misaligned megapage */
  PTE  l0, 0, dpage, V | R | A
  PTE  l0, 1, dpage, V | R | W | A | D
  PTE  l0, 2, xpage, V | X | A
  PTE  l0, 3, udata, V | R | W | U | A | D
  PTE  l0, 6, dpage, V | W | A | D            /* W without R: reserved */
  PTE  l0, 7, dpage, V | R | W                /* A and D clear */
  PTE  l0_user, 0, ucode, V | R | X | U | A
  PTE  l0_user, 1, udata, V | R | W | U | A | D
  la t0, l2
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  la t0, dpage
  li t1, 0x1111222233334444
  sd t1, 0(t0)
  la t0, udata
  li t1, 0x5555666677778888
  sd t1, 0(t0)

  ENTER 1, s_tests
  SAY "s done"
  ENTER 0, ucode
  SAY "u done"
  /* A/D were set by the hardware walk. */
  la t0, l0
  ld t1, 7 * 8(t0)
  andi t1, t1, 0xff
  PUT pte_noad_after, t1
  ld t1, 1 * 8(t0)
  andi t1, t1, 0xff
  PUT pte_rw_after, t1

  /* MPRV: M loads through S translation with MPP = S. */
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, 1 << 11
  csrs mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  li t1, VA_GIGA
  ld t2, 0(t1)
  csrc mstatus, t0
  PUT mprv_giga_load, t2
  /* MPRV with MPP = U cannot touch an S page: load page fault. */
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  li t1, VA_RO
  li t2, 0
  ld t2, 0(t1)
  csrc mstatus, t0
  PUT mprv_u_load, t2
  csrw satp, zero
  sfence.vma
  j pass

s_tests:
  /* 4K read-only page: load works, store faults (cause 15). */
  li s0, VA_RO
  ld a0, 0(s0)
  PUT s_ro_load, a0
  sd a0, 8(s0)
  /* 4K read-write page. */
  li s0, VA_RW
  li a0, 0x42
  sd a0, 16(s0)
  ld a1, 16(s0)
  PUT s_rw_load, a1
  /* Execute-only page: fetch works, load faults (cause 13). */
  li s0, VA_XO
  jalr ra, 0(s0)
  PUT s_exec_xo, a0
  ld a1, 0(s0)
  /* MXR makes the execute-only page readable. */
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  ld a1, 0(s0)
  PUT s_mxr_load, a1
  csrc sstatus, t0
  /* No execute on a data page: instruction page fault (cause 12). */
  li s0, VA_RW
  jalr ra, 0(s0)
  /* U page from S: faults unless SUM (for loads/stores, never fetch). */
  li s0, VA_URW
  ld a1, 0(s0)
  li t0, MSTATUS_SUM
  csrs sstatus, t0
  ld a1, 0(s0)
  PUT s_sum_load, a1
  li s1, 0x80400000
  jalr ra, 0(s1)
  csrc sstatus, t0
  /* Invalid PTE, W without R, non-canonical: page faults with tval. */
  li s0, VA_INV
  ld a1, 0(s0)
  sd a1, 0(s0)
  li s0, VA_WONLY
  ld a1, 0(s0)
  sd a1, 0(s0)
  li s0, 0x4000000000
  ld a1, 0(s0)
  li s0, 0xffffffc000000000 - 0x1000
  ld a1, 0(s0)
  /* Sign-extended high half is canonical but unmapped here. */
  li s0, 0xffffffffc0000000
  ld a1, 0(s0)
  /* A and D clear: the walk sets them (QEMU 7.2 does, no fault). */
  li s0, VA_NOAD
  ld a1, 0(s0)
  PUT s_noad_load, a1
  sd a1, 8(s0)
  /* 2M megapage and 1G gigapage leaves, and misaligned ones. */
  li s0, VA_GIGA
  la t0, dpage
  li t1, 0x80000000
  sub t0, t0, t1
  add s0, s0, t0
  ld a1, 0(s0)
  PUT s_giga_load, a1
  li s0, VA_MEGA_MIS
  ld a1, 0(s0)
  li s0, VA_GIGA_MIS
  ld a1, 0(s0)
  /* Misaligned access inside a page works; across into an invalid page faults. */
  li s0, VA_RW
  ld a1, 3(s0)
  PUT s_misaligned_in_page, a1
  li s0, VA_NOAD + 0xffd
  ld a1, 0(s0)
  /* Change a PTE and fence: the new mapping is used. */
  la t0, l0
  la t1, udata
  srli t1, t1, 12
  slli t1, t1, 10
  ori t1, t1, V | R | W | A | D
  sd t1, 0(t0)
  sfence.vma
  li s0, VA_RO
  ld a1, 0(s0)
  PUT s_after_sfence, a1
  li s1, VA_RO
  sfence.vma s1, zero
  ld a1, 0(s0)
  PUT s_after_sfence_va, a1
  BACK_TO_M

  /* Execute-only page content. */
  .align 12
xpage:
  li a0, 0x5a
  ret
  .align 12

  .section .user.text, "ax"
ucode:
  li s0, 0x80401000
  ld a0, 0(s0)

  sd a0, 8(s0)
  ld a1, 8(s0)
  /* S pages from U: load, store and fetch faults. */
  li s0, VA_RW
  ld a2, 0(s0)
  sd a2, 0(s0)
  li s1, 0x80000000
  jalr ra, 0(s1)
  /* Page-table alias in the giga region is S only too. */
  li s0, VA_GIGA
  ld a3, 0(s0)
  /* U cannot use satp or sret. */
  csrr a4, satp
  BACK_TO_M

  .section .user.data, "aw"
  .align 12
udata: .dword 0, 0
  .align 12

  .bss
  .align 12
l2: .skip 4096
l1: .skip 4096
l0: .skip 4096
l0_user: .skip 4096
  .data
  .align 12
dpage: .skip 4096
