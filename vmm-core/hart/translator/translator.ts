/**
 * The translator engine: runs the hart by regions of generated JavaScript
 * instead of one handler per instruction (QEMU's TCG, in miniature).
 * Entry points are cached by physical page and offset, reached through the
 * fetch TLB (so paging, privilege and SFENCE.VMA act exactly as for the
 * interpreter) and linked to their last successors (the dispatcher's
 * cache; calling the successor from the generated code, one call site per
 * exit, measured 15-30 % slower on the compute guest, so exits return
 * here). An entry is compiled
 * (its region, region.ts) once it has been reached `hotThreshold` times;
 * until then, and whenever the remaining budget is shorter than the basic
 * block at the entry, the interpreter runs, so the budget is never
 * overshot and guest time stays the interpreter's, instruction for
 * instruction. Code is dropped when its page is written
 * (tlb.onCodeDropped); a page written over and over is left to the
 * interpreter.
 */
import type { Decoded } from "../../isa/decoded";
import type { Hart } from "../hart";
import type { TlbSet } from "../tlb-set";
import { Region, discoverTrace, type Rewrite } from "./region";
import { leavesTrace, controlEmitters } from "./emit-control";

/**
 * Reached this many times before an entry is compiled: cold code (boot,
 * init) is not worth new Function, and a new function runs in V8's
 * bytecode interpreter, slower than ours, until TurboFan has optimized it.
 * Measured on an idle 2-core host: Debian's OpenSBI + U-Boot to the prompt
 * (25.5 M instructions) took 1.7–1.8 s wall at 16, 1.35–1.56 s at 256,
 * 1.10–1.20 s at 1024 (the interpreter: 0.80–0.89 s); with profile-guided
 * traces, first run in a process: 1.29–1.31 s at 1024, 0.93–1.01 at 2048,
 * 0.91–0.92 at 4096; samples/pvkernel's kernel part (470 K instructions
 * after OpenSBI) 146–164 ms at 1024, 53–73 at 4096, 62–65 at 8192 (the
 * interpreter 33–67); compute.elf (153 M) within noise from 1024 to 4096
 * (median 259 / 255 / 256 MIPS at 1024 / 2048 / 4096), 152–155 at 16384.
 */
const defaultHotThreshold = 4096;
/**
 * A trace goes on through the code of another compiled trace when that one
 * has at most this many instructions, and stops at its start otherwise.
 * Measured on the compute guest (one process, CPU time): stopping at every
 * compiled trace halved the code TurboFan compiles (each instruction was
 * in 9 traces on average, with callees followed into every caller: 7,485
 * trace instructions for 855 distinct ones) but tripled the calls into
 * translated code; going on through short ones (1,814 for 809, 8.9 M
 * calls for 153 M instructions) was best of 0, 8, 16, 24 and 32. Since
 * traces follow calls, returns and likely branches (4.1 M calls), 8 was
 * best of 4, 8, 16, 24, 32 and 64 (5 interleaved runs each; 24 and more
 * were 10–20 % slower).
 */
const shortTrace = 8;
/** A page whose code is dropped this often is interpreted from then on (data sharing a page with code). */
const rewriteLimit = 16;
const fetchIndexMask = 63;
/** The major opcode of the instructions a rewrite may take (a compressed instruction's low bits are never 0b11, so never this). */
const systemOpcode = 0x73;
const pcLow = 64;
const pcHigh = 65;

/** Where execution may enter translated code: a virtual address in a RAM page. */
class Entry {
  /** False once the page's code was dropped. */
  valid = true;
  region: Region | undefined;
  /** Times reached while not compiled. */
  heat = 0;
  /** Chaining: the last two successors, valid while the fetch translation (TLB generation and context) is unchanged. */
  next0: Entry | undefined;
  next1: Entry | undefined;
  linkGeneration = 0;
  linkSet: TlbSet | undefined;

  constructor(
    readonly startLow: number,
    readonly startHigh: number,
    /**
     * Instructions the budget must allow to run from here: the trace's
     * length (cold: up to the first control transfer, which is also how
     * far the interpreter is run at a time).
     */
    public length: number,
    /** The cold basic block: its length, its last instruction (the branch or jump traces are profiled on) and that one's pc, low half. */
    readonly blockLength: number,
    readonly last: Decoded,
    readonly lastLow: number,
  ) {}
}

