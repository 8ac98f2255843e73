/**
 * Helpers the generated blocks call (as `X.name`) for operations too long
 * to inline: 64-bit multiply and variable shifts on 32-bit halves, and the
 * 32-bit divisions with the M extension's results for division by zero and
 * overflow (the same as isa/rv64m.ts). Register arguments are r32 indices
 * of the low halves; x0's slots always hold zero.
 */

/** High 32 bits of the unsigned 64-bit product of two 32-bit values, from 16-bit pieces (exact in doubles). */
function multiplyHighUnsigned(a: number, b: number): number {
  const aLow = a & 0xffff;
  const aHigh = a >>> 16;
  const bLow = b & 0xffff;
  const bHigh = b >>> 16;
  const middle1 = aHigh * bLow + ((aLow * bLow) >>> 16);
  const middle2 = aLow * bHigh + (middle1 & 0xffff);
  return (aHigh * bHigh + (middle1 >>> 16) + (middle2 >>> 16)) | 0;
}

export const runtime = {
  /** Low 64 bits of x[a] * x[b]. */
  mul(r32: Int32Array, d: number, a: number, b: number): void {
    const a0 = r32[a];
    const a1 = r32[a + 1];
    const b0 = r32[b];
    const b1 = r32[b + 1];
    const upper = (multiplyHighUnsigned(a0, b0) + Math.imul(a0, b1) + Math.imul(a1, b0)) | 0;
    r32[d] = Math.imul(a0, b0);
    r32[d + 1] = upper;
  },
  sll(r32: Int32Array, d: number, a: number, b: number): void {
    const s = r32[b] & 63;
    const a0 = r32[a];
    const a1 = r32[a + 1];
    if (s === 0) {
      r32[d] = a0;
      r32[d + 1] = a1;
    } else if (s < 32) {
      r32[d] = a0 << s;
      r32[d + 1] = (a1 << s) | (a0 >>> (32 - s));
    } else {
      r32[d] = 0;
      r32[d + 1] = a0 << (s - 32);
    }
  },
  srl(r32: Int32Array, d: number, a: number, b: number): void {
    const s = r32[b] & 63;
    const a0 = r32[a];
    const a1 = r32[a + 1];
    if (s === 0) {
      r32[d] = a0;
      r32[d + 1] = a1;
    } else if (s < 32) {
      r32[d] = (a0 >>> s) | (a1 << (32 - s));
      r32[d + 1] = a1 >>> s;
    } else {
      r32[d] = a1 >>> (s - 32);
      r32[d + 1] = 0;
    }
  },
  sra(r32: Int32Array, d: number, a: number, b: number): void {
    const s = r32[b] & 63;
    const a0 = r32[a];
    const a1 = r32[a + 1];
    if (s === 0) {
      r32[d] = a0;
      r32[d + 1] = a1;
    } else if (s < 32) {
      r32[d] = (a0 >>> s) | (a1 << (32 - s));
      r32[d + 1] = a1 >> s;
    } else {
      r32[d] = a1 >> (s - 32);
      r32[d + 1] = a1 >> 31;
    }
  },
  divw(a: number, b: number): number {
    return b === 0 ? -1 : a === -0x8000_0000 && b === -1 ? a : (a / b) | 0;
  },
  divuw(a: number, b: number): number {
    return b === 0 ? -1 : Math.floor((a >>> 0) / (b >>> 0)) | 0;
  },
  remw(a: number, b: number): number {
    return b === 0 ? a : a === -0x8000_0000 && b === -1 ? 0 : (a % b) | 0;
  },
  remuw(a: number, b: number): number {
    return b === 0 ? a : ((a >>> 0) % (b >>> 0)) | 0;
  },
};

export type Runtime = typeof runtime;
