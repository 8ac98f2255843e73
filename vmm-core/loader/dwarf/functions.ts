/** The subprograms of .debug_info as address ranges, for pc → function and name → functions. */
import type { Subprogram } from "./compile-units";
import { lastAtOrBelow } from "./line-table";

export interface FunctionRange {
  name: string;
  low: bigint;
  /** Exclusive. */
  high: bigint;
}

export class FunctionIndex {
  private readonly sorted: FunctionRange[];
  private readonly byName = new Map<string, FunctionRange[]>();

  constructor(subprograms: readonly Subprogram[], loadOffset: bigint) {
    this.sorted = subprograms
      .flatMap((s) => s.ranges.map((r) => ({ name: s.name, low: r.low + loadOffset, high: r.high + loadOffset })))
      .sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : a.high < b.high ? -1 : 1));
    for (const f of this.sorted) {
      const list = this.byName.get(f.name);
      if (list) list.push(f);
      else this.byName.set(f.name, [f]);
    }
  }

  /** The innermost range covering pc: nested functions (a GNU C extension) lie inside their parent. */
  at(pc: bigint): FunctionRange | undefined {
    let best: FunctionRange | undefined;
    // Ranges of discarded code pile up at 0; a short look back is enough for real code.
    const first = lastAtOrBelow(this.sorted, pc, (f) => f.low);
    for (let i = first; i >= 0 && i > first - 16; i--) {
      const f = this.sorted[i];
      if (pc < f.high && (!best || f.high - f.low < best.high - best.low)) best = f;
    }
    return best;
  }

  named(name: string): FunctionRange[] {
    return (this.byName.get(name) ?? []).map((f) => ({ ...f }));
  }
}
