/*
 * Shared macros for the ISA differential guests (runtime in harness.S).
 * Every guest defines `main` (M-mode, entered from _start with a stack,
 * trap vectors and a PMP entry covering all memory) and ends with `j pass`.
 * Output is plain text, identical on QEMU and vmscope when both agree.
 */
#define UART_BASE   0x10000000
#define TEST_BASE   0x100000
#define CLINT_BASE  0x2000000
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME    (CLINT_BASE + 0xbff8)
/* a7 value of the ecall that returns from enter_mode's lower mode to M. */
#define MAGIC_BACK_TO_M 0x4241434b

/* Number of entries of test_values (harness.S). */
#define TEST_VALUE_COUNT 14

#define MSTATUS_SIE  (1 << 1)
#define MSTATUS_MIE  (1 << 3)
#define MSTATUS_SPIE (1 << 5)
#define MSTATUS_MPIE (1 << 7)
#define MSTATUS_SPP  (1 << 8)
#define MSTATUS_MPP  (3 << 11)
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM  (1 << 18)
#define MSTATUS_MXR  (1 << 19)
#define MSTATUS_TVM  (1 << 20)
#define MSTATUS_TW   (1 << 21)
#define MSTATUS_TSR  (1 << 22)

/* Prints "label=<reg as 16 hex digits>\n"; preserves every register. */
.macro PUT label, reg
  sd \reg, -8(sp)
  addi sp, sp, -32
  sd ra, 0(sp)
  sd a0, 8(sp)
  sd a1, 16(sp)
  ld a1, 24(sp)
  la a0, 9998f
  call put_label_hex
  ld ra, 0(sp)
  ld a0, 8(sp)
  ld a1, 16(sp)
  addi sp, sp, 32
  .pushsection .rodata.labels, "a"
9998: .asciz "\label"
  .popsection
.endm

/* Prints a text line; preserves every register. */
.macro SAY text
  addi sp, sp, -16
  sd ra, 0(sp)
  sd a0, 8(sp)
  la a0, 9997f
  call put_line
  ld ra, 0(sp)
  ld a0, 8(sp)
  addi sp, sp, 16
  .pushsection .rodata.labels, "a"
9997: .asciz "\text"
  .popsection
.endm

/* Prints x1..x31 ("x1=...", one a line); preserves every register. */
.macro DUMP_REGS
  addi sp, sp, -256
  .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\n, (\n*8)(sp)
  .endr
  addi t0, sp, 256
  sd t0, 16(sp)
  mv a0, sp
  call dump_regs
  .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  ld x\n, (\n*8)(sp)
  .endr
  addi sp, sp, 256
.endm

/* The next trap resumes at `target` instead of after the faulting instruction. */
.macro RESUME_AT target
  addi sp, sp, -16
  sd t0, 0(sp)
  sd t1, 8(sp)
  la t0, \target
  la t1, trap_resume
  sd t0, 0(t1)
  ld t0, 0(sp)
  ld t1, 8(sp)
  addi sp, sp, 16
.endm

/* From S or U mode entered by enter_mode: back to M after the call, a0..a6 kept. */
.macro BACK_TO_M
  li a7, MAGIC_BACK_TO_M
  ecall
.endm

/* Runs `entry` in privilege `mode` (0 = U, 1 = S); returns when it does BACK_TO_M.
   Clobbers a0, a1, t0..t6 and ra; a0..a6 come back from the lower mode. */
.macro ENTER mode, entry
  li a0, \mode
  la a1, \entry
  call enter_mode
.endm

/* Runs `insn a0, a0, a1` over every pair of test_values. */
.macro BINOP insn
  .pushsection .text.ops, "ax"
9996: \insn a0, a0, a1
  ret
  .popsection
  la a0, 9995f
  la a1, 9996b
  call run_binop
  .pushsection .rodata.labels, "a"
9995: .asciz "\insn"
  .popsection
.endm

/* Runs `insn a0, a0, imm` over every test_value. */
.macro IMMOP insn, imm
  .pushsection .text.ops, "ax"
9996: \insn a0, a0, \imm
  ret
  .popsection
  la a0, 9995f
  la a1, 9996b
  call run_unop
  .pushsection .rodata.labels, "a"
9995: .asciz "\insn \imm"
  .popsection
.endm
