/*
 * Runtime shared by every ISA guest: start-up, UART output, register dump,
 * M- and S-mode trap handlers that print each trap and resume, power-off
 * through sifive_test, and enter_mode (run code in S or U, come back to M).
 */
#include "harness.h"

  .section .text.init, "ax"
  .globl _start
_start:
  la sp, stack_top
  la t0, m_trap_stack_top
  csrw mscratch, t0
  la t0, m_trap_vector
  csrw mtvec, t0
  la t0, s_trap_stack_top
  csrw sscratch, t0
  la t0, s_trap_vector
  csrw stvec, t0
  /* S and U may touch all of memory: one NAPOT PMP entry covering everything. */
  li t0, -1
  srli t0, t0, 10            /* pmpaddr holds address bits 55:2 */
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  call main
  .globl pass
pass:
  li t0, TEST_BASE
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b

  .text
/* ---- console: every routine preserves all registers but a0 where stated ---- */

/* Writes the byte in a0. */
  .globl put_char
put_char:
  addi sp, sp, -16
  sd t0, 0(sp)
  sd t1, 8(sp)
  li t0, UART_BASE
1: lbu t1, 5(t0)
  andi t1, t1, 0x20
  beqz t1, 1b
  sb a0, 0(t0)
  ld t0, 0(sp)
  ld t1, 8(sp)
  addi sp, sp, 16
  ret

/* Writes the NUL-terminated string at a0. */
  .globl put_str
put_str:
  addi sp, sp, -32
  sd ra, 0(sp)
  sd a0, 8(sp)
  sd s0, 16(sp)
  mv s0, a0
1: lbu a0, 0(s0)
  beqz a0, 2f
  call put_char
  addi s0, s0, 1
  j 1b
2: ld ra, 0(sp)
  ld a0, 8(sp)
  ld s0, 16(sp)
  addi sp, sp, 32
  ret

/* Writes the string at a0 and a newline. */
  .globl put_line
put_line:
  addi sp, sp, -16
  sd ra, 0(sp)
  sd a0, 8(sp)
  call put_str
  li a0, '\n'
  call put_char
  ld ra, 0(sp)
  ld a0, 8(sp)
  addi sp, sp, 16
  ret

/* Writes a0 as 16 hex digits. */
  .globl put_hex
put_hex:
  addi sp, sp, -48
  sd ra, 0(sp)
  sd a0, 8(sp)
  sd s0, 16(sp)
  sd s1, 24(sp)
  mv s0, a0
  li s1, 60
1: srl a0, s0, s1
  andi a0, a0, 15
  addi a0, a0, '0'
  li ra, '9'
  ble a0, ra, 2f
  addi a0, a0, 'a' - '9' - 1
2: call put_char
  addi s1, s1, -4
  bgez s1, 1b
  ld ra, 0(sp)
  ld a0, 8(sp)
  ld s0, 16(sp)
  ld s1, 24(sp)
  addi sp, sp, 48
  ret

/* Writes "<string a0>=<hex a1>\n". */
  .globl put_label_hex
put_label_hex:
  addi sp, sp, -16
  sd ra, 0(sp)
  sd a0, 8(sp)
  call put_str
  li a0, '='
  call put_char
  mv a0, a1
  call put_hex
  li a0, '\n'
  call put_char
  ld ra, 0(sp)
  ld a0, 8(sp)
  addi sp, sp, 16
  ret

/* a0 = 32 saved registers (x0 slot unused): prints x1..x31. Clobbers a0, ra. */
  .globl dump_regs
dump_regs:
  addi sp, sp, -48
  sd ra, 0(sp)
  sd s0, 8(sp)
  sd s1, 16(sp)
  sd a1, 24(sp)
  mv s0, a0
  li s1, 1
1: li a0, 'x'
  call put_char
  li a0, 10
  blt s1, a0, 2f
  divu a0, s1, a0
  addi a0, a0, '0'
  call put_char
2: li a0, 10
  remu a0, s1, a0
  addi a0, a0, '0'
  call put_char
  la a0, str_eq
  call put_str
  slli a0, s1, 3
  add a0, a0, s0
  ld a0, 0(a0)
  call put_hex
  li a0, '\n'
  call put_char
  addi s1, s1, 1
  li a0, 32
  blt s1, a0, 1b
  ld ra, 0(sp)
  ld s0, 8(sp)
  ld s1, 16(sp)
  ld a1, 24(sp)
  addi sp, sp, 48
  ret

/* Writes " <label a0>=<hex a1>" (no newline), for trap lines. */
put_field:
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

/* a0 = mode (0 U, 1 S), a1 = entry. The lower mode ends with BACK_TO_M. */
  .globl enter_mode