export interface TranslatorCounters {
  regionsCompiled: number;
  /** Calls into translated code. */
  regionsRun: number;
  codeDrops: number;
  /** Instructions run by the interpreter inside the translator engine (cold code, budget tails, device fetches). */
  interpreted: number;
  /** JALRs compiled to go on inside their trace at a predicted target (a return to a call of the trace, or the profile's). */
  predictedJumps: number;
  /** Conditional branches compiled to go on at their target (taken most while cold). */
  followedBranches: number;
}

export class Translator {
  /** Entries per RAM page, indexed by halfword offset. */
  private readonly pages = new Map<number, (Entry | undefined)[]>();
  private readonly regions = new Map<number, Region[]>();
  private readonly drops = new Map<number, number>();
  private readonly interpretedPages = new Set<number>();
  readonly counters: TranslatorCounters = { regionsCompiled: 0, regionsRun: 0, codeDrops: 0, interpreted: 0, predictedJumps: 0, followedBranches: 0 };
  /** Times an entry is reached before it is compiled (tests set 1 to translate everything at once). */
  hotThreshold = defaultHotThreshold;
  /** Mode binary-translation's rewrite of privileged instructions (hypervisor/binary-translation.ts). */
  private rewrite: Rewrite | undefined;
  /** What lookup() fetched when it found no entry: the instruction, null for a fault, undefined for nothing. */
  private fetched: Decoded | null | undefined;
  /** Instructions the last enter() interpreted. */
  private interpretedNow = 0;
  /** Where the JALRs the interpreter ran here last went: virtual pc → target, low halves (a trace's prediction, checked when it runs). */
  private readonly jumpTargets = new Map<number, number>();

  constructor(private readonly hart: Hart) {
    hart.tlb.onCodeDropped = (page) => this.dropPage(page);
  }

  /** Sets (or removes) the rewrite; code translated without it is dropped. */
  setRewrite(rewrite: Rewrite | undefined): void {
    this.clear();
    this.rewrite = rewrite;
  }

  /** Forgets all translated code (engine switched off). */
  clear(): void {
    for (const page of [...this.pages.keys()]) this.dropPage(page);
    this.drops.clear();
    this.interpretedPages.clear();
  }

  /**
   * Up to `count` instructions, as the interpreter's runStraight: returns
   * when an interrupt may have become takeable, on WFI or a stop request;
   * traps are thrown with the hart's pc and instret exact.
   */
  runStraight(count: number): void {
    const hart = this.hart;
    const r32 = hart.r32;
    const tlb = hart.tlb;
    let left = count;
    let previous: Entry | undefined;
    let calls = 0;
    try {
      while (left > 0) {
        const low = r32[pcLow];
        const high = r32[pcHigh];
        // The hot path, kept small (V8 optimizes it early and cheaply): the last successor of the trace that ran, compiled, within the budget.
        let entry = previous !== undefined && previous.linkGeneration === tlb.generation && previous.linkSet === tlb.current ? previous.next0 : undefined;
        if (entry === undefined || entry.startLow !== low || entry.startHigh !== high || !entry.valid || entry.region === undefined || entry.length > left) {
          entry = this.enter(previous, low, high, left);
          if (entry === undefined) {
            left -= this.interpretedNow;
            if (hart.interruptCheck || hart.waiting || hart.stopRequested) return;
            previous = undefined;
            continue;
          }
        }
        left -= entry.region!.run(hart, r32, tlb, left);
        calls++;
        if (hart.interruptCheck || hart.waiting || hart.stopRequested) return;
        previous = entry;
      }
    } finally {
      this.counters.regionsRun += calls;
    }
  }

  /**
   * Everything but the hot path: the second successor, the lookup (linked
   * to `previous`), heat and compilation. Returns the compiled entry to run
   * within `left`, or undefined once the interpreter ran the basic block
   * (or the budget's end of it): `interpretedNow` instructions, fewer when
   * an interrupt check, WFI or a stop request ended it.
   */
  private enter(previous: Entry | undefined, low: number, high: number, left: number): Entry | undefined {
    const hart = this.hart;
    const tlb = hart.tlb;
    let entry: Entry | undefined;
    if (previous !== undefined && previous.linkGeneration === tlb.generation && previous.linkSet === tlb.current) {
      const first = previous.next0;
      if (first !== undefined && first.startLow === low && first.startHigh === high && first.valid) entry = first;
      else {
        const second = previous.next1;
        if (second !== undefined && second.startLow === low && second.startHigh === high && second.valid) entry = second;
      }
    }
    if (entry === undefined) {
      entry = this.lookup(low, high);
      if (previous !== undefined && entry !== undefined) {
        if (previous.linkGeneration !== tlb.generation || previous.linkSet !== tlb.current) {
          previous.linkGeneration = tlb.generation;
          previous.linkSet = tlb.current;
          previous.next1 = undefined;
        } else {
          previous.next1 = previous.next0;
        }
        previous.next0 = entry;
      }
    }
    let region = entry?.region;
    if (entry !== undefined && region === undefined && ++entry.heat >= this.hotThreshold) region = this.compile(entry, low, high);
    if (entry !== undefined && region !== undefined && entry.length <= left) return entry;
    // Cold code, no entry here, or not enough budget left: the basic block (or the budget's end of it) in the interpreter's own loop (optimized
    // early: it is the interpreter engine's), or one instruction at a time where lookup() fetched one already or binary translation's rewrite
    // is offered each. Counted in cycles, as the budget is: a trap taken at once (hart.raise) retires nothing but uses one.
    const steps = Math.min(entry?.length ?? 1, left);
    const cycles = hart.cycles;
    const retired = hart.instret;
    if (entry !== undefined && this.rewrite === undefined && this.fetched === undefined) hart.runStraight(steps);
    else {
      for (let i = 0; i < steps; i++) {
        this.interpretOne();
        if (hart.interruptCheck || hart.waiting || hart.stopRequested) break;
      }
    }
    const done = hart.cycles - cycles;
    this.counters.interpreted += done;
    this.interpretedNow = done;
    if (entry !== undefined && region === undefined && hart.instret - retired === entry.blockLength) this.profile(entry);
    return undefined;
  }

  /** After a cold basic block ran whole: which way its branch went, where its JALR went (what traces follow). */
  private profile(entry: Entry): void {
    const last = entry.last;
    const r32 = this.hart.r32;
    if (r32[pcLow] === ((entry.lastLow + last.length) | 0)) last.notTaken++;
    else {
      last.taken++;
      if (last.name === "jalr") this.jumpTargets.set(entry.lastLow, r32[pcLow]);
    }
  }

  /** One instruction exactly as the interpreter's loop runs it. */
  private interpretOne(): void {
    const hart = this.hart;
    const r32 = hart.r32;
    // lookup() may have fetched it already (a fault, device memory): fetching again would count a second walk.
    const fetched = this.fetched;
    this.fetched = undefined;
    const instruction = fetched === undefined ? hart.tlb.fetch(r32[pcLow], r32[pcHigh]) : fetched;
    if (instruction === undefined || instruction === null) throw hart.tlb.fetchFault;
    const rewrite = this.rewrite;
    if (rewrite !== undefined && (instruction.raw & 0x7f) === systemOpcode && rewrite.names.has(instruction.name) && rewrite.call(hart, instruction)) {
      hart.instret++;
      return;
    }
    if (instruction.execute(hart, instruction) !== true) {
      const low = (r32[pcLow] >>> 0) + instruction.length;
      r32[pcLow] = low | 0;
      if (low > 0xffff_ffff) r32[pcHigh] = (r32[pcHigh] + 1) | 0;
    }
    hart.instret++;
  }

  /** The fetch TLB entry's index for the pc, filled; -1 where only the interpreter may go. */
  private fetchEntry(low: number, high: number): number {
    const tlb = this.hart.tlb;
    const i = (low >>> 12) & fetchIndexMask;
    if (tlb.fetchTagLow[i] === (low & -4096) && tlb.fetchTagHigh[i] === high && tlb.fetchGeneration[i] === tlb.generation) return i;
    // Fill the fetch TLB; a fault, or device memory (never cached), is left to the interpreter with what was fetched.
    const instruction = tlb.fetch(low, high);
    if (instruction === undefined) {
      this.fetched = null;
      return -1;
    }
    if (tlb.fetchTagLow[i] === (low & -4096) && tlb.fetchTagHigh[i] === high && tlb.fetchGeneration[i] === tlb.generation) return i;
    this.fetched = instruction;
    return -1;
  }

