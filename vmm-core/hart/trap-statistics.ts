/**
 * Counts of the traps a hart took, by cause, plus a bounded history of the
 * most recent ones (cause, pc, tval, privilege from → to), so a bare-machine
 * kernel's trap history is inspectable like a monitor's exit log.
 */
import { causeName } from "./trap";

export interface TrapRecord {
  sequence: number;
  cause: number;
  interrupt: boolean;
  pc: bigint;
  tval: bigint;
  from: number;
  to: number;
}

export class TrapStatistics {
  private readonly counts = new Map<string, number>();
  private readonly history: (TrapRecord | undefined)[];
  private next = 0;
  total = 0;

  constructor(readonly historySize = 256) {
    this.history = new Array(historySize).fill(undefined);
  }

  record(cause: number, interrupt: boolean, pc: bigint, tval: bigint, from: number, to: number): void {
    const name = causeName(cause, interrupt);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    this.history[this.next % this.historySize] = { sequence: this.total, cause, interrupt, pc, tval, from, to };
    this.next++;
    this.total++;
  }

  byCause(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1]));
  }

  /** The most recent traps, oldest first. */
  recent(): TrapRecord[] {
    const out: TrapRecord[] = [];
    const count = Math.min(this.next, this.historySize);
    for (let i = this.next - count; i < this.next; i++) out.push(this.history[i % this.historySize]!);
    return out;
  }
}