enter_mode:
  la t0, m_ctx
  sd ra, 0(t0)
  sd sp, 8(t0)
  sd gp, 16(t0)
  sd tp, 24(t0)
  sd s0, 32(t0)
  sd s1, 40(t0)
  sd s2, 48(t0)
  sd s3, 56(t0)
  sd s4, 64(t0)
  sd s5, 72(t0)
  sd s6, 80(t0)
  sd s7, 88(t0)
  sd s8, 96(t0)
  sd s9, 104(t0)
  sd s10, 112(t0)
  sd s11, 120(t0)
  li t1, MSTATUS_MPP
  csrc mstatus, t1
  slli t1, a0, 11
  csrs mstatus, t1
  csrw mepc, a1
  mret

/* ---- M-mode trap handler ---- */
  .align 2
  .globl m_trap_vector
m_trap_vector:
  csrrw sp, mscratch, sp
  addi sp, sp, -256
  .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\n, (\n*8)(sp)
  .endr
  csrr t0, mscratch
  sd t0, 16(sp)
  addi t0, sp, 256
  csrw mscratch, t0

  csrr s0, mcause
  bltz s0, m_interrupt
  /* ecall with the magic a7 from enter_mode's lower mode: back to M. */
  addi t0, s0, -8
  li t1, 1
  bgtu t0, t1, 1f
  ld t0, 17*8(sp)
  li t1, MAGIC_BACK_TO_M
  beq t0, t1, m_back_to_m
1:
  la a0, str_mtrap
  call put_str
  la a0, str_cause
  mv a1, s0
  call put_field
  la a0, str_epc
  csrr a1, mepc
  call put_field
  la a0, str_tval
  csrr a1, mtval
  call put_field
  la a0, str_from
  csrr a1, mstatus
  srli a1, a1, 11
  andi a1, a1, 3
  call put_field
  li a0, '\n'
  call put_char
  csrr a0, mepc
  mv a1, s0
  call resume_address
  csrw mepc, a0
  j m_restore

m_interrupt:
  la a0, str_mintr
  call put_str
  la a0, str_cause
  mv a1, s0
  call put_field
  la a0, str_from
  csrr a1, mstatus
  srli a1, a1, 11
  andi a1, a1, 3
  call put_field
  li a0, '\n'
  call put_char
  slli a0, s0, 1
  srli a0, a0, 1
  call clear_interrupt
  /* An interrupt resumes where it struck, unless a test asked otherwise. */
  la t0, trap_resume
  ld t1, 0(t0)
  beqz t1, m_restore
  sd zero, 0(t0)
  csrw mepc, t1
  j m_restore

m_back_to_m:
  li t0, MSTATUS_MPP
  csrs mstatus, t0
  la t0, m_ctx
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

m_restore:
  .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  ld x\n, (\n*8)(sp)
  .endr
  ld sp, 16(sp)
  mret

/* a0 = epc, a1 = cause: where to resume after an exception. */
resume_address:
  la t0, trap_resume
  ld t1, 0(t0)
  beqz t1, 1f
  sd zero, 0(t0)
  mv a0, t1
  ret
1: /* Fetch faults return to the caller (the test jumped there with jalr ra). */
  beqz a1, 2f
  li t0, 1
  beq a1, t0, 2f
  li t0, 12
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

/* a0 = interrupt cause: silence its source so the handler can return. */
clear_interrupt:
  li t0, 1
  bne a0, t0, 1f
  csrci mip, 2
  ret
1: li t0, 3
  bne a0, t0, 1f
  li t0, CLINT_BASE
  sw zero, 0(t0)
  ret
1: li t0, 5
  bne a0, t0, 1f
  li t0, -1
  csrw stimecmp, t0
  li t0, 1 << 5
  csrc mip, t0
  ret
1: li t0, 7
  bne a0, t0, 1f
  li t0, CLINT_MTIMECMP
  li t1, -1
  sd t1, 0(t0)
  ret
1: li t0, 9
  bne a0, t0, 1f
  li t0, 1 << 9
  csrc mip, t0
1: ret

/* ---- S-mode trap handler: the same, for traps delegated to S ---- */
  .align 2
  .globl s_trap_vector
s_trap_vector:
  csrrw sp, sscratch, sp
  addi sp, sp, -256
  .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\n, (\n*8)(sp)
  .endr
  csrr t0, sscratch
  sd t0, 16(sp)
  addi t0, sp, 256
  csrw sscratch, t0

  csrr s0, scause
  bltz s0, s_interrupt
  /* BACK_TO_M from U while ecalls from U are delegated: forward it to M. */
  li t0, 8
  bne s0, t0, 1f
  ld t0, 17*8(sp)
  li t1, MAGIC_BACK_TO_M
  bne t0, t1, 1f
  ld a0, 10*8(sp)
  ld a1, 11*8(sp)
  ld a2, 12*8(sp)
  ld a3, 13*8(sp)
  ld a4, 14*8(sp)
  ld a5, 15*8(sp)
  ld a6, 16*8(sp)
  ecall
