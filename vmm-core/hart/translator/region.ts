/**
 * A translated region: a trace (one path through a page from a hot entry
 * point, the way the code went while it was cold: each branch in the
 * direction it mostly went, along JALs, into calls and on after their
 * returns) compiled with `new Function` into one JavaScript function. The guest registers it
 * uses live in locals (source.ts). Jumps to instructions of the trace
 * itself stay inside the function as structured control flow
 * (structure.ts): loops run as `for(;;)` loops, forward branches skip
 * ahead; any other transfer leaves through the function's one exit path.
 * The budget is checked on entry (the dispatcher's: the whole trace fits)
 * and on every back edge (another pass only when all the positions from
 * the loop head to the trace's end fit), so it is never overshot. A region
 * is tied to its physical page (dropped when that page is written) and to
 * its virtual page (its pc constants: AUIPC, branch targets, link addresses).
 */
import type { Decoded } from "../../isa/decoded";
import type { Hart } from "../hart";
import type { Tlb } from "../tlb";
import { integerEmitters, type Emitter } from "./emit-integer";
import { memoryEmitters } from "./emit-memory";
import { controlEmitters, leavesTrace } from "./emit-control";
import { runtime } from "./runtime";
import { afterCall, exitTo, halves, pcHigh, pcLow, reload, spill, synchronize, type Site } from "./source";
import { structureOf, type Edge } from "./structure";

/**
 * Runs the trace with at most `budget` instructions; returns how many it
 * executed (a trap is thrown instead, with the hart's pc and instret exact).
 */
export type RegionFunction = (h: Hart, r32: Int32Array, tlb: Tlb, budget: number) => number;

/**
 * Binary translation's rewrite: instructions named here are first offered
 * to `call` (the monitor's emulation); true means done, pc moved on and the
 * instruction retired; false lets it run (and trap) as usual.
 */
export interface Rewrite {
  /** Instructions of the SYSTEM major opcode (0x73): the interpreter's loop checks the opcode before the name. */
  names: ReadonlySet<string>;
  call(hart: Hart, instruction: Decoded): boolean;
}

const emitters: Record<string, Emitter> = { ...integerEmitters, ...memoryEmitters, ...controlEmitters };

/**
 * Largest region, in instructions. Regions are traces (one path through
 * the page, with the loops and forward skips inside it): TurboFan's
 * compile time grows fast with a function's size and paths, and every
 * path taken for the first time after optimization costs a deoptimization
 * (its accesses have no type feedback) and a recompile. Measured on the
 * compute guest: whole-page regions (both branch directions) compiled
 * 10-50× slower and ran slower than traces; 32 was no better than 64.
 */
const maximumInstructions = 64;

export interface TraceInstruction {
  /** Offset in the page. */
  offset: number;
  decoded: Decoded;
  /** A JALR's: the offset the trace goes on at when its target is the one predicted (the next position's, if any). */
  predicted?: number;
  /** A conditional branch's: the trace goes on at its target (it was mostly taken while cold). */
  followsTaken?: boolean;
}

export class Region {
  /** False once the page's code was dropped: the function must not run (again). */
  valid = true;
  /** Times a predicted JALR of the trace went elsewhere (the trace was left there). */
  mispredictions = 0;
  readonly run: RegionFunction;

  constructor(
    /** Virtual address of the page. */
    readonly pageBase: bigint,
    readonly trace: readonly TraceInstruction[],
    readonly rewrite: Rewrite | undefined,
  ) {
    this.run = compile(this);
  }

  /** JALRs of the trace that go on inside it at their predicted target. */
  get predictedJumps(): number {
    return this.trace.filter((instruction, p) => instruction.predicted !== undefined && this.trace[p + 1]?.offset === instruction.predicted).length;
  }
}

/**
 * Finds the trace from `entry` (an offset in the page): straight on
 * through not-taken branches and along jumps inside the page, into calls
 * and back from their returns (a JALR goes on at a predicted target,
 * checked when it runs: the link a call of this trace wrote, or
 * `predictJump`'s, the target it last went to), up to an instruction that
 * leaves (a JALR without a prediction, CSR, system), the page end, an
 * instruction already in the trace, the start of another compiled trace
 * (`stopAt`: its code is not compiled twice) or the size limit. `decodeAt`
 * gives the instruction at an offset, or undefined where translation must
 * stop (an instruction straddling the page end).
 */
export function discoverTrace(
  entry: number,
  decodeAt: (offset: number) => Decoded | undefined,
  stopAt: (offset: number) => boolean,
  predictJump: (offset: number) => number | undefined = () => undefined,
): TraceInstruction[] {
  const trace: TraceInstruction[] = [];
  const visited = new Set<number>();
  // Registers holding a link written by a call of this trace: their value as an offset in the page.
  const links = new Map<number, number>();
  let offset = entry;
  while (trace.length < maximumInstructions && offset >= 0 && offset < 0x1000 && !visited.has(offset) && (trace.length === 0 || !stopAt(offset))) {
    const decoded = decodeAt(offset);
    if (decoded === undefined) break;
    visited.add(offset);
    const instruction: TraceInstruction = { offset, decoded };
    trace.push(instruction);
    if (decoded.name === "jalr") {
      const link = links.get(decoded.rs1);
      instruction.predicted = link !== undefined ? (link + decoded.immediate) & ~1 : predictJump(offset);
      if (instruction.predicted === undefined) break;
    } else if (leavesTrace(decoded)) break;
    const target = offset + decoded.immediate;
    if (branches.has(decoded.name) && followsTaken(decoded) && !visited.has(target)) instruction.followsTaken = true;
    // Whatever the instruction writes is no longer a link (a store's or branch's rd field is immediate bits: dropping one is harmless).
    links.delete(decoded.rd);
    if ((decoded.name === "jal" || decoded.name === "jalr") && decoded.rd !== 0) links.set(decoded.rd, offset + decoded.length);
    offset = decoded.name === "jal" || instruction.followsTaken === true ? target : (instruction.predicted ?? offset + decoded.length);
  }
  return trace;
}

const isControl = (d: Decoded): boolean => d.name in controlEmitters;
const branches = new Set(["beq", "bne", "blt", "bge", "bltu", "bgeu"]);

/** A forward branch this short (bytes) stays a skip inside the trace whichever way it goes (an if without else). */
const shortSkip = 32;
/**
 * Whether a trace goes on at a branch's target: taken more than four
 * times as often as not while cold, and not a short skip ahead. On the
 * compute guest (5 interleaved runs each) following branches taken more
 * than twice as often as not gave 241–270 MIPS, more than four times
 * 237–283; short skips of 16, 32 and 64 bytes were within noise.
 */
const followsTaken = (d: Decoded): boolean => d.taken > 4 * d.notTaken && !(d.immediate > 0 && d.immediate <= shortSkip);

/** Jumps from trace positions to trace positions: taken branches, JALs not followed by the trace, and the fall-through of its last instruction. */
function edgesOf(trace: readonly TraceInstruction[], positionOf: Map<number, number>): Edge[] {
  const edges: Edge[] = [];
  trace.forEach(({ offset, decoded: d }, from) => {
    const add = (target: number) => {
      const to = positionOf.get(target);
      if (to !== undefined) edges.push({ from, to });
    };
    const last = from === trace.length - 1;
    if (d.name === "jal") {
      if (last) add(offset + d.immediate);
    } else if (trace[from].followsTaken === true) {
      add(offset + d.length);
      if (last) add(offset + d.immediate);
    } else if (isControl(d)) {
      if (d.name !== "jalr") add(offset + d.immediate);
      if (last && d.name !== "jalr") add(offset + d.length);
    } else if (last && !leavesTrace(d)) add(offset + d.length);
  });
  return edges;
}

/** A call of the interpreter's handler for an instruction without an emitter (state made exact first, locals read back after). */
function handlerCall(site: Site, leaves: boolean, rewritten: boolean): string {
  // The handler set the pc itself (a jump, a return from a trap, a trap taken at once): leave with it. A trap
  // taken by hart.raise() undid the retirement, so instret is the hart's plus one, which may differ from i0 (c keeps the difference).
  const done = `{${reload}pl=r32[${pcLow}];ph=r32[${pcHigh}];i0+=${site.index + 1};c=h.instret+1-i0;break out;}`;
  const rewrite = rewritten ? `if(R.call(h,D[${site.handler}])===true)${done}` : "";
  const call = `${synchronize(site)}${rewrite}if(E[${site.handler}](h,D[${site.handler}])===true)${done}${reload}`;
  return leaves ? `${call}${exitTo(site.next, site.index + 1)}` : `${call}${afterCall(site)}`;
}

/** Registers whose locals the code reads or writes, and those it assigns. */
function registersOf(text: string): { used: number[]; written: number[] } {
  const used = new Set<number>();
  const written = new Set<number>();
  for (const match of text.matchAll(/\bx(\d+)[lh]\b(=(?!=))?/g)) {
    used.add(Number(match[1]));
    if (match[2] !== undefined) written.add(Number(match[1]));
  }
  const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
  return { used: sorted(used), written: sorted(written) };
}

