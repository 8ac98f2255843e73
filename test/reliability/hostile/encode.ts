/**
 * Just enough of an assembler to write hostile guests in TypeScript: the
 * RV64I formats, `li` for any 64-bit constant, and a program builder with
 * labels. The hostile suite must run without the cross toolchain, so the
 * guests are built here, every word known.
 */
const R = (funct7: number, rs2: number, rs1: number, funct3: number, rd: number, opcode: number): number =>
  ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
const I = (imm: number, rs1: number, funct3: number, rd: number, opcode: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
const S = (imm: number, rs2: number, rs1: number, funct3: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((imm & 0x1f) << 7) | 0x23) >>> 0;
const B = (offset: number, rs2: number, rs1: number, funct3: number): number =>
  ((((offset >> 12) & 1) << 31) | (((offset >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) |
    (((offset >> 1) & 0xf) << 8) | (((offset >> 11) & 1) << 7) | 0x63) >>> 0;
const J = (offset: number, rd: number): number =>
  ((((offset >> 20) & 1) << 31) | (((offset >> 1) & 0x3ff) << 21) | (((offset >> 11) & 1) << 20) | (((offset >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;

/** ABI register numbers used by the hostile guests. */
export const reg = { zero: 0, ra: 1, sp: 2, t0: 5, t1: 6, t2: 7, a0: 10, a1: 11, a2: 12, a3: 13 } as const;

export const csr = {
  mstatus: 0x300, mie: 0x304, mtvec: 0x305, mepc: 0x341, mcause: 0x342,
  sstatus: 0x100, sie: 0x104, stvec: 0x105, sepc: 0x141, satp: 0x180,
} as const;

export const op = {
  addi: (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x13),
  slli: (rd: number, rs1: number, shamt: number) => I(shamt & 0x3f, rs1, 1, rd, 0x13),
  add: (rd: number, rs1: number, rs2: number) => R(0, rs2, rs1, 0, rd, 0x33),
  xor: (rd: number, rs1: number, rs2: number) => R(0, rs2, rs1, 4, rd, 0x33),
  mul: (rd: number, rs1: number, rs2: number) => R(1, rs2, rs1, 0, rd, 0x33),
  lui: (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0,
  auipc: (rd: number, imm20: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0,
  lb: (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x03),
  lw: (rd: number, rs1: number, imm: number) => I(imm, rs1, 2, rd, 0x03),
  ld: (rd: number, rs1: number, imm: number) => I(imm, rs1, 3, rd, 0x03),
  sb: (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 0),
  sh: (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 1),
  sw: (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 2),
  sd: (rs2: number, rs1: number, imm: number) => S(imm, rs2, rs1, 3),
  /** amoadd.w rd, rs2, (rs1) */
  amoaddw: (rd: number, rs2: number, rs1: number) => R(0, rs2, rs1, 2, rd, 0x2f),
  /** lr.d rd, (rs1) */
  lrd: (rd: number, rs1: number) => R(0b0001000, 0, rs1, 3, rd, 0x2f),
  jalr: (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x67),
  csrw: (address: number, rs1: number) => I(address, rs1, 1, 0, 0x73),
  csrr: (rd: number, address: number) => I(address, 0, 2, rd, 0x73),
  csrs: (address: number, rs1: number) => I(address, rs1, 2, 0, 0x73),
  ecall: 0x00000073,
  ebreak: 0x00100073,
  mret: 0x30200073,
  sret: 0x10200073,
  wfi: 0x10500073,
  fenceI: 0x0000100f,
  sfenceVma: 0x12000073,
  nop: 0x00000013,
};

/** A program at a base address: words and labels, branches resolved when built. */
export class Program {
  private readonly words: (number | (() => number))[] = [];
  private readonly labels = new Map<string, number>();

  constructor(readonly base: bigint) {}

  get here(): number {
    return this.words.length * 4;
  }

  label(name: string): this {
    this.labels.set(name, this.here);
    return this;
  }

  emit(...words: number[]): this {
    this.words.push(...words);
    return this;
  }

  /** rd = value (lui/addi/slli chain, like the assembler's li). */
  li(rd: number, value: bigint): this {
    const v = BigInt.asIntN(64, value);
    if (v >= -2048n && v < 2048n) return this.emit(op.addi(rd, 0, Number(v)));
    if (v >= -(1n << 31n) && v < 1n << 31n) {
      const n = Number(v);
      const low = ((n & 0xfff) << 20) >> 20;
      const high = ((n - low) >>> 12) & 0xfffff;
      this.emit(op.lui(rd, high));
      return low === 0 ? this : this.emit(I(low, rd, 0, rd, 0x1b)); // addiw keeps the 32-bit sign extension
    }
    // As the assembler does: the value without its low 12 bits, shifted in, plus the low 12 bits.
    const low = BigInt(signed12(Number(v & 0xfffn)));
    this.li(rd, (v - low) >> 12n);
    return this.emit(op.slli(rd, rd, 12), op.addi(rd, rd, Number(low)));
  }

  /** Stores a 32-bit value to an absolute address (t0, t1 scratch). */
  store32(address: bigint, value: number): this {
    return this.li(reg.t0, address).li(reg.t1, BigInt(value | 0)).emit(op.sw(reg.t1, reg.t0, 0));
  }

  /** Stores a 64-bit value to an absolute address (t0, t1 scratch). */
  store64(address: bigint, value: bigint): this {
    return this.li(reg.t0, address).li(reg.t1, value).emit(op.sd(reg.t1, reg.t0, 0));
  }

  /** rd = address of a label (auipc + addi, resolved when built). */
  la(rd: number, name: string): this {
    const at = this.here;
    this.words.push(() => op.auipc(rd, (this.offsetTo(name, at) + 0x800) >> 12));
    this.words.push(() => op.addi(rd, rd, this.offsetTo(name, at) & 0xfff));
    return this;
  }

  jump(name: string): this {
    const at = this.here;
    this.words.push(() => J(this.offsetTo(name, at), 0));
    return this;
  }

  /** bne rs1, rs2, label */
  bne(rs1: number, rs2: number, name: string): this {
    const at = this.here;
    this.words.push(() => B(this.offsetTo(name, at), rs2, rs1, 1));
    return this;
  }

  private offsetTo(name: string, from: number): number {
    const target = this.labels.get(name);
    if (target === undefined) throw new Error(`hostile guest: no label ${name}`);
    return target - from;
  }

  /** Little-endian bytes of the program, padded with `padding` more random-or-zero bytes when given. */
  bytes(padding?: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.words.length * 4 + (padding?.length ?? 0));
    const view = new DataView(out.buffer);
    this.words.forEach((word, i) => view.setUint32(i * 4, typeof word === "function" ? word() : word, true));
    if (padding) out.set(padding, this.words.length * 4);
    return out;
  }
}

function signed12(value: number): number {
  return (value << 20) >> 20;
}

/** A small deterministic generator (xorshift32) so a failing program can be rebuilt from its seed. */
export function randomBytes(seed: number, length: number): Uint8Array {
  let state = seed >>> 0 || 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const word = state >>> 0;
    for (let b = 0; b < 4 && i + b < length; b++) out[i + b] = (word >>> (8 * b)) & 0xff;
  }
  return out;
}
