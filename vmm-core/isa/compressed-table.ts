/**
 * RVC (the C extension, RV64) as data: each 16-bit encoding with the base
 * instruction it expands to (QEMU's insn16.decode does the same mapping).
 * `expand` returns undefined for reserved encodings, which are illegal.
 */
export interface Expansion {
  base: string;
  rd: number;
  rs1: number;
  rs2: number;
  immediate: number;
}

export interface CompressedEncoding {
  name: string;
  mask: number;
  match: number;
  expand(h: number): Expansion | undefined;
}

const bit = (h: number, i: number): number => (h >>> i) & 1;
const bits = (h: number, hi: number, lo: number): number => (h >>> lo) & ((1 << (hi - lo + 1)) - 1);
const signExtend = (value: number, width: number): number => (value << (32 - width)) >> (32 - width);
/** The 3-bit register fields name x8..x15. */
const rPrime = (field: number): number => 8 + field;

const rdFull = (h: number) => bits(h, 11, 7);
const rs2Full = (h: number) => bits(h, 6, 2);
const rdPrime = (h: number) => rPrime(bits(h, 4, 2));
const rs1Prime = (h: number) => rPrime(bits(h, 9, 7));

const ciImmediate = (h: number) => signExtend((bit(h, 12) << 5) | bits(h, 6, 2), 6);
const ciShift = (h: number) => (bit(h, 12) << 5) | bits(h, 6, 2);
const lwImmediate = (h: number) => (bits(h, 12, 10) << 3) | (bit(h, 6) << 2) | (bit(h, 5) << 6);
const ldImmediate = (h: number) => (bits(h, 12, 10) << 3) | (bits(h, 6, 5) << 6);
const jImmediate = (h: number) =>
  signExtend(
    (bit(h, 12) << 11) | (bit(h, 11) << 4) | (bits(h, 10, 9) << 8) | (bit(h, 8) << 10) | (bit(h, 7) << 6) | (bit(h, 6) << 7) | (bits(h, 5, 3) << 1) | (bit(h, 2) << 5),
    12,
  );
const bImmediate = (h: number) =>
  signExtend((bit(h, 12) << 8) | (bits(h, 11, 10) << 3) | (bits(h, 6, 5) << 6) | (bits(h, 4, 3) << 1) | (bit(h, 2) << 5), 9);

function x(base: string, rd: number, rs1: number, rs2: number, immediate: number): Expansion {
  return { base, rd, rs1, rs2, immediate };
}

function row(name: string, mask: number, match: number, expand: (h: number) => Expansion | undefined): CompressedEncoding {
  return { name, mask, match, expand };
}

const Q = 0xe003; // funct3 + quadrant

