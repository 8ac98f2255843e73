/*
 * Macros for the hypervisor-extension guests: the ISA suite's harness
 * (test/isa/guests/harness.h, runtime in its harness.S) plus the H runtime
 * in hharness.S, whose trap handlers print the H-specific trap state.
 * Every guest's main starts with `call h_init`.
 */
#include "harness.h"

#define MSTATUS_GVA  (1 << 38)
#define MSTATUS_MPV  (1 << 39)

#define HSTATUS_VSBE (1 << 5)
#define HSTATUS_GVA  (1 << 6)
#define HSTATUS_SPV  (1 << 7)
#define HSTATUS_SPVP (1 << 8)
#define HSTATUS_HU   (1 << 9)
#define HSTATUS_VTVM (1 << 20)
#define HSTATUS_VTW  (1 << 21)
#define HSTATUS_VTSR (1 << 22)

/* Interrupt bits (mip/mie numbering). */
#define IRQ_SSI   (1 << 1)
#define IRQ_VSSI  (1 << 2)
#define IRQ_STI   (1 << 5)
#define IRQ_VSTI  (1 << 6)
#define IRQ_SEI   (1 << 9)
#define IRQ_VSEI  (1 << 10)
#define IRQ_SGEI  (1 << 12)

/* Exception causes (as bit masks) whose tval is an address, and the
   guest-page faults, which also write mtval2/htval. */
#define ADDRESS_FAULTS ((1 << 0) | (1 << 1) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | \
                        (1 << 12) | (1 << 13) | (1 << 15) | (1 << 20) | (1 << 21) | (1 << 23))
#define GUEST_PAGE_FAULTS ((1 << 20) | (1 << 21) | (1 << 23))

/* enter_virt modes: privilege in bits 1:0, V in bit 2. */
#define MODE_U  0
#define MODE_HS 1
#define MODE_VU 4
#define MODE_VS 5

/* Sv39 / Sv39x4 PTE bits. */
#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)

#define SATP_SV39   (8 << 60)

/* Runs `entry` in `mode` (MODE_*); returns to M when it does BACK_TO_M.
   Clobbers a0, a1, t0..t6 and ra; a0..a6 come back from the lower mode. */
.macro ENTER_V mode, entry
  li a0, \mode
  la a1, \entry
  call enter_virt
.endm

/* Prints what `csr` reads back after writing all ones, then zero; restores it. */
.macro PROBE csr
  csrr t2, \csr
  li t0, -1
  csrw \csr, t0
  csrr t1, \csr
  PUT \csr\()_ones, t1
  csrw \csr, zero
  csrr t1, \csr
  PUT \csr\()_zero, t1
  csrw \csr, t2
.endm

/* The same with `value` instead of all ones (to stay clear of bits whose
   QEMU 7.2 behaviour departs from the spec). */
.macro PROBE_VALUE csr, value
  csrr t2, \csr
  li t0, \value
  csrw \csr, t0
  csrr t1, \csr
  PUT \csr\()_set, t1
  csrw \csr, zero
  csrr t1, \csr
  PUT \csr\()_zero, t1
  csrw \csr, t2
.endm

/* Prints `csr` as "label=value". */
.macro SHOW csr
  csrr t1, \csr
  PUT \csr, t1
.endm
