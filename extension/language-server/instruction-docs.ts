/**
 * One-line descriptions of the instructions vmscope's hart decodes. The
 * list of mnemonics comes from vmm-core's encoding tables (a test checks
 * that every decoded instruction has a line here); operand formats come
 * from the encoding's format, with the exceptions assemblers spell
 * differently (loads, jalr, LR/SC).
 */
import type { Format } from "../../vmm-core/isa/decoded";

export const instructionDescriptions: Readonly<Record<string, string>> = {
  lui: "Load upper immediate: rd = imm20 << 12.",
  auipc: "Add upper immediate to pc: rd = pc + (imm20 << 12).",
  jal: "Jump and link: rd = pc + 4, pc = label.",
  jalr: "Jump and link register: rd = pc + 4, pc = (rs1 + offset) & ~1.",
  beq: "Branch if rs1 == rs2.",
  bne: "Branch if rs1 != rs2.",
  blt: "Branch if rs1 < rs2 (signed).",
  bge: "Branch if rs1 >= rs2 (signed).",
  bltu: "Branch if rs1 < rs2 (unsigned).",
  bgeu: "Branch if rs1 >= rs2 (unsigned).",
  lb: "Load a byte, sign-extended.",
  lh: "Load a halfword, sign-extended.",
  lw: "Load a word, sign-extended.",
  ld: "Load a doubleword.",
  lbu: "Load a byte, zero-extended.",
  lhu: "Load a halfword, zero-extended.",
  lwu: "Load a word, zero-extended.",
  sb: "Store the low byte of rs2.",
  sh: "Store the low halfword of rs2.",
  sw: "Store the low word of rs2.",
  sd: "Store the doubleword rs2.",
  addi: "Add immediate: rd = rs1 + imm12.",
  slti: "Set if less than immediate (signed).",
  sltiu: "Set if less than immediate (unsigned).",
  xori: "Exclusive or with immediate.",
  ori: "Or with immediate.",
  andi: "And with immediate.",
  slli: "Shift left logical by shamt (0-63).",
  srli: "Shift right logical by shamt (0-63).",
  srai: "Shift right arithmetic by shamt (0-63).",
  addiw: "Add immediate on the low 32 bits, sign-extend the word.",
  slliw: "Shift the low word left by shamt (0-31), sign-extend.",
  srliw: "Shift the low word right logically by shamt (0-31), sign-extend.",
  sraiw: "Shift the low word right arithmetically by shamt (0-31), sign-extend.",
  add: "Add: rd = rs1 + rs2.",
  sub: "Subtract: rd = rs1 - rs2.",
  sll: "Shift left logical by rs2[5:0].",
  slt: "Set if rs1 < rs2 (signed).",
  sltu: "Set if rs1 < rs2 (unsigned).",
  xor: "Bitwise exclusive or: rd = rs1 ^ rs2.",
  srl: "Shift right logical by rs2[5:0].",
  sra: "Shift right arithmetic by rs2[5:0].",
  or: "Bitwise or: rd = rs1 | rs2.",
  and: "Bitwise and: rd = rs1 & rs2.",
  addw: "Add the low words, sign-extend.",
  subw: "Subtract the low words, sign-extend.",
  sllw: "Shift the low word left by rs2[4:0], sign-extend.",
  srlw: "Shift the low word right logically by rs2[4:0], sign-extend.",
  sraw: "Shift the low word right arithmetically by rs2[4:0], sign-extend.",
  fence: "Order memory and I/O accesses (predecessor set, successor set).",
  "fence.i": "Synchronize instruction fetches with earlier stores on this hart.",
  ecall: "Environment call: a trap to the next more privileged level (a system call, or an SBI call from S-mode).",
  ebreak: "Breakpoint trap.",
  mul: "Multiply, low 64 bits.",
  mulh: "Multiply signed × signed, high 64 bits.",
  mulhsu: "Multiply signed × unsigned, high 64 bits.",
  mulhu: "Multiply unsigned × unsigned, high 64 bits.",
  div: "Divide (signed).",
  divu: "Divide (unsigned).",
  rem: "Remainder (signed).",
  remu: "Remainder (unsigned).",
  mulw: "Multiply the low words, sign-extend.",
  divw: "Divide the low words (signed), sign-extend.",
  divuw: "Divide the low words (unsigned), sign-extend.",
  remw: "Remainder of the low words (signed), sign-extend.",
  remuw: "Remainder of the low words (unsigned), sign-extend.",
  "lr.w": "Load-reserved word: load and reserve the address for sc.w.",
  "sc.w": "Store-conditional word: store if the reservation holds; rd = 0 on success.",
  "lr.d": "Load-reserved doubleword.",
  "sc.d": "Store-conditional doubleword; rd = 0 on success.",
  csrrw: "Atomic read/write CSR: rd = csr, csr = rs1.",
  csrrs: "Atomic read and set bits in CSR: rd = csr, csr |= rs1.",
  csrrc: "Atomic read and clear bits in CSR: rd = csr, csr &= ~rs1.",
  csrrwi: "Atomic read/write CSR with a 5-bit immediate.",
  csrrsi: "Atomic read and set CSR bits from a 5-bit immediate.",
  csrrci: "Atomic read and clear CSR bits from a 5-bit immediate.",
  sret: "Return from a supervisor trap: pc = sepc, privilege from sstatus.SPP.",
  mret: "Return from a machine trap: pc = mepc, privilege from mstatus.MPP.",
  wfi: "Wait for interrupt: the hart may sleep until an interrupt is pending.",
  "sfence.vma": "Supervisor fence for virtual memory: drop cached translations (by address rs1, by ASID rs2, or all).",
  "hfence.vvma": "Hypervisor fence for VS-stage translations (guest-virtual addresses).",
  "hfence.gvma": "Hypervisor fence for G-stage translations (guest-physical addresses).",
  "hlv.b": "Hypervisor load byte as the guest would (two-stage translation), sign-extended.",
  "hlv.bu": "Hypervisor load byte as the guest would, zero-extended.",
  "hlv.h": "Hypervisor load halfword as the guest would, sign-extended.",
  "hlv.hu": "Hypervisor load halfword as the guest would, zero-extended.",
  "hlvx.hu": "Hypervisor load halfword with execute permission as the guest would.",
  "hlv.w": "Hypervisor load word as the guest would, sign-extended.",
  "hlv.wu": "Hypervisor load word as the guest would, zero-extended.",
  "hlvx.wu": "Hypervisor load word with execute permission as the guest would.",
  "hlv.d": "Hypervisor load doubleword as the guest would.",
  "hsv.b": "Hypervisor store byte as the guest would (two-stage translation).",
  "hsv.h": "Hypervisor store halfword as the guest would.",
  "hsv.w": "Hypervisor store word as the guest would.",
  "hsv.d": "Hypervisor store doubleword as the guest would.",
};

const amoOperations: Readonly<Record<string, string>> = {
  amoswap: "swap",
  amoadd: "add",
  amoxor: "exclusive or",
  amoand: "and",
  amoor: "or",
  amomin: "signed minimum",
  amomax: "signed maximum",
  amominu: "unsigned minimum",
  amomaxu: "unsigned maximum",
};

/** The description of a decoded mnemonic (AMOs are generated from their operation). */
export function describeInstruction(name: string): string | undefined {
  const fixed = instructionDescriptions[name];
  if (fixed) return fixed;
  const [base, width] = name.split(".");
  const operation = amoOperations[base];
  if (operation && (width === "w" || width === "d")) {
    return `Atomic memory operation (${operation}) on a ${width === "w" ? "word" : "doubleword"}: rd = old value of (rs1), (rs1) = old ${operation} rs2.`;
  }
  return undefined;
}

const formatOperands: Readonly<Record<Format, string>> = {
  R: "rd, rs1, rs2",
  I: "rd, rs1, imm12",
  S: "rs2, offset(rs1)",
  B: "rs1, rs2, label",
  U: "rd, imm20",
  J: "rd, label",
  shift: "rd, rs1, shamt",
  csr: "rd, csr, rs1",
  csri: "rd, csr, uimm5",
  amo: "rd, rs2, (rs1)",
  none: "",
  fence: "pred, succ",
  sfence: "rs1, rs2",
  hload: "rd, (rs1)",
  hstore: "rs2, (rs1)",
};

const operandExceptions: Readonly<Record<string, string>> = {
  jalr: "rd, offset(rs1)",
  "lr.w": "rd, (rs1)",
  "lr.d": "rd, (rs1)",
  ...Object.fromEntries(["lb", "lh", "lw", "ld", "lbu", "lhu", "lwu"].map((name) => [name, "rd, offset(rs1)"])),
};

/** The assembler's operand syntax for a 32-bit instruction of this format. */
export function operandSyntax(name: string, format: Format): string {
  return operandExceptions[name] ?? formatOperands[format];
}
