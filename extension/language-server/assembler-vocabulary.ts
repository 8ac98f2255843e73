/**
 * What GNU as accepts beyond the decoded instructions: pseudo-instructions
 * (with the instruction they expand to, which decides their mode
 * behaviour), the compressed forms the decoder does not list, and
 * directive descriptions for hovers. Data only.
 */

export interface PseudoInstruction {
  operands: string;
  description: string;
  /** The real instruction it becomes (the one whose mode behaviour applies). */
  base: string;
  /** For CSR pseudo-instructions with an implied CSR (rdtime …). */
  csr?: string;
}

const p = (operands: string, description: string, base: string, csr?: string): PseudoInstruction => ({ operands, description, base, ...(csr ? { csr } : {}) });

export const pseudoInstructions: Readonly<Record<string, PseudoInstruction>> = {
  nop: p("", "No operation (addi x0, x0, 0).", "addi"),
  li: p("rd, imm", "Load an immediate of any size (lui/addi(w)/slli sequence).", "addi"),
  la: p("rd, symbol", "Load the address of a symbol (auipc + addi, or a GOT load under -fpic).", "auipc"),
  lla: p("rd, symbol", "Load the pc-relative address of a symbol (auipc + addi).", "auipc"),
  lga: p("rd, symbol", "Load a symbol's address from the GOT.", "auipc"),
  mv: p("rd, rs", "Copy a register (addi rd, rs, 0).", "addi"),
  not: p("rd, rs", "One's complement (xori rd, rs, -1).", "xori"),
  neg: p("rd, rs", "Two's complement (sub rd, x0, rs).", "sub"),
  negw: p("rd, rs", "Two's complement of the low word (subw rd, x0, rs).", "subw"),
  "sext.w": p("rd, rs", "Sign-extend the low word (addiw rd, rs, 0).", "addiw"),
  seqz: p("rd, rs", "Set if zero (sltiu rd, rs, 1).", "sltiu"),
  snez: p("rd, rs", "Set if not zero (sltu rd, x0, rs).", "sltu"),
  sltz: p("rd, rs", "Set if negative (slt rd, rs, x0).", "slt"),
  sgtz: p("rd, rs", "Set if positive (slt rd, x0, rs).", "slt"),
  beqz: p("rs, label", "Branch if zero.", "beq"),
  bnez: p("rs, label", "Branch if not zero.", "bne"),
  blez: p("rs, label", "Branch if ≤ 0.", "bge"),
  bgez: p("rs, label", "Branch if ≥ 0.", "bge"),
  bltz: p("rs, label", "Branch if < 0.", "blt"),
  bgtz: p("rs, label", "Branch if > 0.", "blt"),
  bgt: p("rs, rt, label", "Branch if rs > rt (signed).", "blt"),
  ble: p("rs, rt, label", "Branch if rs ≤ rt (signed).", "bge"),
  bgtu: p("rs, rt, label", "Branch if rs > rt (unsigned).", "bltu"),
  bleu: p("rs, rt, label", "Branch if rs ≤ rt (unsigned).", "bgeu"),
  j: p("label", "Jump (jal x0, label).", "jal"),
  jr: p("rs", "Jump to a register (jalr x0, 0(rs)).", "jalr"),
  ret: p("", "Return from a subroutine (jalr x0, 0(ra)).", "jalr"),
  call: p("symbol", "Call a far subroutine (auipc ra + jalr ra).", "jalr"),
  tail: p("symbol", "Tail-call a far subroutine (auipc t1 + jalr x0).", "jalr"),
  jump: p("symbol, rt", "Jump to a far symbol through temporary rt.", "jalr"),
  csrr: p("rd, csr", "Read a CSR (csrrs rd, csr, x0).", "csrrs"),
  csrw: p("csr, rs", "Write a CSR (csrrw x0, csr, rs).", "csrrw"),
  csrs: p("csr, rs", "Set CSR bits (csrrs x0, csr, rs).", "csrrs"),
  csrc: p("csr, rs", "Clear CSR bits (csrrc x0, csr, rs).", "csrrc"),
  csrwi: p("csr, uimm5", "Write a CSR from an immediate (csrrwi x0, csr, uimm5).", "csrrwi"),
  csrsi: p("csr, uimm5", "Set CSR bits from an immediate (csrrsi x0, csr, uimm5).", "csrrsi"),
  csrci: p("csr, uimm5", "Clear CSR bits from an immediate (csrrci x0, csr, uimm5).", "csrrci"),
  rdcycle: p("rd", "Read the cycle counter (csrrs rd, cycle, x0).", "csrrs", "cycle"),
  rdtime: p("rd", "Read the real-time counter (csrrs rd, time, x0).", "csrrs", "time"),
  rdinstret: p("rd", "Read instructions retired (csrrs rd, instret, x0).", "csrrs", "instret"),
  unimp: p("", "An always-illegal instruction (csrrw x0, cycle, x0, or c.unimp).", "csrrw"),
  "c.unimp": p("", "The all-zero 16-bit illegal instruction.", "c.unimp"),
  "c.nop": p("", "16-bit no operation (c.addi x0, 0).", "addi"),
  "zext.b": p("rd, rs", "Zero-extend the low byte (andi rd, rs, 255).", "andi"),
  "fence.tso": p("", "Total store ordering fence.", "fence"),
  pause: p("", "Hint: spin-wait pause (a fence with pred=W, succ=0).", "fence"),
};

