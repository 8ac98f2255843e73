/* Zicsr: the six CSR instructions on mscratch, read-only CSRs, and the
   WARL fields of misa, mstatus, medeleg/mideleg, mie/mip, the counter
   enables, menvcfg, PMP and satp, as a debugger-free guest sees them. */
#include "harness.h"

/* Writes `value` to a CSR, prints what reads back, then writes zero and
   prints again. Values stay within the bits the specs define for this hart
   (QEMU 7.2 lets more bits through: see test/reference/qemu.ts). */
.macro WARL csr, value=-1
  li t0, \value
  csrrw t1, \csr, t0
  csrr t2, \csr
  PUT "\csr ones", t2
  csrw \csr, zero
  csrr t2, \csr
  PUT "\csr zero", t2
  csrw \csr, t1
.endm

  .text
  .globl main
main:
  /* csrrw/csrrs/csrrc and their immediate forms, old value in rd. mscratch
     holds the trap stack: keep it in s11 meanwhile. */
  csrr s11, mscratch
  li t0, 0x1234
  csrw mscratch, t0
  li t1, 0xff00
  csrrw t2, mscratch, t1
  PUT csrrw_old, t2
  csrrs t2, mscratch, t0
  PUT csrrs_old, t2
  csrr t2, mscratch
  PUT csrrs_new, t2
  li t1, 0x0f0f
  csrrc t2, mscratch, t1
  csrr t2, mscratch
  PUT csrrc_new, t2
  csrrwi t2, mscratch, 31
  PUT csrrwi_old, t2
  csrrsi t2, mscratch, 0x10
  csrrsi t2, mscratch, 0
  PUT csrrsi_0, t2
  csrrci t2, mscratch, 3
  csrr t2, mscratch
  PUT csrrci_new, t2
  li t0, -1
  csrw mscratch, t0
  csrrw x0, mscratch, zero
  csrr t2, mscratch
  PUT csrrw_rd_x0, t2
  csrw mscratch, s11

  /* Machine information registers. */
  csrr t0, misa
  PUT misa, t0
  csrr t0, mvendorid
  PUT mvendorid, t0
  /* marchid/mimpid identify the implementation (QEMU puts its version
     there): only that they read without a trap is compared. */
  li t0, 1
  csrr t1, marchid
  csrr t1, mimpid
  PUT marchid_mimpid_readable, t0
  csrr t0, mhartid
  PUT mhartid, t0
  csrr t0, mconfigptr
  PUT mconfigptr, t0
  /* Writing a read-only CSR is illegal (tval = the instruction); reading with
     csrrs x0 is not a write. */
  csrw mhartid, zero
  csrw mvendorid, t0
  csrrs t0, mimpid, zero
  csrrsi t0, marchid, 0
  csrrs t0, cycle, zero
  csrw cycle, zero
  csrw time, zero
  csrrsi t0, instret, 1
  /* Unknown CSR numbers are illegal to read. */
  .word 0x7c002373   /* csrr t1, 0x7c0 */
  .word 0x5c002373   /* csrr t1, 0x5c0 */

  /* misa is WARL; QEMU 7.2 ignores writes. */
  csrr t1, misa
  li t0, (1 << 2)
  csrc misa, t0
  csrr t2, misa
  PUT misa_after_clear_c, t2
  csrw misa, t1

  /* mstatus fields. */
  csrr s0, mstatus
  PUT mstatus_reset, s0
  li t0, MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR
  csrs mstatus, t0
  csrr t2, mstatus
  PUT mstatus_set_bits, t2
  csrc mstatus, t0
  /* FS, XS, SD: no F here, so they stay 0 (VS: QEMU 7.2 keeps it writable). */
  li t0, (3 << 13) | (3 << 15)
  csrs mstatus, t0
  csrr t2, mstatus
  PUT mstatus_fs_vs_xs, t2
  csrc mstatus, t0
  /* MPP round trip (writing the reserved 2 is not compared: QEMU 7.2 keeps it). */
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, 1 << 11
  csrs mstatus, t0
  csrr t2, mstatus
  PUT mstatus_mpp_1, t2
  /* SXL/UXL (bits 35:32, 33:32) read 2 and ignore writes. */
  li t0, 0xf << 32
  csrc mstatus, t0
  csrr t2, mstatus
  PUT mstatus_xl_clear, t2
  /* SPP, SPIE, SIE, MPIE, MIE round trip; MBE/SBE/UBE stay 0. */
  li t0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_MPIE
  csrs mstatus, t0
  li t0, (1 << 6) | (3 << 36)
  csrs mstatus, t0
  csrr t2, mstatus
  PUT mstatus_ie_bits, t2
  csrw mstatus, s0
  /* sstatus is a view of mstatus (only S fields written: QEMU 7.2 also
     takes VS and UXL through sstatus). */
  li t0, MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE
  csrs sstatus, t0
  csrr t2, sstatus
  PUT sstatus_ones, t2
  csrr t2, mstatus
  PUT mstatus_after_sstatus, t2
  csrw mstatus, s0

  /* Standard exceptions 0-9, 12, 13, 15 (QEMU 7.2 also lets bits 10 and 11 through). */
  WARL medeleg, 0xb3ff
  WARL mideleg, 0x222
  WARL mie, 0xaaa
  /* mip: SSIP is writable by M; MTIP is the timer's (mtimecmp resets to 0).
     SEIP is left alone: QEMU 7.2 does not read back a software-written SEIP. */
  WARL mip, 0x2
  WARL mcounteren, 7
  WARL scounteren, 7
  WARL menvcfg, (1 << 63) | 1
  WARL senvcfg, 1
  WARL mtvec, 0x80000100
  WARL stvec, 0x80000201
  WARL mepc, 0x80000006
  WARL sepc, 0x80000006
  WARL mcause
  WARL mtval
  WARL sscratch
  WARL mcountinhibit, 5
  /* sie/sip are views of mie/mip through mideleg. */
  li t0, 0x222
  csrw mideleg, t0
  li t0, 0xaaa
  csrw mie, t0
  csrr t2, sie
  PUT sie_all_delegated, t2
  csrw mideleg, zero
  csrr t2, sie
  PUT sie_none_delegated, t2
  csrw mie, zero
  li t0, 0x222
  csrw mideleg, t0
  csrs sip, t0
  csrr t2, sip
  PUT sip_set, t2
  csrr t2, mip
  PUT mip_after_sip, t2
  csrc mip, t0
  csrw mideleg, zero

  /* mtvec: vectored mode kept (what a reserved mode 2/3 write does is
     implementation-defined: QEMU ignores the write, so it is not compared). */
  csrr s1, mtvec
  li t0, 0x80000101
  csrw mtvec, t0
  csrr t2, mtvec
  PUT mtvec_vectored, t2
  csrw mtvec, s1

  /* PMP entry 0 as the harness set it; entry 1 round trip. */
  csrr t2, pmpcfg0
  PUT pmpcfg0, t2
  csrr t2, pmpaddr0
  PUT pmpaddr0, t2
  li t0, 0x12345678
  csrw pmpaddr1, t0
  csrr t2, pmpaddr1
  PUT pmpaddr1, t2
  csrw pmpaddr1, zero

  /* satp: Sv39 and Bare accepted, reserved modes ignored. Only modes QEMU
     7.2 and vmscope share are written (see test/reference/qemu.ts). */
  li t0, (8 << 60) | (0xffff << 44) | 0x12345
  csrw satp, t0
  csrr t2, satp
  PUT satp_sv39, t2
  li t0, (1 << 60) | 0x777
  csrw satp, t0
  csrr t2, satp
  PUT satp_mode1, t2
  li t0, (15 << 60) | 0x777
  csrw satp, t0
  csrr t2, satp
  PUT satp_mode15, t2
  csrw satp, zero
  csrr t2, satp
  PUT satp_bare, t2

  /* Sstc: stimecmp exists; menvcfg.STCE set. */
  li t0, 1 << 63
  csrs menvcfg, t0
  csrr t2, menvcfg
  PUT menvcfg_stce, t2
  li t0, 0x1234
  csrw stimecmp, t0
  csrr t2, stimecmp
  PUT stimecmp, t2
  li t0, -1
  csrw stimecmp, t0
  j pass
