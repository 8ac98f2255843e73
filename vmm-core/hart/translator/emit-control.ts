/**
 * Branches and jumps: they end a basic block. A conditional branch and a
 * JAL go on inside the region when their target is in it (loops run
 * inside one function call) and leave it otherwise; targets are constants
 * (a region is tied to its virtual address). JALR's target is computed,
 * read before the link register is written (rd may be rs1), and leaves
 * through the region's exit path with it as the pc.
 */
import type { Decoded } from "../../isa/decoded";
import type { Emitter } from "./emit-integer";
import { halves, high, low, writeConstant, type Site } from "./source";

type Condition = (d: Decoded) => string;

const operands = (d: Decoded): string => `a0=${low(d.rs1)};a1=${high(d.rs1)};b0=${low(d.rs2)};b1=${high(d.rs2)};`;
const equal = "(a0===b0&&a1===b1)";
const lessSigned = "(a1<b1||(a1===b1&&(a0>>>0)<(b0>>>0)))";
const lessUnsigned = "((a1>>>0)<(b1>>>0)||(a1===b1&&(a0>>>0)<(b0>>>0)))";

function branch(condition: Condition): Emitter {
  return (d: Decoded, site: Site) => {
    const target = BigInt.asIntN(64, site.pc + BigInt(d.immediate));
    const retired = site.index + 1;
    if (site.followsTaken === true) return `${operands(d)}if(!${condition(d)}){${site.transfer(site.next, retired, false)}}${site.transfer(target, retired, true)}`;
    return `${operands(d)}if(${condition(d)}){${site.transfer(target, retired, false)}}${site.transfer(site.next, retired, true)}`;
  };
}

export const controlEmitters: Record<string, Emitter> = {
  beq: branch(() => equal),
  bne: branch(() => `!${equal}`),
  blt: branch(() => lessSigned),
  bge: branch(() => `!${lessSigned}`),
  bltu: branch(() => lessUnsigned),
  bgeu: branch(() => `!${lessUnsigned}`),
  jal: (d, site) =>
    `${writeConstant(d.rd, BigInt.asIntN(64, site.next))}${site.transfer(BigInt.asIntN(64, site.pc + BigInt(d.immediate)), site.index + 1, true)}`,
  jalr: (d, site) => {
    const adjust = d.immediate < 0 ? "(t<0?-1:0)" : "(t>4294967295?1:0)";
    const retired = site.index + 1;
    const target = `t=(${low(d.rs1)}>>>0)+${d.immediate};a0=(t|0)&-2;a1=(${high(d.rs1)}+${adjust})|0;${writeConstant(d.rd, BigInt.asIntN(64, site.next))}`;
    const leave = `i0+=${retired};pl=a0;ph=a1;break out;`;
    if (site.predicted === undefined) return `${target}${leave}`;
    const [lo, hi] = halves(site.predicted);
    return `${target}if(a0!==${lo}||a1!==${hi}){B.mispredictions++;${leave}}${site.transfer(site.predicted, retired, true)}`;
  },
};

/** Instructions after which a trace is left: where execution goes on is not known, or state changed. */
const leaving = new Set([
  "jalr",
  // Instructions that change privilege, translation, interrupt enables or the counters, or trap.
  "csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci",
  "ecall", "ebreak", "mret", "sret", "wfi", "sfence.vma", "hfence.vvma", "hfence.gvma", "illegal",
]);

/**
 * Whether a trace ends after `d`. A CSR read that writes nothing
 * (CSRRS/CSRRC with rs1 = x0, their immediate forms with 0) changes no
 * state but rd, so the trace goes on: polling loops on time, cycle or
 * instret stay in translated code (the read traps or not, as always).
 */
export function leavesTrace(d: Decoded): boolean {
  if (!leaving.has(d.name)) return false;
  if (d.name === "csrrs" || d.name === "csrrc") return d.rs1 !== 0;
  if (d.name === "csrrsi" || d.name === "csrrci") return d.immediate !== 0;
  return true;
}
