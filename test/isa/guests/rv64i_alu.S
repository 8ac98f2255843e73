/* RV64I register-register and register-immediate ALU instructions, the W
   variants, shifts with edge amounts, LUI and AUIPC. */
#include "harness.h"

  .text
  .globl main
main:
  BINOP add
  BINOP sub
  BINOP sll
  BINOP slt
  BINOP sltu
  BINOP xor
  BINOP srl
  BINOP sra
  BINOP or
  BINOP and
  BINOP addw
  BINOP subw
  BINOP sllw
  BINOP srlw
  BINOP sraw

  IMMOP addi, 0
  IMMOP addi, 1
  IMMOP addi, -1
  IMMOP addi, 2047
  IMMOP addi, -2048
  IMMOP slti, 0
  IMMOP slti, -1
  IMMOP slti, 2047
  IMMOP sltiu, 0
  IMMOP sltiu, 1
  IMMOP sltiu, -1
  IMMOP xori, -1
  IMMOP xori, 0x555
  IMMOP ori, -2048
  IMMOP ori, 0x7ff
  IMMOP andi, -1
  IMMOP andi, 0x7f0
  IMMOP andi, -16
  IMMOP slli, 0
  IMMOP slli, 1
  IMMOP slli, 31
  IMMOP slli, 32
  IMMOP slli, 63
  IMMOP srli, 0
  IMMOP srli, 1
  IMMOP srli, 31
  IMMOP srli, 32
  IMMOP srli, 63
  IMMOP srai, 0
  IMMOP srai, 1
  IMMOP srai, 31
  IMMOP srai, 32
  IMMOP srai, 63
  IMMOP addiw, 0
  IMMOP addiw, 1
  IMMOP addiw, -1
  IMMOP addiw, 2047
  IMMOP addiw, -2048
  IMMOP slliw, 0
  IMMOP slliw, 1
  IMMOP slliw, 31
  IMMOP srliw, 0
  IMMOP srliw, 1
  IMMOP srliw, 31
  IMMOP sraiw, 0
  IMMOP sraiw, 1
  IMMOP sraiw, 31

  /* LUI: sign extension of bit 31 into the upper half. */
  lui t0, 0
  PUT lui_0, t0
  lui t0, 0x7ffff
  PUT lui_7ffff, t0
  lui t0, 0x80000
  PUT lui_80000, t0
  lui t0, 0xfffff
  PUT lui_fffff, t0
  lui t0, 0x12345
  PUT lui_12345, t0

  /* AUIPC: relative to its own address. */
1: auipc t0, 0
  la t1, 1b
  sub t2, t0, t1
  PUT auipc_0, t2
2: auipc t0, 0x80000
  la t1, 2b
  sub t2, t0, t1
  PUT auipc_80000, t2
3: auipc t0, 0x7ffff
  la t1, 3b
  sub t2, t0, t1
  PUT auipc_7ffff, t2
4: auipc t0, 0xfffff
  la t1, 4b
  sub t2, t0, t1
  PUT auipc_fffff, t2

  /* x0 stays zero as a destination. */
  li t0, 5
  addi x0, t0, 1
  add x0, t0, t0
  lui x0, 0x12345
  PUT x0, x0
  DUMP_REGS
  j pass
