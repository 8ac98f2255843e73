/** The M extension: multiply and divide, with the spec's results for division by zero and overflow. */
import type { Handler } from "./decoded";

const s64 = (value: bigint): bigint => BigInt.asIntN(64, value);
const u64 = (value: bigint): bigint => BigInt.asUintN(64, value);
const minimum = -(1n << 63n);
const low = (h: { r32: Int32Array }, register: number): number => h.r32[register * 2];

export const rv64mHandlers: Record<string, Handler> = {
  mul: (h, d) => {
    h.r[d.destination] = s64(h.r[d.rs1] * h.r[d.rs2]);
  },
  mulh: (h, d) => {
    h.r[d.destination] = s64((h.r[d.rs1] * h.r[d.rs2]) >> 64n);
  },
  mulhsu: (h, d) => {
    h.r[d.destination] = s64((h.r[d.rs1] * u64(h.r[d.rs2])) >> 64n);
  },
  mulhu: (h, d) => {
    h.r[d.destination] = s64((u64(h.r[d.rs1]) * u64(h.r[d.rs2])) >> 64n);
  },
  div: (h, d) => {
    const a = h.r[d.rs1];
    const b = h.r[d.rs2];
    h.r[d.destination] = b === 0n ? -1n : a === minimum && b === -1n ? minimum : a / b;
  },
  divu: (h, d) => {
    const b = u64(h.r[d.rs2]);
    h.r[d.destination] = b === 0n ? -1n : s64(u64(h.r[d.rs1]) / b);
  },
  rem: (h, d) => {
    const a = h.r[d.rs1];
    const b = h.r[d.rs2];
    h.r[d.destination] = b === 0n ? a : a === minimum && b === -1n ? 0n : a % b;
  },
  remu: (h, d) => {
    const a = h.r[d.rs1];
    const b = u64(h.r[d.rs2]);
    h.r[d.destination] = b === 0n ? a : s64(u64(a) % b);
  },
  mulw: (h, d) => {
    h.r[d.destination] = BigInt(Math.imul(low(h, d.rs1), low(h, d.rs2)));
  },
  divw: (h, d) => {
    const a = low(h, d.rs1);
    const b = low(h, d.rs2);
    h.r[d.destination] = BigInt(b === 0 ? -1 : a === -0x8000_0000 && b === -1 ? a : (a / b) | 0);
  },
  divuw: (h, d) => {
    const a = low(h, d.rs1) >>> 0;
    const b = low(h, d.rs2) >>> 0;
    h.r[d.destination] = BigInt(b === 0 ? -1 : Math.floor(a / b) | 0);
  },
  remw: (h, d) => {
    const a = low(h, d.rs1);
    const b = low(h, d.rs2);
    h.r[d.destination] = BigInt(b === 0 ? a : a === -0x8000_0000 && b === -1 ? 0 : (a % b) | 0);
  },
  remuw: (h, d) => {
    const a = low(h, d.rs1) >>> 0;
    const b = low(h, d.rs2) >>> 0;
    h.r[d.destination] = BigInt(b === 0 ? a | 0 : (a % b) | 0);
  },
};
