/**
 * Loads and stores with the TLB's hit path inlined (tlb.ts loadInto /
 * storeFrom): the address is computed on 32-bit halves, the entry's tag
 * and generation compared, and the RAM page's DataView accessed directly.
 * A miss, a device, an access crossing a page or a fault goes through the
 * TLB's own methods after the hart's pc, instret and registers were made
 * exact, so a trap is precise and a device reading the clock sees the
 * right time; a load's destination local is read back after it.
 * The store side never holds a page with translated code (the TLB drops
 * such entries), so a store into code always takes the slow path, which
 * drops the code; the block then leaves if it was its own.
 * Hits are counted in a local (k) added to the TLB's counters when the
 * trace leaves, so --stats and compare report the same hits as the
 * interpreter's.
 */
import type { Decoded } from "../../isa/decoded";
import { sinkRegister } from "../../isa/decoded";
import { pageSize } from "../../bus/ram";
import { loadStoreEntries } from "../tlb-set";
import type { Emitter } from "./emit-integer";
import { exitTo, halves, high, low, reloadRegister, spillRegisters, write, type Site } from "./source";

/** The instruction's pc as two int32 arguments. */
const pcOf = (site: Site): string => halves(site.pc).join(",");

type Size = 1 | 2 | 4 | 8;

/** x[rs1] + imm into a1:a0 and the TLB index into b0. */
function address(d: Decoded): string {
  if (d.immediate === 0) return `a0=${low(d.rs1)};a1=${high(d.rs1)};b0=(a0>>>12)&${loadStoreEntries - 1};`;
  const adjust = d.immediate < 0 ? "(t<0?-1:0)" : "(t>4294967295?1:0)";
  const highPart = d.immediate === 0 ? `${high(d.rs1)}` : `(${high(d.rs1)}+${adjust})|0`;
  return `t=(${low(d.rs1)}>>>0)+${d.immediate};a0=t|0;a1=${highPart};b0=(a0>>>12)&${loadStoreEntries - 1};`;
}

function hit(size: Size, side: "R" | "W"): string {
  return `(a0&4095)<=${pageSize - size}&&${side}TL[b0]===(a0&-4096)&&${side}TH[b0]===a1&&${side}G[b0]===G`;
}

function loadValue(d: Decoded, size: Size, signed: boolean): string {
  if (size === 8) return write(d.rd, "V.getInt32(o,true)", "V.getInt32(o+4,true)");
  const read = { 1: signed ? "getInt8(o)" : "getUint8(o)", 2: signed ? "getInt16(o,true)" : "getUint16(o,true)", 4: "getInt32(o,true)" }[size];
  return `t=V.${read};${write(d.rd, "t", signed ? "t>>31" : "0")}`;
}

function loadOf(size: Size, signed: boolean): Emitter {
  return (d: Decoded, site: Site) => {
    const slow = `${spillRegisters([d.rs1])}G=X.load(h,B,i0+${site.index},${pcOf(site)},${d.rd === 0 ? sinkRegister : d.rd},${d.rs1},${d.immediate},${size},${signed});${reloadRegister(d.rd)}if(G<0){${exitTo(site.next, site.index + 1)}}`;
    // A load into x0 still translates its address: only its faults are visible.
    if (d.rd === 0) return `${address(d)}if(${hit(size, "R")}){k++;}else{${slow}}`;
    return `${address(d)}if(${hit(size, "R")}){k++;V=RV[b0];o=a0&4095;${loadValue(d, size, signed)}}else{${slow}}`;
  };
}

function storeOf(size: Size): Emitter {
  return (d: Decoded, site: Site) => {
    const value = low(d.rs2);
    const write =
      size === 8
        ? `V.setInt32(o,${value},true);V.setInt32(o+4,${high(d.rs2)},true);`
        : size === 4
          ? `V.setInt32(o,${value},true);`
          : size === 2
            ? `V.setInt16(o,${value},true);`
            : `V.setInt8(o,${value});`;
    const slow = `${spillRegisters([d.rs1, d.rs2])}G=X.store(h,B,i0+${site.index},${pcOf(site)},${d.rs2},${d.rs1},${d.immediate},${size});if(G<0){${exitTo(site.next, site.index + 1)}}`;
    return `${address(d)}if(${hit(size, "W")}){k++;V=WV[b0];o=a0&4095;${write}}else{${slow}}`;
  };
}

export const memoryEmitters: Record<string, Emitter> = {
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
};
