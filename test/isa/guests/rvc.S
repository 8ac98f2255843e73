/* C extension: every RV64C instruction, written with its c. mnemonic so
   the assembler cannot pick another encoding; c.ebreak and the all-zero
   illegal halfword trap. */
#include "harness.h"

  .text
  .globl main
main:
  /* Use registers x8..x15 for the 3-bit register forms. */
  c.li s0, 31
  c.li s1, -32
  PUT c_li_31, s0
  PUT c_li_m32, s1
  c.lui a0, 1
  PUT c_lui_1, a0
  c.lui a0, 0x1f
  PUT c_lui_1f, a0
  c.lui a0, 0xfffe0
  PUT c_lui_fffe0, a0
  c.lui a0, 0xfffff
  PUT c_lui_fffff, a0
  li a0, 100
  c.addi a0, -32
  PUT c_addi_m32, a0
  c.addi a0, 31
  PUT c_addi_31, a0
  li a0, 0x7fffffff
  c.addiw a0, 1
  PUT c_addiw_ovf, a0
  c.addiw a0, 0
  PUT c_addiw_0, a0
  mv s1, sp
  c.addi16sp sp, -512
  sub a1, s1, sp
  PUT c_addi16sp_m512, a1
  c.addi16sp sp, 496
  sub a1, s1, sp
  PUT c_addi16sp_496, a1
  c.addi16sp sp, 16
  c.addi4spn a2, sp, 4
  sub a2, a2, sp
  PUT c_addi4spn_4, a2
  c.addi4spn a2, sp, 1020
  sub a2, a2, sp
  PUT c_addi4spn_1020, a2
  li a3, 0x8000000000000001
  c.slli a3, 63
  PUT c_slli_63, a3
  li a3, 0x8000000000000001
  c.slli a3, 1
  PUT c_slli_1, a3
  li a3, 0x8000000000000000
  c.srli a3, 63
  PUT c_srli_63, a3
  li a3, 0x8000000000000000
  c.srli a3, 32
  PUT c_srli_32, a3
  li a3, 0x8000000000000000
  c.srai a3, 63
  PUT c_srai_63, a3
  li a3, 0x8000000000000000
  c.srai a3, 1
  PUT c_srai_1, a3
  li a4, -1
  c.andi a4, -32
  PUT c_andi_m32, a4
  li a4, -1
  c.andi a4, 31
  PUT c_andi_31, a4
  li a4, 0x0f0f
  li a5, 0x00ff
  c.mv s0, a4
  c.sub s0, a5
  PUT c_sub, s0
  c.mv s0, a4
  c.xor s0, a5
  PUT c_xor, s0
  c.mv s0, a4
  c.or s0, a5
  PUT c_or, s0
  c.mv s0, a4
  c.and s0, a5
  PUT c_and, s0
  li s0, 0x7fffffff
  li s1, 1
  c.addw s0, s1
  PUT c_addw, s0
  li s0, -0x80000000
  c.subw s0, s1
  PUT c_subw, s0
  li t0, 5
  li t1, 7
  c.add t0, t1
  PUT c_add, t0
  c.mv t2, t0
  PUT c_mv, t2

  /* Loads and stores, register-based and sp-based. */
  la s0, cdata
  c.ld a0, 0(s0)
  PUT c_ld_0, a0
  c.ld a0, 248(s0)
  PUT c_ld_248, a0
  c.lw a1, 4(s0)
  PUT c_lw_4, a1
  c.lw a1, 124(s0)
  PUT c_lw_124, a1
  li a2, 0x1122334455667788
  c.sd a2, 8(s0)
  c.sw a2, 16(s0)
  ld a3, 8(s0)
  PUT c_sd, a3
  ld a3, 16(s0)
  PUT c_sw, a3
  mv s1, sp
  mv sp, s0
  c.ldsp a4, 0(sp)
  c.lwsp a5, 252(sp)
  c.ldsp t3, 504(sp)
  li t4, 0xdeadbeefcafef00d
  c.sdsp t4, 24(sp)
  c.swsp t4, 32(sp)
  c.sdsp t4, 496(sp)
  mv sp, s1
  PUT c_ldsp_0, a4
  PUT c_lwsp_252, a5
  PUT c_ldsp_504, t3
  ld t5, 24(s0)
  PUT c_sdsp, t5
  ld t5, 32(s0)
  PUT c_swsp, t5
  ld t5, 496(s0)
  PUT c_sdsp_496, t5

  /* Control transfer. */
  li a0, 0
  c.j 1f
  li a0, 1
1: PUT c_j, a0
  li a0, 0
  c.beqz a0, 2f
  li a0, 9
2: PUT c_beqz_taken, a0
  li a0, 1
  c.beqz a0, 3f
  li a0, 9
3: PUT c_beqz_not, a0
  li a0, 1
  c.bnez a0, 4f
  li a0, 9
4: PUT c_bnez_taken, a0
  li a0, 0
  c.bnez a0, 5f
  li a0, 9
5: PUT c_bnez_not, a0
  la t0, csub
  c.jalr t0
6: la t1, 6b
  sub t1, ra, t1
  PUT c_jalr_link, t1
  PUT c_jalr_ret, a0
  la t0, 7f
  c.jr t0
  li a0, 0x99
7: PUT c_jr, a0
  /* A 32-bit instruction at a 2-byte aligned address runs. */
  c.nop
  .option push
  .option norvc
  addi a0, zero, 0x33
  .option pop
  PUT misaligned32, a0

  /* Traps: c.ebreak (cause 3) and the all-zero halfword (illegal). */
  c.ebreak
  .half 0
  /* A reserved encoding: c.addi4spn with a zero immediate. */
  .half 0x0000 | (1 << 2)
  /* c.lui with imm 0 and c.addi16sp with imm 0 are reserved. */
  .half 0x6081
  .half 0x6101
  /* c.ldsp to x0 is reserved. */
  .half 0x6002
  /* c.jr x0 is reserved. */
  .half 0x8002
  j pass

csub:
  li a0, 0x42
  c.jr ra

  .data
  .align 3
cdata:
  .dword 0x0102030405060708, 0xa1a2a3a4a5a6a7a8
  .rept 62
  .dword 0x8000000080000001
  .endr
  .dword 0x1020304050607080
  .skip 256