1:
  la a0, str_strap
  call put_str
  la a0, str_cause
  mv a1, s0
  call put_field
  la a0, str_epc
  csrr a1, sepc
  call put_field
  la a0, str_tval
  csrr a1, stval
  call put_field
  la a0, str_from
  csrr a1, sstatus
  srli a1, a1, 8
  andi a1, a1, 1
  call put_field
  li a0, '\n'
  call put_char
  csrr a0, sepc
  mv a1, s0
  call resume_address
  csrw sepc, a0
  j s_restore

s_interrupt:
  la a0, str_sintr
  call put_str
  la a0, str_cause
  mv a1, s0
  call put_field
  li a0, '\n'
  call put_char
  slli a0, s0, 1
  srli a0, a0, 1
  li t0, 1
  bne a0, t0, 1f
  csrci sip, 2
1: li t0, 5
  bne a0, t0, 2f
  li t0, -1
  csrw stimecmp, t0
2:
s_restore:
  .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  ld x\n, (\n*8)(sp)
  .endr
  ld sp, 16(sp)
  sret


/* ---- table drivers for ALU-style instructions ---- */

/* a0 = name, a1 = function computing a0 = f(a0, a1). For each a in
   test_values prints "name <a>: f(a,b) for each b". */
  .globl run_binop
run_binop:
  addi sp, sp, -64
  sd ra, 0(sp)
  sd s0, 8(sp)
  sd s1, 16(sp)
  sd s2, 24(sp)
  sd s3, 32(sp)
  sd s4, 40(sp)
  mv s0, a0
  mv s1, a1
  li s2, 0
1: mv a0, s0
  call put_str
  li a0, ' '
  call put_char
  la t0, test_values
  slli t1, s2, 3
  add t0, t0, t1
  ld s3, 0(t0)
  mv a0, s3
  call put_hex
  li a0, ':'
  call put_char
  li s4, 0
2: li a0, ' '
  call put_char
  la t0, test_values
  slli t1, s4, 3
  add t0, t0, t1
  ld a1, 0(t0)
  mv a0, s3
  jalr s1
  call put_hex
  addi s4, s4, 1
  li t0, TEST_VALUE_COUNT
  blt s4, t0, 2b
  li a0, '\n'
  call put_char
  addi s2, s2, 1
  li t0, TEST_VALUE_COUNT
  blt s2, t0, 1b
  ld ra, 0(sp)
  ld s0, 8(sp)
  ld s1, 16(sp)
  ld s2, 24(sp)
  ld s3, 32(sp)
  ld s4, 40(sp)
  addi sp, sp, 64
  ret

/* a0 = name, a1 = function a0 = f(a0): prints "name: f(v) for each v". */
  .globl run_unop
run_unop:
  addi sp, sp, -32
  sd ra, 0(sp)
  sd s0, 8(sp)
  sd s1, 16(sp)
  sd s2, 24(sp)
  mv s0, a0
  mv s1, a1
  call put_str
  li a0, ':'
  call put_char
  li s2, 0
1: li a0, ' '
  call put_char
  la t0, test_values
  slli t1, s2, 3
  add t0, t0, t1
  ld a0, 0(t0)
  jalr s1
  call put_hex
  addi s2, s2, 1
  li t0, TEST_VALUE_COUNT
  blt s2, t0, 1b
  li a0, '\n'
  call put_char
  ld ra, 0(sp)
  ld s0, 8(sp)
  ld s1, 16(sp)
  ld s2, 24(sp)
  addi sp, sp, 32
  ret

  .section .rodata
  .align 3
  .globl test_values
/* Operands with the usual edges: signs, 32-bit boundaries, shift amounts. */
test_values:
  .dword 0, 1, -1, 2, 31, 32, 63
  .dword 0x7fffffffffffffff, 0x8000000000000000
  .dword 0x7fffffff, 0x80000000, 0xffffffff
  .dword 0x123456789abcdef1, 0xfedcba9876543210

str_eq: .asciz "="
str_mtrap: .asciz "mtrap"
str_mintr: .asciz "mintr"
str_strap: .asciz "strap"
str_sintr: .asciz "sintr"
str_cause: .asciz "cause"
str_epc: .asciz "epc"
str_tval: .asciz "tval"
str_from: .asciz "from"

  .data
  .align 3
  .globl trap_resume
trap_resume: .dword 0
m_ctx: .skip 16 * 8

  .bss
  .align 12
  .skip 0x4000
stack_top:
  .skip 0x1000
m_trap_stack_top:
  .skip 0x1000
s_trap_stack_top:
