/*
 * Runtime of the hypervisor-extension guests, beside the ISA suite's
 * harness.S (start-up, console, PUT/SAY, pass). h_init installs three trap
 * handlers that print each trap with the state the H extension adds and
 * resume: M (mtval2, mtinst, MPV, GVA), HS (htval, htinst, hstatus.SPV/SPVP/GVA)
 * and VS (the vs* CSRs, seen from VS-mode as s* CSRs). enter_virt runs code
 * in U, HS, VU or VS; BACK_TO_M (ecall with a magic a7) from any of them
 * returns to M, forwarded by the HS and VS handlers when ecalls are delegated.
 */
#include "hharness.h"

  .text
/* Installs the trap vectors and their stacks. Clobbers t0. */
  .globl h_init
h_init:
  /* S interrupts go to HS, as firmware sets up for a hypervisor. Also
     needed by QEMU 7.2, which reads mideleg's read-only-one VS bits as 0
     until a first write, and masks the sie/sip view from VS with
     mideleg's S bits. */
  li t0, IRQ_SSI | IRQ_STI | IRQ_SEI
  csrw mideleg, t0
  la t0, hm_stack_top
  csrw mscratch, t0
  la t0, h_m_trap_vector
  csrw mtvec, t0
  la t0, hs_stack_top
  csrw sscratch, t0
  la t0, h_hs_trap_vector
  csrw stvec, t0
  la t0, vs_stack_top
  csrw vsscratch, t0
  la t0, h_vs_trap_vector
  csrw vstvec, t0
  ret

/* a0 = mode (MODE_*), a1 = entry. Saves the callee-saved state for BACK_TO_M. */
  .globl enter_virt
enter_virt:
  la t0, h_ctx
  sd ra, 0(t0)
  sd sp, 8(t0)
  sd gp, 16(t0)
  sd tp, 24(t0)
  sd s0, 32(t0)
  sd s1, 40(t0)
  .irp n, 2,3,4,5,6,7,8,9,10,11
  sd s\n, ((\n+4)*8)(t0)
  .endr
  li t1, MSTATUS_MPP
  csrc mstatus, t1
  li t1, MSTATUS_MPV
  csrc mstatus, t1
  andi t1, a0, 3
  slli t1, t1, 11
  csrs mstatus, t1
  andi t1, a0, 4
  beqz t1, 1f
  li t1, MSTATUS_MPV
  csrs mstatus, t1
1: csrw mepc, a1
  mret

/* Saves x1..x31 on the trap stack whose top is in the scratch register
   (the handler's first instruction swapped it into sp). */
.macro SAVE_FRAME scratch
  addi sp, sp, -256
  .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\n, (\n*8)(sp)
  .endr
  csrr t0, \scratch
  sd t0, 16(sp)
  addi t0, sp, 256
  csrw \scratch, t0
.endm

.macro RESTORE_FRAME
  .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  ld x\n, (\n*8)(sp)
  .endr
  ld sp, 16(sp)
.endm

/* Prints " label=<hex reg>"; clobbers a0, a1. */
.macro FIELD label, reg
  la a0, 9994f
  mv a1, \reg
  call h_put_field
  .pushsection .rodata.labels, "a"
9994: .asciz "\label"
  .popsection
.endm

/* t1 = bit `bit` of `reg`. */
.macro BIT reg, bit
  srli t1, \reg, \bit
  andi t1, t1, 1
.endm

/* Re-issues BACK_TO_M (a0..a6 from the frame) when the trap is the magic
   ecall from a lower mode; otherwise falls through. Cause in s0. */
.macro FORWARD_BACK_TO_M
  li t0, 8
  beq s0, t0, 9993f
  li t0, 10
  bne s0, t0, 9992f
9993:
  ld t0, 17*8(sp)
  li t1, MAGIC_BACK_TO_M
  bne t0, t1, 9992f
  ld a0, 10*8(sp)
  ld a1, 11*8(sp)
  ld a2, 12*8(sp)
  ld a3, 13*8(sp)
  ld a4, 14*8(sp)
  ld a5, 15*8(sp)
  ld a6, 16*8(sp)
  ecall
9992:
.endm

/* ---- M-mode handler ---- */
  .align 2
  .globl h_m_trap_vector
