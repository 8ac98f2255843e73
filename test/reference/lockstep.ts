/**
 * The lockstep driver: steps vmscope and a reference (QEMU) one instruction
 * at a time and compares pc and x1..x31 after every instruction (and, when
 * the reference logs them, a set of CSRs). It stops at the first divergence
 * and reports it with both register files, the instruction, the pcs that led
 * there and the trap CSRs of both sides.
 *
 * The only state copied from the reference into vmscope is the result of a
 * clock read (time-reads.ts), and every copy is counted.
 */
import { clockRead } from "./time-reads";

/** What the driver needs from a vmscope hart (a subset of the Machine API). */
export interface LockstepHart {
  x: BigInt64Array;
  pc: bigint;
  priv: number;
  readCsr(csr: number): bigint | undefined;
}

/** What the driver needs from a vmscope Machine. */
export interface LockstepMachine {
  harts: readonly LockstepHart[];
  step(hart: number): unknown;
  stepInterrupts?: boolean;
}

/** The reference's hart state before an instruction. */
export interface ReferenceState {
  pc: bigint;
  /** x0..x31, unsigned. */
  x: bigint[];
  /** CSRs by name, when the reference provides them with every state. */
  csrs?: ReadonlyMap<string, bigint>;
  /** Traps the reference reported while reaching this state. */
  traps?: readonly string[];
}

export interface ReferenceInstruction {
  word: number;
  length: number;
  /** Disassembly, when the reference has it. */
  text?: string;
}

/** QEMU seen through the gdbstub or through its instruction log (reference-sources.ts). */
export interface LockstepReference {
  readonly name: string;
  /**
   * The state before the next instruction; the first call gives the state
   * before instruction 0. May answer synchronously (no promise per step).
   */
  next(): ReferenceState | undefined | Promise<ReferenceState | undefined>;
  /** The instruction at `pc` in the state last returned (synchronously when it can). */
  instructionAt(pc: bigint): ReferenceInstruction | undefined | Promise<ReferenceInstruction | undefined>;
  /** CSRs for a divergence report. */
  reportCsrs(state: ReferenceState): Promise<Map<string, bigint>>;
}

/** CSR numbers of the registers QEMU's state dump shows. */
export const csrNumbers: ReadonlyMap<string, number> = new Map([
  ["mhartid", 0xf14],
  ["mstatus", 0x300],
  ["misa", 0x301],
  ["medeleg", 0x302],
  ["mideleg", 0x303],
  ["mie", 0x304],
  ["mtvec", 0x305],
  ["mscratch", 0x340],
  ["mepc", 0x341],
  ["mcause", 0x342],
  ["mtval", 0x343],
  ["mip", 0x344],
  ["sstatus", 0x100],
  ["stvec", 0x105],
  ["sscratch", 0x140],
  ["sepc", 0x141],
  ["scause", 0x142],
  ["stval", 0x143],
  ["satp", 0x180],
]);

/** CSRs compared at every step when the reference logs them. mip is left out: its timer bits follow the clock. */
export const defaultComparedCsrs = [
  "mstatus", "medeleg", "mideleg", "mie", "mtvec", "mscratch", "mepc", "mcause", "mtval",
  "stvec", "sscratch", "sepc", "scause", "stval", "satp",
];

/** CSRs shown in a divergence report. */
export const reportedCsrs = ["mstatus", "mcause", "mepc", "mtval", "mtvec", "mie", "mip", "medeleg", "mideleg", "scause", "sepc", "stval", "stvec", "satp"];

export const abiNames = [
  "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
  "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
];

export interface LockstepOptions {
  machine: LockstepMachine;
  reference: LockstepReference;
  /** Instructions to step. */
  instructions: number;
  hart?: number;
  /** How many previous instructions a divergence report lists. */
  history?: number;
  /** CSRs compared at every step (only where the reference supplies them). */
  compareCsrs?: readonly string[];
  /** Copy the reference's result of clock reads into vmscope (counted). Default true. */
  syncClockReads?: boolean;
}

export interface RegisterDifference {
  name: string;
  reference: bigint;
  vmscope: bigint | undefined;
}

export interface HistoryEntry {
  /** Number of instructions executed before this one. */
  index: number;
  pc: bigint;
  instruction?: ReferenceInstruction;
}

export interface Divergence {
  /** Instructions executed on both sides before the differing state. */
  index: number;
  kind: "pc" | "registers" | "csrs" | "reference-ended";
  /** The last instruction executed (whose result differs), undefined at index 0. */
  instruction?: HistoryEntry;
  differences: RegisterDifference[];
  reference: { pc: bigint; x: bigint[] };
  vmscope: { pc: bigint; x: bigint[]; priv: number };
  csrs: RegisterDifference[];
  history: HistoryEntry[];
  referenceTraps: readonly string[];
}

export interface ClockReadCount {
  reads: number;
  /** Reads whose result differed and was copied from the reference. */
  synced: number;
}

export interface LockstepResult {
  reference: string;
  /** Instructions stepped on both sides and compared afterwards. */
  compared: number;
  divergence?: Divergence;
  clockReads: Record<string, ClockReadCount>;
  /** Traps the reference reported over the whole run. */
  referenceTraps: number;
  /** QEMU trace records skipped as repeats of the previous one (block re-executed after an I/O access). */
  repeatedRecords: number;
  elapsedMs: number;
  instructionsPerSecond: number;
}

const hex = (v: bigint | undefined): string => (v === undefined ? "(none)" : `0x${v.toString(16).padStart(16, "0")}`);

/** Step both machines `instructions` times, stopping at the first difference. */
export async function runLockstep(options: LockstepOptions): Promise<LockstepResult> {
  const { machine, reference } = options;
  const hartId = options.hart ?? 0;
  const hart = machine.harts[hartId];
  const historyLength = options.history ?? 8;
  const compareCsrs = (options.compareCsrs ?? defaultComparedCsrs).map((name) => {
    const number = csrNumbers.get(name);
    if (number === undefined) throw new Error(`unknown CSR ${name}`);
    return { name, number };
  });
  const sync = options.syncClockReads ?? true;
  // Unsigned view of the register file: no conversion per comparison.
  const xu = new BigUint64Array(hart.x.buffer, hart.x.byteOffset, 32);
  const clockReads: Record<string, ClockReadCount> = {};
  const history: HistoryEntry[] = [];
  let referenceTraps = 0;
  const started = Date.now();

  const finish = (compared: number, divergence?: Divergence): LockstepResult => {
    const elapsedMs = Date.now() - started;
    return {
      reference: reference.name,
      compared,
      divergence,
      clockReads,
      referenceTraps,
      repeatedRecords,
      elapsedMs,
      instructionsPerSecond: Math.round(compared / Math.max(elapsedMs / 1000, 1e-3)),
    };
  };

  const compare = async (index: number, state: ReferenceState): Promise<Divergence | undefined> => {
    let kind: Divergence["kind"] | undefined = hart.pc !== state.pc ? "pc" : undefined;
    const differences: RegisterDifference[] = [];
    for (let i = 1; i < 32; i++) {
      if (xu[i] !== state.x[i]) differences.push({ name: `x${i}/${abiNames[i]}`, reference: state.x[i], vmscope: xu[i] });
    }
    if (!kind && differences.length > 0) kind = "registers";
    const csrDifferences: RegisterDifference[] = [];
    if (state.csrs) {
      for (const { name, number } of compareCsrs) {
        const expected = state.csrs.get(name);
        if (expected === undefined) continue;
        const actual = hart.readCsr(number);
        if (actual === undefined || BigInt.asUintN(64, actual) !== expected) csrDifferences.push({ name, reference: expected, vmscope: actual });
      }
    }
    if (!kind && csrDifferences.length > 0) kind = "csrs";
    if (!kind) return undefined;
    const referenceCsrs = await reference.reportCsrs(state);
    const csrs = reportedCsrs.map((name) => {
      const number = csrNumbers.get(name) as number;
      return { name, reference: referenceCsrs.get(name) ?? -1n, vmscope: hart.readCsr(number) };
    });
    for (const d of csrDifferences) if (!reportedCsrs.includes(d.name)) csrs.push(d);
    return {
      index,
      kind,
      instruction: history[history.length - 1],
      differences,
      reference: { pc: state.pc, x: [...state.x] },
      vmscope: { pc: hart.pc, x: Array.from(xu), priv: hart.priv },
      csrs,
      history: [...history],
      referenceTraps: state.traps ?? [],
    };
  };

  let repeatedRecords = 0;
  let state = await reference.next();
  if (!state) throw new Error(`${reference.name}: no initial state`);
  const first = await compare(0, state);
  if (first) return finish(0, first);

  for (let index = 1; index <= options.instructions; index++) {
    const pc = state.pc;
    let instruction = reference.instructionAt(pc);
    if (instruction instanceof Promise) instruction = await instruction;
    history.push({ index: index - 1, pc, instruction });
    if (history.length > historyLength) history.shift();
    const satpMode = hart.readCsr(0x180) ?? 0n;
    const clock = instruction && sync ? clockRead(instruction.word, (i) => xu[i], hart.priv === 3 || satpMode >> 60n === 0n) : undefined;

    machine.step(hartId);
    let nextState = reference.next();
    if (nextState instanceof Promise) nextState = await nextState;
    // QEMU's -d trace logs a block again when it re-executes it after an I/O access (an MMIO store ends
    // the block and the next one starts over): a record identical to the previous one — same pc, same
    // registers, no trap — while vmscope has moved on is that artefact, not an instruction. Skip it.
    while (nextState && vmscopeMoved(hart.pc, state) && sameState(nextState, state)) {
      repeatedRecords++;
      nextState = reference.next();
      if (nextState instanceof Promise) nextState = await nextState;
    }
    if (!nextState) {
      return finish(index - 1, {
        index,
        kind: "reference-ended",
        instruction: history[history.length - 1],
        differences: [],
        reference: { pc: state.pc, x: [...state.x] },
        vmscope: { pc: hart.pc, x: Array.from(xu), priv: hart.priv },
        csrs: [],
        history: [...history],
        referenceTraps: [],
      });
    }
    state = nextState;
    referenceTraps += state.traps?.length ?? 0;
    if (clock) {
      const count = (clockReads[clock.source] ??= { reads: 0, synced: 0 });
      count.reads++;
      // Only when vmscope is otherwise where QEMU is: a clock read must not hide a wrong pc.
      if (xu[clock.rd] !== state.x[clock.rd] && hart.pc === state.pc) {
        xu[clock.rd] = state.x[clock.rd];
        count.synced++;
      }
    }
    const divergence = await compare(index, state);
    if (divergence) return finish(index - 1, divergence);
  }
  return finish(options.instructions);
}

function vmscopeMoved(pc: bigint, state: ReferenceState): boolean {
  return pc !== state.pc;
}

function sameState(a: ReferenceState, b: ReferenceState): boolean {
  return a.pc === b.pc && (a.traps?.length ?? 0) === 0 && a.x.every((value, i) => value === b.x[i]);
}

function describeInstruction(entry: HistoryEntry): string {
  const i = entry.instruction;
  const word = i ? `${i.word.toString(16).padStart(i.length * 2, "0")}` : "????????";
  return `#${entry.index} pc=${hex(entry.pc)}  ${word}  ${i?.text ?? ""}`.trimEnd();
}

/** Multi-line description of a divergence, for test failures and reports. */
export function formatDivergence(d: Divergence, referenceName = "qemu"): string {
  const lines: string[] = [];
  lines.push(`first divergence (${d.kind}) after ${d.index} instructions`);
  if (d.instruction) lines.push(`  instruction: ${describeInstruction(d.instruction)}`);
  lines.push(`  pc: ${referenceName} ${hex(d.reference.pc)}  vmscope ${hex(d.vmscope.pc)}  (vmscope priv ${d.vmscope.priv})`);
  for (const r of d.differences) lines.push(`  ${r.name.padEnd(8)} ${referenceName} ${hex(r.reference)}  vmscope ${hex(r.vmscope)}`);
  lines.push("  previous instructions:");
  for (const h of d.history) lines.push(`    ${describeInstruction(h)}`);
  lines.push(`  CSRs (${referenceName} / vmscope):`);
  for (const c of d.csrs) {
    const mark = c.vmscope === undefined || BigInt.asUintN(64, c.vmscope) !== c.reference ? "  <-- differs" : "";
    lines.push(`    ${c.name.padEnd(8)} ${c.reference < 0n ? "(n/a)" : hex(c.reference)}  ${hex(c.vmscope === undefined ? undefined : BigInt.asUintN(64, c.vmscope))}${mark}`);
  }
  if (d.referenceTraps.length > 0) lines.push(`  ${referenceName} traps: ${d.referenceTraps.join(" | ")}`);
  lines.push(`  register files (${referenceName} | vmscope):`);
  for (let i = 0; i < 32; i += 2) {
    const cell = (n: number): string => {
      const mark = d.reference.x[n] !== d.vmscope.x[n] ? "*" : " ";
      return `${`x${n}/${abiNames[n]}`.padEnd(8)} ${hex(d.reference.x[n])} | ${hex(d.vmscope.x[n])}${mark}`;
    };
    lines.push(`    ${cell(i)}   ${cell(i + 1)}`);
  }
  return lines.join("\n");
}

/** One-paragraph summary of a run (rates, clock syncs). */
export function formatResult(result: LockstepResult): string {
  const clocks = Object.entries(result.clockReads)
    .map(([source, c]) => `${source}: ${c.reads} reads, ${c.synced} synced`)
    .join("; ");
  return (
    `${result.reference}: ${result.compared} instructions compared in ${(result.elapsedMs / 1000).toFixed(1)} s ` +
    `(${result.instructionsPerSecond}/s); reference traps ${result.referenceTraps}; repeated reference records skipped ${result.repeatedRecords}; clock reads: ${clocks || "none"}` +
    (result.divergence ? `\n${formatDivergence(result.divergence, result.reference)}` : "")
  );
}
