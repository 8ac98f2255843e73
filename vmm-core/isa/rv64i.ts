/**
 * RV64I semantics, one small handler per instruction (QEMU's
 * trans_rvi.c.inc). Registers are signed 64-bit bigints; the 32-bit "W"
 * forms work on the low halves as numbers, which avoids bigint arithmetic.
 */
import type { Handler } from "./decoded";
import { PC, type Hart } from "../hart/hart";
import { Exception } from "../hart/trap";

const s64 = (value: bigint): bigint => BigInt.asIntN(64, value);
const u64 = (value: bigint): bigint => BigInt.asUintN(64, value);
/** Unsigned a < b on signed 64-bit values. */
const unsignedLess = (a: bigint, b: bigint): boolean => ((a < 0n) !== (b < 0n) ? a >= 0n : a < b);

/** pc += offset for a taken branch. */
function jumpBy(h: Hart, offset: bigint): true {
  h.r[PC] = s64(h.r[PC] + offset);
  return true;
}

/** Signed a < b on the 32-bit halves of two registers. */
function lessSigned(r32: Int32Array, a: number, b: number): boolean {
  const highA = r32[a * 2 + 1];
  const highB = r32[b * 2 + 1];
  return highA < highB || (highA === highB && r32[a * 2] >>> 0 < r32[b * 2] >>> 0);
}

function lessUnsigned(r32: Int32Array, a: number, b: number): boolean {
  const highA = r32[a * 2 + 1] >>> 0;
  const highB = r32[b * 2 + 1] >>> 0;
  return highA < highB || (highA === highB && r32[a * 2] >>> 0 < r32[b * 2] >>> 0);
}

function equal(r32: Int32Array, a: number, b: number): boolean {
  return r32[a * 2] === r32[b * 2] && r32[a * 2 + 1] === r32[b * 2 + 1];
}

function loadOf(size: 1 | 2 | 4 | 8, signed: boolean): Handler {
  return (h, d) => {
    h.tlb.loadInto(d.destination, d.rs1, d.immediate, size, signed);
  };
}

function storeOf(size: 1 | 2 | 4 | 8): Handler {
  return (h, d) => {
    h.tlb.storeFrom(d.rs2, d.rs1, d.immediate, size);
  };
}

/** Low 32 bits of a register as a signed number (x32 view of the register file). */
const low = (h: { r32: Int32Array }, register: number): number => h.r32[register * 2];

export const rv64iHandlers: Record<string, Handler> = {
  lui: (h, d) => {
    h.r[d.destination] = d.immediateBig;
  },
  auipc: (h, d) => {
    h.r[d.destination] = s64(h.r[PC] + d.immediateBig);
  },
  jal: (h, d) => {
    const r = h.r;
    const pc = r[PC];
    r[d.destination] = s64(pc + d.lengthBig);
    r[PC] = s64(pc + d.immediateBig);
    return true;
  },
  jalr: (h, d) => {
    const r = h.r;
    const target = s64(r[d.rs1] + d.immediateBig) & -2n;
    r[d.destination] = s64(r[PC] + d.lengthBig);
    r[PC] = target;
    return true;
  },
  beq: (h, d) => equal(h.r32, d.rs1, d.rs2) && jumpBy(h, d.immediateBig),
  bne: (h, d) => !equal(h.r32, d.rs1, d.rs2) && jumpBy(h, d.immediateBig),
  blt: (h, d) => lessSigned(h.r32, d.rs1, d.rs2) && jumpBy(h, d.immediateBig),
  bge: (h, d) => !lessSigned(h.r32, d.rs1, d.rs2) && jumpBy(h, d.immediateBig),
  bltu: (h, d) => lessUnsigned(h.r32, d.rs1, d.rs2) && jumpBy(h, d.immediateBig),
  bgeu: (h, d) => !lessUnsigned(h.r32, d.rs1, d.rs2) && jumpBy(h, d.immediateBig),
  lb: loadOf(1, true),
  lh: loadOf(2, true),
  lw: loadOf(4, true),
  ld: loadOf(8, true),
  lbu: loadOf(1, false),
  lhu: loadOf(2, false),
  lwu: loadOf(4, false),
  sb: storeOf(1),
  sh: storeOf(2),
  sw: storeOf(4),
  sd: storeOf(8),
  addi: (h, d) => {
    h.r[d.destination] = s64(h.r[d.rs1] + d.immediateBig);
  },
  slti: (h, d) => {
    h.r[d.destination] = h.r[d.rs1] < d.immediateBig ? 1n : 0n;
  },
  sltiu: (h, d) => {
    h.r[d.destination] = unsignedLess(h.r[d.rs1], d.immediateBig) ? 1n : 0n;
  },
  xori: (h, d) => {
    h.r[d.destination] = h.r[d.rs1] ^ d.immediateBig;
  },
  ori: (h, d) => {
    h.r[d.destination] = h.r[d.rs1] | d.immediateBig;
  },
  andi: (h, d) => {
    h.r[d.destination] = h.r[d.rs1] & d.immediateBig;
  },
  slli: (h, d) => {
    h.r[d.destination] = s64(h.r[d.rs1] << d.immediateBig);
  },
  srli: (h, d) => {
    h.r[d.destination] = s64(u64(h.r[d.rs1]) >> d.immediateBig);
  },
  srai: (h, d) => {
    h.r[d.destination] = h.r[d.rs1] >> d.immediateBig;
  },
  addiw: (h, d) => {
    h.r[d.destination] = BigInt((low(h, d.rs1) + d.immediate) | 0);
  },
  slliw: (h, d) => {
    h.r[d.destination] = BigInt(low(h, d.rs1) << d.immediate);
  },
  srliw: (h, d) => {
    h.r[d.destination] = BigInt((low(h, d.rs1) >>> d.immediate) | 0);
  },
  sraiw: (h, d) => {
    h.r[d.destination] = BigInt(low(h, d.rs1) >> d.immediate);
  },
  add: (h, d) => {
    h.r[d.destination] = s64(h.r[d.rs1] + h.r[d.rs2]);
  },
  sub: (h, d) => {
    h.r[d.destination] = s64(h.r[d.rs1] - h.r[d.rs2]);
  },
  sll: (h, d) => {
    h.r[d.destination] = s64(h.r[d.rs1] << BigInt(low(h, d.rs2) & 63));
  },
  slt: (h, d) => {
    h.r[d.destination] = h.r[d.rs1] < h.r[d.rs2] ? 1n : 0n;
  },
  sltu: (h, d) => {
    h.r[d.destination] = unsignedLess(h.r[d.rs1], h.r[d.rs2]) ? 1n : 0n;
  },
  xor: (h, d) => {
    h.r[d.destination] = h.r[d.rs1] ^ h.r[d.rs2];
  },
  srl: (h, d) => {
    h.r[d.destination] = s64(u64(h.r[d.rs1]) >> BigInt(low(h, d.rs2) & 63));
  },
  sra: (h, d) => {
    h.r[d.destination] = h.r[d.rs1] >> BigInt(low(h, d.rs2) & 63);
  },
  or: (h, d) => {
    h.r[d.destination] = h.r[d.rs1] | h.r[d.rs2];
  },
  and: (h, d) => {
    h.r[d.destination] = h.r[d.rs1] & h.r[d.rs2];
  },
  addw: (h, d) => {
    h.r[d.destination] = BigInt((low(h, d.rs1) + low(h, d.rs2)) | 0);
  },
  subw: (h, d) => {
    h.r[d.destination] = BigInt((low(h, d.rs1) - low(h, d.rs2)) | 0);
  },
  sllw: (h, d) => {
    h.r[d.destination] = BigInt(low(h, d.rs1) << (low(h, d.rs2) & 31));
  },
  srlw: (h, d) => {
    h.r[d.destination] = BigInt((low(h, d.rs1) >>> (low(h, d.rs2) & 31)) | 0);
  },
  sraw: (h, d) => {
    h.r[d.destination] = BigInt(low(h, d.rs1) >> (low(h, d.rs2) & 31));
  },
  // Memory ordering is trivially satisfied by a sequential emulator.
  fence: () => {},
  // Stores to cached code are detected exactly, so FENCE.I has nothing left to do.
  "fence.i": () => {},
  ecall: (h) =>
    h.raise(
      h.priv === 0
        ? Exception.environmentCallFromU
        : h.priv === 1
          ? h.virt
            ? Exception.environmentCallFromVS
            : Exception.environmentCallFromS
          : Exception.environmentCallFromM,
      0n,
    ),
  ebreak: (h) => h.raise(Exception.breakpoint, 0n),
};