h_m_trap_vector:
  csrrw sp, mscratch, sp
  SAVE_FRAME mscratch
  csrr s0, mcause
  csrr s1, mstatus
  bltz s0, hm_interrupt
  /* ecall (from U, S, VS) with the magic a7: back to M. */
  addi t0, s0, -8
  li t1, 2
  bgtu t0, t1, 1f
  ld t0, 17*8(sp)
  li t1, MAGIC_BACK_TO_M
  beq t0, t1, hm_back_to_m
1:
  la a0, str_mtrap
  call put_str
  FIELD cause, s0
  csrr t2, mepc
  FIELD epc, t2
  csrr t2, mtval
  FIELD tval, t2
  /* mtval2 only for guest-page faults and GVA only for address faults:
     QEMU 7.2 leaves them stale (and sets GVA for any nonzero tval from V=1). */
  li t0, GUEST_PAGE_FAULTS
  srl t0, t0, s0
  andi t0, t0, 1
  beqz t0, 2f
  csrr t2, mtval2
  FIELD tval2, t2
2: li t0, ADDRESS_FAULTS
  srl t0, t0, s0
  andi t0, t0, 1
  beqz t0, 3f
  BIT s1, 38
  FIELD gva, t1
3: csrr t2, mtinst
  FIELD tinst, t2
  BIT s1, 39
  FIELD mpv, t1
  srli t1, s1, 11
  andi t1, t1, 3
  FIELD mpp, t1
  li a0, '\n'
  call put_char
  csrr a0, mepc
  mv a1, s0
  call h_resume_address
  csrw mepc, a0
  li t0, MSTATUS_GVA
  csrc mstatus, t0
  j hm_restore

hm_interrupt:
  la a0, str_mintr
  call put_str
  FIELD cause, s0
  BIT s1, 39
  FIELD mpv, t1
  srli t1, s1, 11
  andi t1, t1, 3
  FIELD mpp, t1
  li a0, '\n'
  call put_char
  slli a0, s0, 1
  srli a0, a0, 1
  call h_clear_interrupt
  la t0, trap_resume
  ld t1, 0(t0)
  beqz t1, hm_restore
  sd zero, 0(t0)
  csrw mepc, t1
  j hm_restore

hm_back_to_m:
  li t0, MSTATUS_MPV
  csrc mstatus, t0
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  la t0, h_ctx
  ld t1, 0(t0)
  csrw mepc, t1
  sd t1, 1*8(sp)
  ld t1, 8(t0)
  sd t1, 2*8(sp)
  ld t1, 16(t0)
  sd t1, 3*8(sp)
  ld t1, 24(t0)
  sd t1, 4*8(sp)
  ld t1, 32(t0)
  sd t1, 8*8(sp)
  ld t1, 40(t0)
  sd t1, 9*8(sp)
  .irp n, 18,19,20,21,22,23,24,25,26,27
  ld t1, ((\n-12)*8)(t0)
  sd t1, (\n*8)(sp)
  .endr
hm_restore:
  RESTORE_FRAME
  mret

/* a0 = interrupt cause: silence its source. Clobbers t0, t1. */
h_clear_interrupt:
  li t0, 3
  bne a0, t0, 1f
  li t0, CLINT_BASE
  sw zero, 0(t0)
  ret
1: li t0, 7
  bne a0, t0, 1f
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  ret
1: li t0, 5
  bne a0, t0, 1f
  li t0, -1
  csrw stimecmp, t0
1: li t1, 1
  sll t1, t1, a0
  li t0, IRQ_VSSI | IRQ_VSTI | IRQ_VSEI
  and t0, t0, t1
  beqz t0, 2f
  csrc hvip, t0
  ret
2: csrc mip, t1
  ret

/* ---- HS-mode handler (stvec with V=0) ---- */
  .align 2
  .globl h_hs_trap_vector
h_hs_trap_vector:
  csrrw sp, sscratch, sp
  SAVE_FRAME sscratch
  csrr s0, scause
  csrr s1, hstatus
  bltz s0, hs_interrupt
  FORWARD_BACK_TO_M
  la a0, str_hstrap
  call put_str
  FIELD cause, s0
  csrr t2, sepc
  FIELD epc, t2
  csrr t2, stval
  FIELD tval, t2
  li t0, GUEST_PAGE_FAULTS
  srl t0, t0, s0
  andi t0, t0, 1
  beqz t0, 2f
  csrr t2, htval
  FIELD htval, t2