  /** The entry at the pc, made on first sight; undefined where only the interpreter may go. */
  private lookup(low: number, high: number): Entry | undefined {
    const i = this.fetchEntry(low, high);
    if (i < 0) return undefined;
    const page = this.hart.tlb.fetchPage[i];
    const slot = (low & 0xfff) >>> 1;
    let entries = this.pages.get(page);
    const found = entries?.[slot];
    if (found !== undefined && found.startLow === low && found.startHigh === high) return found;
    if (this.interpretedPages.has(page)) return undefined;
    const block = this.coldBlock(low, high, i);
    if (block === undefined) return undefined;
    if (entries === undefined) {
      entries = [];
      this.pages.set(page, entries);
    }
    return (entries[slot] = new Entry(low, high, block.length, block.length, block.last, block.lastLow));
  }

  /** Decodes (through the TLB's decoded-code cache) the instruction at an offset of the fetch entry's page; undefined at a straddling one. */
  private decodeAt(low: number, high: number, i: number, offset: number): Decoded | undefined {
    const tlb = this.hart.tlb;
    // A 32-bit instruction straddling two pages is left to the interpreter (its second half may change alone).
    if (offset === 0xffe && (tlb.fetchView[i]!.getUint16(offset, true) & 3) === 3) return undefined;
    return tlb.fetch((low & -4096) | offset, high);
  }

  /** The basic block at the pc: its instructions up to and including the first control transfer (or the page end). */
  private coldBlock(low: number, high: number, i: number): { length: number; last: Decoded; lastLow: number } | undefined {
    let length = 0;
    let last: Decoded | undefined;
    let lastOffset = 0;
    for (let offset = low & 0xfff; offset < 0x1000; ) {
      const d = this.decodeAt(low, high, i, offset);
      if (d === undefined) break;
      length++;
      last = d;
      lastOffset = offset;
      if (leavesTrace(d) || d.name in controlEmitters) break;
      offset += d.length;
    }
    return last === undefined ? undefined : { length, last, lastLow: (low & -4096) | lastOffset };
  }

  /** Compiles the trace from a hot entry. */
  private compile(entry: Entry, low: number, high: number): Region | undefined {
    const i = this.fetchEntry(low, high);
    if (i < 0) return undefined;
    const page = this.hart.tlb.fetchPage[i];
    // A trace stops where another compiled one starts (the dispatcher goes on there), unless that one is short.
    const entries = this.pages.get(page);
    const trace = discoverTrace(
      low & 0xfff,
      (offset) => this.decodeAt(low, high, i, offset),
      (offset) => (entries?.[offset >>> 1]?.region?.trace.length ?? 0) > shortTrace,
      (offset) => {
        const target = this.jumpTargets.get((low & -4096) | offset);
        return target !== undefined && (target & -4096) === (low & -4096) ? target & 0xfff : undefined;
      },
    );
    if (trace.length === 0) return undefined;
    const pageBase = BigInt.asIntN(64, ((BigInt(high) << 32n) | BigInt(low >>> 0)) & ~0xfffn);
    const region = new Region(pageBase, trace, this.rewrite);
    this.counters.regionsCompiled++;
    this.counters.predictedJumps += region.predictedJumps;
    this.counters.followedBranches += trace.filter((instruction) => instruction.followsTaken === true).length;
    let regions = this.regions.get(page);
    if (regions === undefined) this.regions.set(page, (regions = []));
    regions.push(region);
    entry.region = region;
    entry.length = trace.length;
    return region;
  }

  /** Times translated code left a trace because a JALR went elsewhere than predicted (code still cached). */
  mispredictions(): number {
    let total = 0;
    for (const regions of this.regions.values()) for (const region of regions) total += region.mispredictions;
    return total;
  }

  private dropPage(page: number): void {
    const entries = this.pages.get(page);
    if (entries === undefined) return;
    for (const entry of entries) if (entry !== undefined) entry.valid = false;
    for (const region of this.regions.get(page) ?? []) region.valid = false;
    this.pages.delete(page);
    this.regions.delete(page);
    this.counters.codeDrops++;
    const drops = (this.drops.get(page) ?? 0) + 1;
    this.drops.set(page, drops);
    if (drops >= rewriteLimit) this.interpretedPages.add(page);
  }
}