/** The function's source; `decodedList` collects the instructions, which the source refers to by index (D, E). */
export function regionSource(region: Region, decodedList: Decoded[]): string {
  const { trace, pageBase } = region;
  const total = trace.length;
  const positionOf = new Map(trace.map(({ offset }, position) => [offset, position]));
  const { loops, skips, ordered } = structureOf(edgesOf(trace, positionOf));
  const startsBlock = (p: number) => p === 0 || isControl(trace[p - 1].decoded) || loops.has(p) || skips.has(p);
  const body: string[] = [];
  const open: { kind: string; last: number; label: string }[] = [];
  let next = 0;
  let index = 0;
  trace.forEach(({ offset, decoded: d }, p) => {
    index = startsBlock(p) ? 0 : index + 1;
    while (next < ordered.length && ordered[next].first === p) {
      const interval = ordered[next++];
      const label = interval.kind === "loop" ? `loop${interval.first}` : `skip${interval.last + 1}`;
      body.push(interval.kind === "loop" ? `${label}:for(;;){` : `${label}:{`);
      open.push({ kind: interval.kind, last: interval.last, label });
    }
    // i0 advances at each basic block, so the indexes (and exits) within one are local.
    const transfer = (target: bigint, retired: number, fallThrough: boolean): string => {
      const distance = target - pageBase;
      const to = distance >= 0n && distance < 0x1000n ? positionOf.get(Number(distance)) : undefined;
      if (fallThrough && to === p + 1) return `i0+=${retired};`;
      if (to !== undefined && to > p && (skips.get(to)?.first ?? total) <= p) return `i0+=${retired};break skip${to};`;
      const loop = to === undefined ? undefined : loops.get(to);
      if (to !== undefined && loop !== undefined && loop.last >= p) {
        // Another pass when the budget allows every position from the head to the end.
        const [lo, hi] = halves(target);
        return `i0+=${retired};if(i0-I+${total - to}<=L)continue loop${to};pl=${lo};ph=${hi};break out;`;
      }
      return exitTo(target, retired);
    };
    const pc = BigInt.asIntN(64, pageBase + BigInt(offset));
    const following = BigInt.asIntN(64, pc + BigInt(d.length));
    decodedList.push(d);
    // A JALR whose predicted target is the next position goes on there (when the prediction holds).
    const goesOn = trace[p + 1] !== undefined && trace[p + 1].offset === trace[p].predicted;
    const predicted = goesOn ? BigInt.asIntN(64, pageBase + BigInt(trace[p + 1].offset)) : undefined;
    const followsTaken = trace[p].followsTaken === true && trace[p + 1] !== undefined;
    const site: Site = { index, pc, next: following, transfer, handler: decodedList.length - 1, predicted, followsTaken };
    const emitter = emitters[d.name];
    body.push(emitter ? emitter(d, site) : handlerCall(site, leavesTrace(d), region.rewrite?.names.has(d.name) === true));
    if (!isControl(d) && !leavesTrace(d)) {
      // The trace's end (cut by the page end, the size limit or an instruction already in it), or the start of a basic block.
      if (p === total - 1) body.push(transfer(following, index + 1, true));
      else if (startsBlock(p + 1)) body.push(`i0+=${index + 1};`);
    }
    while (open.length > 0 && open[open.length - 1].last === p) {
      const closed = open.pop()!;
      body.push(closed.kind === "loop" ? `break ${closed.label};}` : "}");
    }
  });
  const text = body.join("\n");
  const { used, written } = registersOf(text);
  const store = written.map((n) => `r32[${n * 2}]=x${n}l;r32[${n * 2 + 1}]=x${n}h;`).join("");
  const load = used.map((n) => `x${n}l=r32[${n * 2}];x${n}h=r32[${n * 2 + 1}];`).join("");
  // The TLB's arrays are read only by traces with loads (R…) or stores (W…): a shorter prologue per call.
  return [
    "const I=h.instret;let i0=I,t=0,a0=0,a1=0,b0=0,b1=0,o=0,V=null,G=tlb.generation,pl=0,ph=0,c=0,k=0;",
    used.length > 0 ? `let ${used.map((n) => `x${n}l=r32[${n * 2}],x${n}h=r32[${n * 2 + 1}]`).join(",")};` : "",
    text.includes("RTL[") ? "const RTL=tlb.readTagLow,RTH=tlb.readTagHigh,RG=tlb.readGeneration,RV=tlb.readView;" : "",
    text.includes("WTL[") ? "const WTL=tlb.writeTagLow,WTH=tlb.writeTagHigh,WG=tlb.writeGeneration,WV=tlb.writeView;" : "",
    // A trap thrown from a call (a page fault, a device's access fault) unwinds through here: the registers are written back first.
    `try{out:{\n${text.replaceAll(spill, store).replaceAll(reload, load)}\n}}catch(x){${store}tlb.counters.hits+=k;throw x;}`,
    `${store}r32[${pcLow}]=pl;r32[${pcHigh}]=ph;h.instret=i0+c;tlb.counters.hits+=k;return i0-I;`,
  ].join("\n");
}

type Factory = (d: readonly Decoded[], e: readonly Decoded["execute"][], x: typeof runtime, b: Region, r: Rewrite | undefined) => RegionFunction;

/**
 * Factories by their source: a trace compiled again (another machine in
 * this process, a debug session restarted, code dropped and written back
 * the same) makes its function from the same factory, and closures of one
 * factory share V8's feedback and optimized code, so it runs optimized at
 * once instead of being compiled by TurboFan again.
 */
const factories = new Map<string, Factory>();
/** Sources kept at most (a few KiB each); past it the cache starts over. */
const factoryLimit = 4096;

function compile(region: Region): RegionFunction {
  const decodedList: Decoded[] = [];
  const body = `"use strict";return function region_${(region.pageBase + BigInt(region.trace[0].offset)).toString(16)}(h,r32,tlb,L){\n${regionSource(region, decodedList)}\n};`;
  let factory = factories.get(body);
  if (factory === undefined) {
    if (factories.size >= factoryLimit) factories.clear();
    factory = new Function("D", "E", "X", "B", "R", body) as Factory;
    factories.set(body, factory);
  }
  return factory(decodedList, decodedList.map((d) => d.execute), runtime, region, region.rewrite);
}