2: csrr t2, htinst
  FIELD htinst, t2
  BIT s1, 7
  FIELD spv, t1
  BIT s1, 8
  FIELD spvp, t1
  BIT s1, 6
  FIELD gva, t1
  csrr t2, sstatus
  BIT t2, 8
  FIELD spp, t1
  li a0, '\n'
  call put_char
  csrr a0, sepc
  mv a1, s0
  call h_resume_address
  csrw sepc, a0
  j hs_restore

hs_interrupt:
  la a0, str_hsintr
  call put_str
  FIELD cause, s0
  BIT s1, 7
  FIELD spv, t1
  li a0, '\n'
  call put_char
  slli a0, s0, 1
  srli a0, a0, 1
  /* VS-level interrupts: drop the injected bit; S-level: the pending bit. */
  li t1, 1
  sll t1, t1, a0
  li t0, IRQ_VSSI | IRQ_VSTI | IRQ_VSEI
  and t0, t0, t1
  beqz t0, 1f
  csrc hvip, t0
  j hs_restore
1: li t0, 5
  bne a0, t0, 2f
  li t0, -1
  csrw stimecmp, t0
2: csrc sip, t1
hs_restore:
  RESTORE_FRAME
  sret

/* ---- VS-mode handler (vstvec; runs with V=1, so s* CSRs are the vs* ones) ---- */
  .align 2
  .globl h_vs_trap_vector
h_vs_trap_vector:
  csrrw sp, sscratch, sp
  SAVE_FRAME sscratch
  csrr s0, scause
  bltz s0, vs_interrupt
  FORWARD_BACK_TO_M
  la a0, str_vstrap
  call put_str
  FIELD cause, s0
  csrr t2, sepc
  FIELD epc, t2
  csrr t2, stval
  FIELD tval, t2
  csrr t2, sstatus
  BIT t2, 8
  FIELD spp, t1
  li a0, '\n'
  call put_char
  csrr a0, sepc
  mv a1, s0
  call h_resume_address
  csrw sepc, a0
  j vs_restore

vs_interrupt:
  la a0, str_vsintr
  call put_str
  FIELD cause, s0
  li a0, '\n'
  call put_char
  /* VS cannot clear hvip's timer/external bits: mask the source instead
     (the software interrupt is cleared through sip, an alias of hvip.VSSIP). */
  slli a0, s0, 1
  srli a0, a0, 1
  li t1, 1
  sll t1, t1, a0
  csrc sie, t1
  csrc sip, t1
  la t0, trap_resume
  ld t1, 0(t0)
  beqz t1, vs_restore
  sd zero, 0(t0)
  csrw sepc, t1
vs_restore:
  RESTORE_FRAME
  sret

/* a0 = epc, a1 = cause: where to resume after an exception (the handler's
   frame is at sp). Fetch faults return to the caller's ra (the test
   jumped there with jalr ra); other exceptions skip the instruction, whose
   address must be readable as is (code is identity-mapped in every stage). */
h_resume_address:
  la t0, trap_resume
  ld t1, 0(t0)
  beqz t1, 1f
  sd zero, 0(t0)
  mv a0, t1
  ret
1: beqz a1, 2f
  li t0, 1
  beq a1, t0, 2f
  li t0, 12
  beq a1, t0, 2f
  li t0, 20
  beq a1, t0, 2f
  lhu t0, 0(a0)
  andi t0, t0, 3
  li t1, 3
  addi a0, a0, 2
  bne t0, t1, 3f
  addi a0, a0, 2
3: ret
2: ld a0, 1*8(sp)
  ret

/* Writes " <label a0>=<hex a1>". */
h_put_field:
  addi sp, sp, -16
  sd ra, 0(sp)
  sd a0, 8(sp)
  li a0, ' '
  call put_char
  ld a0, 8(sp)
  call put_str
  li a0, '='
  call put_char
  mv a0, a1
  call put_hex
  ld ra, 0(sp)
  addi sp, sp, 16
  ret

  .section .rodata
str_mtrap: .asciz "mtrap"
str_mintr: .asciz "mintr"
str_hstrap: .asciz "hstrap"
str_hsintr: .asciz "hsintr"
str_vstrap: .asciz "vstrap"
str_vsintr: .asciz "vsintr"

  .data
  .align 3
h_ctx: .skip 16 * 8

  .bss
  .align 12
  .skip 0x1000
hm_stack_top:
  .skip 0x1000
hs_stack_top:
  .skip 0x1000
vs_stack_top:
