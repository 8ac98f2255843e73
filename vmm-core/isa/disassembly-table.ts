/**
 * How GNU objdump (binutils 2.40, default options) prints each instruction
 * of the encoding tables, as data: for every 32-bit encoding (by name) and
 * every compressed encoding (by its c.* name) the forms objdump tries, in
 * the order of binutils' riscv_opcodes[], first match wins. A form whose
 * mnemonic is null means objdump has no opcode for those bits and prints
 * the raw word (".4byte 0x…") even though our decoder accepts them.
 *
 * Operand templates use binutils' letters (riscv-opc.c), reduced to what
 * RV64IMAC + Zicsr + Zifencei + the privileged instructions need:
 *   d rd            s rs1            t rs2
 *   j I-immediate, decimal (objdump follows addi/addiw/jalr bases, see below)
 *   o load offset, q store offset (both follow the base register)
 *   k plain decimal immediate (compressed forms, never followed)
 *   c c.addi/c.addiw immediate (follows rd)
 *   u upper immediate, hex of bits 31:12      > shift amount, hex
 *   a jump target    p branch target          E CSR    Z CSR uimm5, decimal
 *   P Q fence predecessor / successor sets    anything else is literal.
 * "Follows" is objdump's multi-instruction address comment: after lui or
 * auipc into a register, a later use of that register as base prints the
 * combined address as "# 80001000 <sym>".
 */

/** Operand fields a form may constrain. */
export type FormField = "rd" | "rs1" | "rs2" | "immediate" | "csr" | "pred" | "succ" | "fm";

export type FormCondition = Partial<Record<FormField, number>>;

export interface DisassemblyForm {
  /** Printed mnemonic, or null: objdump prints the bits as a .Nbyte directive. */
  mnemonic: string | null;
  operands: string;
  /** Every listed field must have that value. */
  when?: FormCondition;
  /** Append the A extension's ordering suffix (.aq, .rl, .aqrl). */
  ordering?: boolean;
}

function form(mnemonic: string | null, operands = "", when?: FormCondition): DisassemblyForm {
  return when ? { mnemonic, operands, when } : { mnemonic, operands };
}

const plain = (mnemonic: string, operands = "") => [form(mnemonic, operands)];
const rType = (mnemonic: string) => plain(mnemonic, "d,s,t");
const load = (mnemonic: string) => plain(mnemonic, "d,o(s)");
const store = (mnemonic: string) => plain(mnemonic, "t,q(s)");
const amo = (mnemonic: string): DisassemblyForm[] => [
  { mnemonic, operands: mnemonic.startsWith("lr.") ? "d,(s)" : "d,t,(s)", ordering: true },
];
/** Branches objdump shows against zero (beqz …) when a register is x0. */
const branch = (mnemonic: string, ...zeroForms: DisassemblyForm[]) => [...zeroForms, form(mnemonic, "s,t,p")];
const csrImmediate = (alias: string, mnemonic: string) => [form(alias, "E,Z", { rd: 0 }), form(mnemonic, "d,E,Z")];

/** 32-bit encodings, keyed by encoding-table.ts names. */
export const forms32: Readonly<Record<string, readonly DisassemblyForm[]>> = {
  lui: plain("lui", "d,u"),
  auipc: plain("auipc", "d,u"),
  jal: [form("j", "a", { rd: 0 }), form("jal", "a", { rd: 1 }), form("jal", "d,a")],
  jalr: [
    form("ret", "", { rd: 0, rs1: 1, immediate: 0 }),
    form("jr", "s", { rd: 0, immediate: 0 }),
    form("jr", "o(s)", { rd: 0 }),
    form("jalr", "s", { rd: 1, immediate: 0 }),
    form("jalr", "o(s)", { rd: 1 }),
    form("jalr", "d,s", { immediate: 0 }),
    form("jalr", "d,o(s)"),
  ],
  beq: branch("beq", form("beqz", "s,p", { rs2: 0 })),
  bne: branch("bne", form("bnez", "s,p", { rs2: 0 })),
  blt: branch("blt", form("bltz", "s,p", { rs2: 0 }), form("bgtz", "t,p", { rs1: 0 })),
  bge: branch("bge", form("blez", "t,p", { rs1: 0 }), form("bgez", "s,p", { rs2: 0 })),
  bltu: branch("bltu"),
  bgeu: branch("bgeu"),
  lb: load("lb"), lh: load("lh"), lw: load("lw"), ld: load("ld"), lbu: load("lbu"), lhu: load("lhu"), lwu: load("lwu"),
  sb: store("sb"), sh: store("sh"), sw: store("sw"), sd: store("sd"),
  addi: [
    form("nop", "", { rd: 0, rs1: 0, immediate: 0 }),
    form("li", "d,j", { rs1: 0 }),
    form("mv", "d,s", { immediate: 0 }),
    form("add", "d,s,j"),
  ],
  slti: plain("slti", "d,s,j"),
  sltiu: [form("seqz", "d,s", { immediate: 1 }), form("sltiu", "d,s,j")],
  xori: [form("not", "d,s", { immediate: -1 }), form("xor", "d,s,j")],
  ori: plain("or", "d,s,j"),
  andi: [form("zext.b", "d,s", { immediate: 255 }), form("and", "d,s,j")],
  slli: plain("sll", "d,s,>"),
  srli: plain("srl", "d,s,>"),
  srai: plain("sra", "d,s,>"),
  addiw: [form("sext.w", "d,s", { immediate: 0 }), form("addw", "d,s,j")],
  slliw: plain("sllw", "d,s,>"),
  srliw: plain("srlw", "d,s,>"),
  sraiw: plain("sraw", "d,s,>"),
  add: rType("add"),
  sub: [form("neg", "d,t", { rs1: 0 }), form("sub", "d,s,t")],
  sll: rType("sll"),
  slt: [form("sltz", "d,s", { rs2: 0 }), form("sgtz", "d,t", { rs1: 0 }), form("slt", "d,s,t")],
  sltu: [form("snez", "d,t", { rs1: 0 }), form("sltu", "d,s,t")],
  xor: rType("xor"),
  srl: rType("srl"),
  sra: rType("sra"),
  or: rType("or"),
  and: rType("and"),
  addw: rType("addw"),
  subw: [form("negw", "d,t", { rs1: 0 }), form("subw", "d,s,t")],
  sllw: rType("sllw"),
  srlw: rType("srlw"),
  sraw: rType("sraw"),
  fence: [
    form("fence", "", { pred: 15, succ: 15, fm: 0, rd: 0, rs1: 0 }),
    form("fence", "P,Q", { fm: 0, rd: 0, rs1: 0 }),
    form("fence.tso", "", { fm: 8, pred: 3, succ: 3, rd: 0, rs1: 0 }),
    form(null),
  ],
  "fence.i": [form("fence.i", "", { rd: 0, rs1: 0, fm: 0, pred: 0, succ: 0 }), form(null)],
  ecall: plain("ecall"),
  ebreak: plain("ebreak"),
  mul: rType("mul"), mulh: rType("mulh"), mulhsu: rType("mulhsu"), mulhu: rType("mulhu"),
  div: rType("div"), divu: rType("divu"), rem: rType("rem"), remu: rType("remu"),
  mulw: rType("mulw"), divw: rType("divw"), divuw: rType("divuw"), remw: rType("remw"), remuw: rType("remuw"),
  ...Object.fromEntries(
    ["lr", "sc", "amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax", "amominu", "amomaxu"].flatMap((base) =>
      [".w", ".d"].map((width) => [base + width, amo(base + width)]),
    ),
  ),
  csrrw: [form("unimp", "", { csr: 0xc00, rd: 0, rs1: 0 }), form("csrw", "E,s", { rd: 0 }), form("csrrw", "d,E,s")],
  csrrs: [
    form("rdcycle", "d", { csr: 0xc00, rs1: 0 }),
    form("rdtime", "d", { csr: 0xc01, rs1: 0 }),
    form("rdinstret", "d", { csr: 0xc02, rs1: 0 }),
    form("csrr", "d,E", { rs1: 0 }),
    form("csrs", "E,s", { rd: 0 }),
    form("csrrs", "d,E,s"),
  ],
  csrrc: [form("csrc", "E,s", { rd: 0 }), form("csrrc", "d,E,s")],
  csrrwi: csrImmediate("csrw", "csrrw"),
  csrrsi: csrImmediate("csrs", "csrrs"),
  csrrci: csrImmediate("csrc", "csrrc"),
  sret: plain("sret"),
  mret: plain("mret"),
  wfi: plain("wfi"),
  "sfence.vma": [form("sfence.vma", "", { rs1: 0, rs2: 0 }), form("sfence.vma", "s", { rs2: 0 }), form("sfence.vma", "s,t")],
  // The H extension (binutils: "d,0(s)" and "t,0(s)" print like lr/sc's "(s)").
  "hfence.vvma": [form("hfence.vvma", "", { rs1: 0, rs2: 0 }), form("hfence.vvma", "s", { rs2: 0 }), form("hfence.vvma", "s,t")],
  "hfence.gvma": [form("hfence.gvma", "", { rs1: 0, rs2: 0 }), form("hfence.gvma", "s", { rs2: 0 }), form("hfence.gvma", "s,t")],
  ...Object.fromEntries(["hlv.b", "hlv.bu", "hlv.h", "hlv.hu", "hlvx.hu", "hlv.w", "hlv.wu", "hlvx.wu", "hlv.d"].map((name) => [name, plain(name, "d,(s)")])),
  ...Object.fromEntries(["hsv.b", "hsv.h", "hsv.w", "hsv.d"].map((name) => [name, plain(name, "t,(s)")])),
};

/**
 * Compressed encodings, keyed by compressed-table.ts names. Operands name
 * the fields of the base instruction the encoding expands to. objdump
 * shows most of them under the base (or an alias) mnemonic and keeps the
 * c.* name only for hints (rd = x0, shift by 0).
 */
export const forms16: Readonly<Record<string, readonly DisassemblyForm[]>> = {
  "c.addi4spn": plain("add", "d,s,k"),
  "c.lw": plain("lw", "d,k(s)"),
  "c.ld": plain("ld", "d,k(s)"),
  "c.sw": plain("sw", "t,k(s)"),
  "c.sd": plain("sd", "t,k(s)"),
  "c.addi": [form("nop", "", { rd: 0, immediate: 0 }), form("c.nop", "k", { rd: 0 }), form("add", "d,s,c")],
  "c.addiw": [form("sext.w", "d,s", { immediate: 0 }), form("addw", "d,s,c")],
  "c.li": [form("c.li", "d,k", { rd: 0 }), form("li", "d,k")],
  "c.addi16sp": plain("add", "d,s,k"),
  "c.lui": [form("c.lui", "d,u", { rd: 0 }), form("lui", "d,u")],
  "c.srli": [form("c.srli64", "d", { immediate: 0 }), form("srl", "d,s,>")],
  "c.srai": [form("c.srai64", "d", { immediate: 0 }), form("sra", "d,s,>")],
  "c.andi": plain("and", "d,s,k"),
  "c.sub": rType("sub"),
  "c.xor": rType("xor"),
  "c.or": rType("or"),
  "c.and": rType("and"),
  "c.subw": rType("subw"),
  "c.addw": rType("addw"),
  "c.j": plain("j", "a"),
  "c.beqz": plain("beqz", "s,p"),
  "c.bnez": plain("bnez", "s,p"),
  "c.slli": [form("c.slli64", "d", { immediate: 0 }), form("c.slli", "d,>", { rd: 0 }), form("sll", "d,s,>")],
  "c.lwsp": plain("lw", "d,k(s)"),
  "c.ldsp": plain("ld", "d,k(s)"),
  "c.ebreak": plain("ebreak"),
  "c.jr": [form("ret", "", { rs1: 1 }), form("jr", "s")],
  "c.mv": [form("c.mv", "d,t", { rd: 0 }), form("mv", "d,t")],
  "c.jalr": plain("jalr", "s"),
  "c.add": [form("c.add", "d,t", { rd: 0 }), form("add", "d,s,t")],
  "c.swsp": plain("sw", "t,k(s)"),
  "c.sdsp": plain("sd", "t,k(s)"),
};

/** Encodings our decoder rejects but objdump names (the all-zero halfword is the defined illegal instruction; objdump shows a reserved c.addi16sp as add). */
export const reservedForms16: ReadonlyMap<number, string> = new Map([
  [0x0000, "unimp"],
  [0x6101, "add sp,sp,0"], // c.addi16sp with a zero immediate (reserved)
]);

/** ABI register names. */
export const abiRegisterNames: readonly string[] = [
  "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
  "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
];

/** Fence predecessor/successor sets by their 4 bits (i o r w); 0 has no name. */
export const fenceSets: readonly string[] = [
  "unknown", "w", "r", "rw", "o", "ow", "or", "orw", "i", "iw", "ir", "irw", "io", "iow", "ior", "iorw",
];

/** Ordering suffixes by the aq/rl bits (aq = 2, rl = 1). */
export const orderingSuffixes: readonly string[] = ["", ".rl", ".aq", ".aqrl"];