/** Directive descriptions for hovers; any other directive is accepted without one (GNU as has hundreds). */
export const directiveDescriptions: Readonly<Record<string, string>> = {
  ".section": "Assemble what follows into the named section (flags \"ax\" = allocatable, executable).",
  ".text": "Switch to the .text section (code).",
  ".data": "Switch to the .data section (initialized data).",
  ".bss": "Switch to the .bss section (zero-initialized data).",
  ".rodata": "Switch to the .rodata section (read-only data).",
  ".globl": "Make a symbol visible to the linker (global).",
  ".global": "Make a symbol visible to the linker (global).",
  ".local": "Keep a symbol local to this object file.",
  ".weak": "Make a symbol weak: another definition may override it.",
  ".align": "Align to 2^n bytes (on RISC-V, .align n is .p2align n).",
  ".p2align": "Align to 2^n bytes.",
  ".balign": "Align to n bytes.",
  ".byte": "Emit 8-bit values.",
  ".half": "Emit 16-bit values.",
  ".short": "Emit 16-bit values.",
  ".word": "Emit 32-bit values.",
  ".long": "Emit 32-bit values.",
  ".dword": "Emit 64-bit values.",
  ".quad": "Emit 64-bit values.",
  ".zero": "Emit n zero bytes.",
  ".space": "Emit n bytes (zero unless a fill value is given).",
  ".skip": "Emit n bytes (zero unless a fill value is given).",
  ".ascii": "Emit a string without a terminating NUL.",
  ".asciz": "Emit a NUL-terminated string.",
  ".string": "Emit a NUL-terminated string.",
  ".equ": "Define a symbol's value: .equ name, expression.",
  ".set": "Define a symbol's value: .set name, expression.",
  ".option": "RISC-V assembler option: push/pop, rvc/norvc, relax/norelax, pic/nopic, arch.",
  ".macro": "Define a macro: .macro name args … .endm.",
  ".endm": "End a macro definition.",
  ".type": "Set a symbol's type (@function, @object).",
  ".size": "Set a symbol's size.",
  ".include": "Include another assembly file.",
  ".rept": "Repeat the lines up to .endr n times.",
  ".endr": "End a .rept/.irp block.",
  ".insn": "Emit an instruction from its raw format and fields.",
};

/** Register names the assembler accepts: x0-x31 and the ABI names. */
export const registerNames: ReadonlySet<string> = new Set([
  ...Array.from({ length: 32 }, (_, i) => `x${i}`),
  "zero", "ra", "sp", "gp", "tp", "fp",
  ...Array.from({ length: 3 }, (_, i) => `t${i}`),
  ...Array.from({ length: 4 }, (_, i) => `t${i + 3}`),
  ...Array.from({ length: 12 }, (_, i) => `s${i}`),
  ...Array.from({ length: 8 }, (_, i) => `a${i}`),
]);
