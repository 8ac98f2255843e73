/* A extension: every AMO in .w and .d form (old value and memory after),
   LR/SC success and failure, SC after a store to the reservation, and
   misaligned LR/SC/AMO traps. */
#include "harness.h"

/* mem = init; rd = amo(mem, src); prints rd and mem. */
.macro AMO insn, init, src
  la s0, cell
  li t0, \init
  sd t0, 0(s0)
  li t1, \src
  \insn t2, t1, (s0)
  ld t3, 0(s0)
  PUT "\insn \init \src old", t2
  PUT "\insn \init \src mem", t3
.endm

.macro AMO3 insn
  AMO \insn, 0x00000000ffffffff, 0x0000000000000001
  AMO \insn, 0x800000007fffffff, 0xffffffff80000000
  AMO \insn, 0x123456789abcdef0, 0x0fedcba987654321
.endm

  .text
  .globl main
main:
  .irp op, amoswap.w, amoadd.w, amoxor.w, amoand.w, amoor.w, amomin.w, amomax.w, amominu.w, amomaxu.w
  AMO3 \op
  .endr
  .irp op, amoswap.d, amoadd.d, amoxor.d, amoand.d, amoor.d, amomin.d, amomax.d, amominu.d, amomaxu.d
  AMO3 \op
  .endr
  /* Ordering bits do not change results. */
  AMO amoadd.w.aq, 5, 6
  AMO amoadd.d.rl, 5, 6
  AMO amoadd.d.aqrl, 5, 6
  /* rd = x0 still writes memory. */
  la s0, cell
  li t0, 40
  sd t0, 0(s0)
  li t1, 2
  amoadd.d x0, t1, (s0)
  ld t3, 0(s0)
  PUT amo_rd_x0, t3

  /* LR/SC: success writes 0 and stores. */
  la s0, cell
  li t0, 100
  sd t0, 0(s0)
  lr.d t1, (s0)
  addi t1, t1, 1
  sc.d t2, t1, (s0)
  ld t3, 0(s0)
  PUT lrsc_d_ok_rd, t2
  PUT lrsc_d_ok_mem, t3
  li t0, -5
  sw t0, 0(s0)
  lr.w t1, (s0)
  PUT lr_w_sext, t1
  sc.w t2, t0, (s0)
  PUT lrsc_w_ok_rd, t2
  /* SC without a reservation fails and does not store. */
  li t1, 0x55
  sc.d t2, t1, (s0)
  ld t3, 0(s0)
  bnez t2, 1f
  li t2, 0
  j 2f
1: li t2, 1
2: PUT sc_no_reservation_failed, t2
  PUT sc_no_reservation_mem, t3
  /* A second SC after a successful one fails. */
  lr.d t1, (s0)
  sc.d t2, t1, (s0)
  sc.d t2, t1, (s0)
  snez t2, t2
  PUT sc_twice_failed, t2
  /* SC to a different address than the LR fails (QEMU compares addresses). */
  lr.d t1, (s0)
  addi s1, s0, 8
  sc.d t2, t1, (s1)
  snez t2, t2
  PUT sc_other_address_failed, t2

  /* Misaligned LR and AMO trap with tval = the address. QEMU 7.2 reports
     AMO faults with the load causes (4 misaligned, 5 access fault) where
     the spec says 6 and 7, so amo_misaligned_trap prints the cause with
     bit 1 cleared (4 for either misaligned cause, 5 for either access
     fault) and tval. */
  la s0, cell
  addi s1, s0, 4
  lr.d t1, (s1)
  addi s1, s0, 1
  la a0, amo_probe_w
  call amo_misaligned_trap
  addi s1, s0, 4
  la a0, amo_probe_d
  call amo_misaligned_trap
  /* Aligned .w at offset 4 is fine. */
  addi s1, s0, 4
  li t0, 3
  amoadd.w t2, t0, (s1)
  lw t3, 0(s1)
  PUT amo_w_off4, t3
  /* AMO and LR where no device answers: access faults. */
  li s1, 0x88000000
  la a0, amo_probe_d
  call amo_misaligned_trap
  lr.d t2, (s1)
  li s1, 0
  la a0, amo_probe_w
  call amo_misaligned_trap
  j pass

/* a0 = probe (an AMO on s1 followed by ret): runs it under a private
   trap vector and prints the cause class, tval and rd (must be unchanged). */
amo_misaligned_trap:
  addi sp, sp, -16
  sd ra, 0(sp)
  la t0, amo_trap_vector
  csrrw s2, mtvec, t0
  li s3, 0
  li s4, 0
  li s5, 0
  jalr a0
  csrw mtvec, s2
  PUT amo_trap_cause_class, s3
  PUT amo_trap_tval, s4
  PUT amo_trap_rd_unchanged, s5
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

amo_probe_w:
  li t2, 0x77
  amoadd.w t2, t1, (s1)
  mv s5, t2
  ret
amo_probe_d:
  li t2, 0x77
  amoswap.d t2, t1, (s1)
  mv s5, t2
  ret

  .align 2
amo_trap_vector:
  csrr s3, mcause
  andi s3, s3, ~2
  csrr s4, mtval
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret

  .data
  .align 4
cell: .dword 0, 0
