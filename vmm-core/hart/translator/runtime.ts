/**
 * Helpers the generated blocks call (as `X.name`) for operations too long
 * to inline: 64-bit multiply and variable shifts on 32-bit halves, and the
 * 32-bit divisions with the M extension's results for division by zero and
 * overflow (the same as isa/rv64m.ts). 64-bit operands come as int32
 * halves; a 64-bit result's low half is returned, its high half left in
 * `runtime.high`. And the slow paths of loads and stores, kept out of the
 * generated code: its size is what TurboFan's compile time grows with.
 */
import type { Hart } from "../hart";
import { pcHigh as pcHighSlot, pcLow as pcLowSlot } from "./source";

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

/** What the slow paths need of the region: whether its code is still valid (a store may have dropped it). */
interface Validity {
  readonly valid: boolean;
}

/** The TLB generation to go on with after a slow path, or -1: leave the region (its code dropped, an interrupt check, WFI or a stop requested). */
function after(h: Hart, region: Validity): number {
  return !region.valid || h.interruptCheck || h.waiting || h.stopRequested ? -1 : h.tlb.generation;
}

export const runtime = {
  /**
   * A load's slow path (a TLB miss, a device, a page crossing, a fault):
   * instret and the pc made exact (the operand registers were written
   * back by the caller), then the TLB's own load into r32.
   */
  load(h: Hart, region: Validity, instret: number, pcLow: number, pcHigh: number, rd: number, rs1: number, offset: number, size: 1 | 2 | 4 | 8, signed: boolean): number {
    h.instret = instret;
    h.r32[pcLowSlot] = pcLow;
    h.r32[pcHighSlot] = pcHigh;
    h.tlb.loadInto(rd, rs1, offset, size, signed);
    return after(h, region);
  },
  /** A store's slow path, as load's. */
  store(h: Hart, region: Validity, instret: number, pcLow: number, pcHigh: number, rs2: number, rs1: number, offset: number, size: 1 | 2 | 4 | 8): number {
    h.instret = instret;
    h.r32[pcLowSlot] = pcLow;
    h.r32[pcHighSlot] = pcHigh;
    h.tlb.storeFrom(rs2, rs1, offset, size);
    return after(h, region);
  },
  /** The high half of the last mul/shift result (the low half is returned): no array or object per call. */
  high: 0,
  /** Low 64 bits of a * b. */
  mul(a0: number, a1: number, b0: number, b1: number): number {
    runtime.high = (multiplyHighUnsigned(a0, b0) + Math.imul(a0, b1) + Math.imul(a1, b0)) | 0;
    return Math.imul(a0, b0);
  },
  sll(a0: number, a1: number, b0: number, _b1: number): number {
    const s = b0 & 63;
    if (s === 0) {
      runtime.high = a1;
      return a0;
    }
    if (s < 32) {
      runtime.high = (a1 << s) | (a0 >>> (32 - s));
      return a0 << s;
    }
    runtime.high = a0 << (s - 32);
    return 0;
  },
  srl(a0: number, a1: number, b0: number, _b1: number): number {
    const s = b0 & 63;
    if (s === 0) {
      runtime.high = a1;
      return a0;
    }
    if (s < 32) {
      runtime.high = (a1 >>> s) | 0;
      return (a0 >>> s) | (a1 << (32 - s));
    }
    runtime.high = 0;
    return (a1 >>> (s - 32)) | 0;
  },
  sra(a0: number, a1: number, b0: number, _b1: number): number {
    const s = b0 & 63;
    if (s === 0) {
      runtime.high = a1;
      return a0;
    }
    if (s < 32) {
      runtime.high = a1 >> s;
      return (a0 >>> s) | (a1 << (32 - s));
    }
    runtime.high = a1 >> 31;
    return a1 >> (s - 32);
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
