/**
 * A translated region: the code reachable inside one page from a hot
 * entry point (following branches and jumps both ways, up to a size
 * limit), split into basic blocks and compiled with `new Function` into
 * one JavaScript function whose `switch` has a case per basic block, inside
 * a loop. Control moving between basic blocks of the region stays in the
 * function (a loop in the page runs in one call); leaving it returns to
 * the dispatcher. Before each basic block the remaining budget is checked
 * against its length, so the budget is never overshot. A region is tied to
 * its physical page (dropped when that page is written) and to its virtual
 * page (its pc constants: AUIPC, branch targets, link addresses).
 */
import type { Decoded } from "../../isa/decoded";
import type { Hart } from "../hart";
import type { Tlb } from "../tlb";
import { integerEmitters, type Emitter } from "./emit-integer";
import { memoryEmitters } from "./emit-memory";
import { controlEmitters, leavesTrace } from "./emit-control";
import { runtime } from "./runtime";
import { afterCall, exitTo, setPc, synchronize, type Site } from "./source";

/**
 * Runs the trace with at most `budget`
 * instructions; returns how many it executed (a trap is thrown instead,
 * with the hart's pc and instret exact).
 */
export type RegionFunction = (h: Hart, r32: Int32Array, tlb: Tlb, budget: number) => number;

/**
 * Binary translation's rewrite: instructions named here are first offered
 * to `call` (the monitor's emulation); true means done, pc moved on and the
 * instruction retired; false lets it run (and trap) as usual.
 */
export interface Rewrite {
  names: ReadonlySet<string>;
  call(hart: Hart, instruction: Decoded): boolean;
}

const emitters: Record<string, Emitter> = { ...integerEmitters, ...memoryEmitters, ...controlEmitters };

/**
 * Largest region, in instructions. Regions are traces (one path through
 * the page, a loop back to the entry at most): TurboFan's compile time
 * grows fast with a function's size and paths, and every path taken for
 * the first time after optimization costs a deoptimization (its accesses
 * have no type feedback) and a recompile. Measured on the compute guest:
 * whole-page regions (both branch directions) compiled 10-50× slower and
 * ran slower than traces.
 */
const maximumInstructions = 64;

export interface BasicBlock {
  /** Offset in the page. */
  offset: number;
  instructions: Decoded[];
}

export class Region {
  /** False once the page's code was dropped: the function must not run (again). */
  valid = true;
  readonly run: RegionFunction;

  constructor(
    /** Virtual address of the page. */
    readonly pageBase: bigint,
    readonly blocks: readonly BasicBlock[],
    readonly rewrite?: Rewrite,
  ) {
    this.run = compile(this);
  }
}

/**
 * Finds the trace from `entry` (an offset in the page): straight on
 * through not-taken branches and along JALs inside the page, up to an
 * instruction that leaves (JALR, CSR, system), the page end or the size
 * limit. `decodeAt` gives the instruction at an offset, or undefined where
 * translation must stop (an instruction straddling the page end).
 */
export function discoverTrace(entry: number, decodeAt: (offset: number) => Decoded | undefined): BasicBlock[] {
  const blocks: BasicBlock[] = [];
  let block: BasicBlock = { offset: entry, instructions: [] };
  const visited = new Set<number>();
  let offset = entry;
  let count = 0;
  while (count < maximumInstructions && offset < 0x1000 && !visited.has(offset)) {
    const d = decodeAt(offset);
    if (d === undefined) break;
    visited.add(offset);
    block.instructions.push(d);
    count++;
    if (leavesTrace(d)) break;
    const next = d.name === "jal" ? offset + d.immediate : offset + d.length;
    if (d.name in controlEmitters) {
      blocks.push(block);
      block = { offset: next, instructions: [] };
      if (d.name === "jal" && (next < 0 || next >= 0x1000)) break;
    }
    offset = next;
  }
  if (block.instructions.length > 0) blocks.push(block);
  return blocks;
}

/** A call of the interpreter's handler for an instruction without an emitter (state made exact first). */
function handlerCall(site: Site, leaves: boolean, rewritten: boolean): string {
  const done = `{h.instret++;return i0-I+${site.index + 1};}`;
  const rewrite = rewritten ? `if(R(h,D[${site.handler}])===true)${done}` : "";
  const call = `${synchronize(site)}${rewrite}if(E[${site.handler}](h,D[${site.handler}])===true)${done}`;
  return leaves ? `${call}${exitTo(site.next, site.index + 1)}` : `${call}${afterCall(site)}`;
}

/** The function's source; `decodedList` collects the instructions, which the source refers to by index (D, E). */
export function regionSource(region: Region, decodedList: Decoded[]): string {
  const { blocks, pageBase } = region;
  const start = BigInt.asIntN(64, pageBase + BigInt(blocks[0].offset));
  const total = blocks.reduce((sum, block) => sum + block.instructions.length, 0);
  const body: string[] = [];
  let loops = false;
  // i0 advances at each basic block, so the indexes (and exits) within one are local.
  blocks.forEach((block, current) => {
    const following = blocks[current + 1] === undefined ? undefined : BigInt.asIntN(64, pageBase + BigInt(blocks[current + 1].offset));
    const transfer = (target: bigint, retired: number, last: boolean): string => {
      if (target === start) {
        // Back to the entry: another pass when the budget allows all of it.
        loops = true;
        return `i0+=${retired};if(i0-I+${total}<=L)continue;${setPc(target)}h.instret=i0;return i0-I;`;
      }
      if (last && target === following) return `i0+=${retired};`;
      return exitTo(target, retired);
    };
    let pc = pageBase + BigInt(block.offset);
    block.instructions.forEach((d, index) => {
      const next = BigInt.asIntN(64, pc + BigInt(d.length));
      decodedList.push(d);
      const site: Site = { index, pc: BigInt.asIntN(64, pc), next, transfer, handler: decodedList.length - 1 };
      const emitter = emitters[d.name];
      body.push(emitter ? emitter(d, site) : handlerCall(site, leavesTrace(d), region.rewrite?.names.has(d.name) === true));
      pc = next;
    });
    const last = block.instructions[block.instructions.length - 1];
    // A trace cut by the page end or the size limit goes on to what follows.
    if (!leavesTrace(last) && !(last.name in controlEmitters)) body.push(exitTo(BigInt.asIntN(64, pc), block.instructions.length));
  });
  // The TLB's arrays are read only by traces with loads (R…) or stores (W…): a shorter prologue per call.
  const text = body.join("\n");
  return [
    "const I=h.instret;let i0=I,t=0,a0=0,a1=0,b0=0,b1=0,o=0,V=null,G=tlb.generation;",
    text.includes("RTL[") ? "const RTL=tlb.readTagLow,RTH=tlb.readTagHigh,RG=tlb.readGeneration,RV=tlb.readView;" : "",
    text.includes("WTL[") ? "const WTL=tlb.writeTagLow,WTH=tlb.writeTagHigh,WG=tlb.writeGeneration,WV=tlb.writeView;" : "",
    loops ? `for(;;){\n${text}\n}` : text,
  ].join("\n");
}

function compile(region: Region): RegionFunction {
  const decodedList: Decoded[] = [];
  const source = regionSource(region, decodedList);
  const factory = new Function("D", "E", "X", "B", "R", `"use strict";return function region(h,r32,tlb,L){\n${source}\n};`) as (
    d: readonly Decoded[],
    e: readonly Decoded["execute"][],
    x: typeof runtime,
    b: Region,
    r: Rewrite["call"] | undefined,
  ) => RegionFunction;
  return factory(decodedList, decodedList.map((d) => d.execute), runtime, region, region.rewrite?.call);
}
