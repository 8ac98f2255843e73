/* Interrupts: machine software (CLINT msip) and timer (mtimecmp = 0 makes it
   pending at once, so no time value matters), priority when several are
   pending, delegation of supervisor interrupts through mideleg and
   sip.SSIP, Sstc's stimecmp, WFI with an interrupt pending, and
   interrupts taken from lower modes. Interrupts are armed with MIE = 0 and
   taken at the csrs that enables them, so both machines take them at the
   same instruction. */
#include "harness.h"

  .text
  .globl main
main:
  /* Silence the timer first (mtimecmp resets to 0). */
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  csrr t0, mip
  PUT mip_quiet, t0

  /* Software interrupt through msip. */
  li t0, CLINT_BASE
  li t1, 1
  sw t1, 0(t0)
  lw t2, 0(t0)
  PUT msip, t2
  csrr t0, mip
  PUT mip_msip, t0
  li t0, 1 << 3
  csrs mie, t0
  csrsi mstatus, MSTATUS_MIE
  SAY "after msip"
  csrci mstatus, MSTATUS_MIE

  /* Timer interrupt through mtimecmp = 0. */
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  csrr t0, mip
  PUT mip_mtip, t0
  li t0, 1 << 7
  csrs mie, t0
  csrsi mstatus, MSTATUS_MIE
  SAY "after mtip"
  csrci mstatus, MSTATUS_MIE

  /* MSIP and MTIP pending together: MSI first (MEI > MSI > MTI > SEI > SSI
     > STI). QEMU 7.2 without Smaia takes the lowest-numbered pending
     interrupt instead, so only pairs where both orders agree are tested. */
  li t0, CLINT_BASE
  li t1, 1
  sw t1, 0(t0)
  li t0, CLINT_MTIMECMP
  sd zero, 0(t0)
  li t0, (1 << 3) | (1 << 7)
  csrs mie, t0
  csrsi mstatus, MSTATUS_MIE
  SAY "after two"
  csrci mstatus, MSTATUS_MIE

  /* WFI with an enabled interrupt pending but MIE = 0: WFI returns, no trap. */
  li t0, CLINT_BASE
  li t1, 1
  sw t1, 0(t0)
  wfi
  SAY "after wfi"
  csrr t0, mip
  PUT mip_after_wfi, t0
  csrsi mstatus, MSTATUS_MIE
  csrci mstatus, MSTATUS_MIE

  /* Delegated SSIP: taken in S when S runs with SIE, never in M. */
  csrw mie, zero
  li t0, 1 << 1
  csrw mideleg, t0
  csrw mie, t0
  ENTER 1, s_ssip
  PUT s_ssip_a0, a0
  /* A delegated interrupt pending while in U is taken in S regardless of SIE. */
  csrsi mip, 2
  ENTER 0, u_spin
  PUT u_spin_a0, a0
  csrw mideleg, zero
  csrw mie, zero

  /* Sstc: stimecmp = 0 with STCE makes STIP pending; delegated, taken in S.
     S may write stimecmp only with mcounteren.TM set. */
  csrwi mcounteren, 2
  li t0, 1 << 63
  csrs menvcfg, t0
  csrw stimecmp, zero
  csrr t0, mip
  PUT mip_stip, t0
  li t0, 1 << 5
  csrw mideleg, t0
  csrw mie, t0
  ENTER 1, s_stip
  PUT s_stip_a0, a0
  /* SSIP and STIP both pending and delegated: S takes SSI first. */
  csrw stimecmp, zero
  csrsi mip, 2
  li t0, (1 << 5) | (1 << 1)
  csrw mideleg, t0
  csrw mie, t0
  ENTER 1, s_both
  csrw mideleg, zero
  csrw mie, zero
  csrw mcounteren, zero

  /* A non-delegated M interrupt pending while in S or U is taken even with MIE = 0. */
  csrci mstatus, MSTATUS_MIE
  li t0, 1 << 3
  csrw mie, t0
  li t0, CLINT_BASE
  li t1, 1
  sw t1, 0(t0)
  ENTER 1, s_spin
  PUT s_spin_a0, a0
  csrci mstatus, MSTATUS_MIE
  li t0, CLINT_BASE
  li t1, 1
  sw t1, 0(t0)
  ENTER 0, u_spin
  PUT u_spin2_a0, a0
  csrw mie, zero
  j pass

s_ssip:
  csrsi sip, 2
  csrr a0, sip
  PUT sip_pending, a0
  csrsi sstatus, MSTATUS_SIE
  SAY "s after ssip"
  csrci sstatus, MSTATUS_SIE
  csrr a0, sip
  BACK_TO_M

s_stip:
  csrr a0, sip
  PUT sip_stip, a0
  csrsi sstatus, MSTATUS_SIE
  SAY "s after stip"
  csrci sstatus, MSTATUS_SIE
  csrr a0, sip
  BACK_TO_M

s_both:
  csrsi sstatus, MSTATUS_SIE
  SAY "s after both"
  csrci sstatus, MSTATUS_SIE
  BACK_TO_M

s_spin:
u_spin:
  li a0, 0x1234
  BACK_TO_M
