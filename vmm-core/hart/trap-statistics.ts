/**
 * Counts of the traps a hart took, by cause, plus a bounded history of the
 * most recent ones (cause, pc, tval, privilege from → to), so a bare-machine
 * kernel's trap history is inspectable like a monitor's exit log. Kept in
 * typed arrays: recording a trap allocates nothing.
 */
import { causeName } from "./trap";
import { captureFields, restoreFields, type FieldState } from "../snapshot/fields";

const trapStatisticsFields = ["exceptionCounts", "interruptCounts", "historyCause", "historyFlags", "historyPc", "historyTval", "historyInstret", "historyHandler", "total"];

export interface TrapRecord {
  sequence: number;
  cause: number;
  interrupt: boolean;
  pc: bigint;
  tval: bigint;
  from: number;
  to: number;
  /** Virtualization mode V before and after (H extension). */
  fromVirtual: boolean;
  toVirtual: boolean;
  /** Instructions the hart had retired when it took the trap. */
  instret: number;
  /** The pc after trap entry: the handler entered (or where a TypeScript monitor resumed the guest). */
  handler: bigint;
}

/** Exception causes and interrupt causes are both below 64. */
const causes = 64;

export class TrapStatistics {
  private readonly exceptionCounts = new Float64Array(causes);
  private readonly interruptCounts = new Float64Array(causes);
  private readonly historyCause: Uint8Array;
  private readonly historyFlags: Uint8Array;
  private readonly historyPc: BigUint64Array;
  private readonly historyTval: BigUint64Array;
  private readonly historyInstret: Float64Array;
  private readonly historyHandler: BigUint64Array;
  total = 0;

  constructor(readonly historySize = 256) {
    this.historyCause = new Uint8Array(historySize);
    this.historyFlags = new Uint8Array(historySize);
    this.historyPc = new BigUint64Array(historySize);
    this.historyTval = new BigUint64Array(historySize);
    this.historyInstret = new Float64Array(historySize);
    this.historyHandler = new BigUint64Array(historySize);
  }

  record(cause: number, interrupt: boolean, pc: bigint, tval: bigint, from: number, to: number, instret = 0, fromVirtual = false, toVirtual = false): void {
    const slot = this.total % this.historySize;
    (interrupt ? this.interruptCounts : this.exceptionCounts)[cause & (causes - 1)]++;
    this.historyCause[slot] = cause;
    // Flags byte: bit 7 interrupt, bit 5 V after, bit 4 V before, bits 3:2 privilege before, bits 1:0 after.
    this.historyFlags[slot] = (interrupt ? 0x80 : 0) | (toVirtual ? 0x20 : 0) | (fromVirtual ? 0x10 : 0) | (from << 2) | to;
    this.historyPc[slot] = pc;
    this.historyTval[slot] = BigInt.asUintN(64, tval);
    this.historyInstret[slot] = instret;
    this.historyHandler[slot] = pc;
    this.total++;
  }

  /** Snapshot support (vmm-core/snapshot): counts and history. */
  saveState(): FieldState {
    return captureFields(this, trapStatisticsFields);
  }

  loadState(state: unknown): void {
    restoreFields(this, trapStatisticsFields, state, "trap statistics");
  }

  /** The pc trap entry of the last recorded trap led to (called by the hart once it is known). */
  entered(handler: bigint): void {
    if (this.total > 0) this.historyHandler[(this.total - 1) % this.historySize] = BigInt.asUintN(64, handler);
  }

  byCause(): Record<string, number> {
    const entries: [string, number][] = [];
    for (let cause = 0; cause < causes; cause++) {
      if (this.exceptionCounts[cause]) entries.push([causeName(cause, false), this.exceptionCounts[cause]]);
      if (this.interruptCounts[cause]) entries.push([causeName(cause, true), this.interruptCounts[cause]]);
    }
    return Object.fromEntries(entries.sort((a, b) => b[1] - a[1]));
  }

  /** The most recent traps, oldest first. */
  recent(): TrapRecord[] {
    const out: TrapRecord[] = [];
    const count = Math.min(this.total, this.historySize);
    for (let sequence = this.total - count; sequence < this.total; sequence++) {
      const slot = sequence % this.historySize;
      const flags = this.historyFlags[slot];
      out.push({
        sequence,
        cause: this.historyCause[slot],
        interrupt: (flags & 0x80) !== 0,
        pc: this.historyPc[slot],
        tval: this.historyTval[slot],
        from: (flags >> 2) & 3,
        to: flags & 3,
        fromVirtual: (flags & 0x10) !== 0,
        toVirtual: (flags & 0x20) !== 0,
        instret: this.historyInstret[slot],
        handler: this.historyHandler[slot],
      });
    }
    return out;
  }
}