export const compressedEncodings: readonly CompressedEncoding[] = [
  // Quadrant 0
  row("c.addi4spn", Q, 0x0000, (h) => {
    const imm = (bits(h, 12, 11) << 4) | (bits(h, 10, 7) << 6) | (bit(h, 6) << 2) | (bit(h, 5) << 3);
    return imm === 0 ? undefined : x("addi", rdPrime(h), 2, 0, imm);
  }),
  row("c.lw", Q, 0x4000, (h) => x("lw", rdPrime(h), rs1Prime(h), 0, lwImmediate(h))),
  row("c.ld", Q, 0x6000, (h) => x("ld", rdPrime(h), rs1Prime(h), 0, ldImmediate(h))),
  row("c.sw", Q, 0xc000, (h) => x("sw", 0, rs1Prime(h), rdPrime(h), lwImmediate(h))),
  row("c.sd", Q, 0xe000, (h) => x("sd", 0, rs1Prime(h), rdPrime(h), ldImmediate(h))),
  // Quadrant 1
  row("c.addi", Q, 0x0001, (h) => x("addi", rdFull(h), rdFull(h), 0, ciImmediate(h))),
  row("c.addiw", Q, 0x2001, (h) => (rdFull(h) === 0 ? undefined : x("addiw", rdFull(h), rdFull(h), 0, ciImmediate(h)))),
  row("c.li", Q, 0x4001, (h) => x("addi", rdFull(h), 0, 0, ciImmediate(h))),
  row("c.addi16sp", 0xef83, 0x6101, (h) => {
    const imm = signExtend((bit(h, 12) << 9) | (bit(h, 6) << 4) | (bit(h, 5) << 6) | (bits(h, 4, 3) << 7) | (bit(h, 2) << 5), 10);
    return imm === 0 ? undefined : x("addi", 2, 2, 0, imm);
  }),
  row("c.lui", Q, 0x6001, (h) => {
    const imm = ciImmediate(h) << 12;
    return imm === 0 ? undefined : x("lui", rdFull(h), 0, 0, imm);
  }),
  row("c.srli", 0xec03, 0x8001, (h) => x("srli", rs1Prime(h), rs1Prime(h), 0, ciShift(h))),
  row("c.srai", 0xec03, 0x8401, (h) => x("srai", rs1Prime(h), rs1Prime(h), 0, ciShift(h))),
  row("c.andi", 0xec03, 0x8801, (h) => x("andi", rs1Prime(h), rs1Prime(h), 0, ciImmediate(h))),
  row("c.sub", 0xfc63, 0x8c01, (h) => x("sub", rs1Prime(h), rs1Prime(h), rdPrime(h), 0)),
  row("c.xor", 0xfc63, 0x8c21, (h) => x("xor", rs1Prime(h), rs1Prime(h), rdPrime(h), 0)),
  row("c.or", 0xfc63, 0x8c41, (h) => x("or", rs1Prime(h), rs1Prime(h), rdPrime(h), 0)),
  row("c.and", 0xfc63, 0x8c61, (h) => x("and", rs1Prime(h), rs1Prime(h), rdPrime(h), 0)),
  row("c.subw", 0xfc63, 0x9c01, (h) => x("subw", rs1Prime(h), rs1Prime(h), rdPrime(h), 0)),
  row("c.addw", 0xfc63, 0x9c21, (h) => x("addw", rs1Prime(h), rs1Prime(h), rdPrime(h), 0)),
  row("c.j", Q, 0xa001, (h) => x("jal", 0, 0, 0, jImmediate(h))),
  row("c.beqz", Q, 0xc001, (h) => x("beq", 0, rs1Prime(h), 0, bImmediate(h))),
  row("c.bnez", Q, 0xe001, (h) => x("bne", 0, rs1Prime(h), 0, bImmediate(h))),
  // Quadrant 2
  row("c.slli", Q, 0x0002, (h) => x("slli", rdFull(h), rdFull(h), 0, ciShift(h))),
  row("c.lwsp", Q, 0x4002, (h) =>
    rdFull(h) === 0 ? undefined : x("lw", rdFull(h), 2, 0, (bit(h, 12) << 5) | (bits(h, 6, 4) << 2) | (bits(h, 3, 2) << 6)),
  ),
  row("c.ldsp", Q, 0x6002, (h) =>
    rdFull(h) === 0 ? undefined : x("ld", rdFull(h), 2, 0, (bit(h, 12) << 5) | (bits(h, 6, 5) << 3) | (bits(h, 4, 2) << 6)),
  ),
  row("c.ebreak", 0xffff, 0x9002, () => x("ebreak", 0, 0, 0, 0)),
  row("c.jr", 0xf07f, 0x8002, (h) => (rdFull(h) === 0 ? undefined : x("jalr", 0, rdFull(h), 0, 0))),
  row("c.mv", 0xf003, 0x8002, (h) => x("add", rdFull(h), 0, rs2Full(h), 0)),
  row("c.jalr", 0xf07f, 0x9002, (h) => x("jalr", 1, rdFull(h), 0, 0)),
  row("c.add", 0xf003, 0x9002, (h) => x("add", rdFull(h), rdFull(h), rs2Full(h), 0)),
  row("c.swsp", Q, 0xc002, (h) => x("sw", 0, 2, rs2Full(h), (bits(h, 12, 9) << 2) | (bits(h, 8, 7) << 6))),
  row("c.sdsp", Q, 0xe002, (h) => x("sd", 0, 2, rs2Full(h), (bits(h, 12, 10) << 3) | (bits(h, 9, 7) << 6))),
];
