/**
 * The inlined copies of functions (DW_TAG_inlined_subroutine) for
 * name → entry pcs (function breakpoints on a function GCC inlined, as
 * gdb's `break f`) and pc → the copies covering it (naming stack frames).
 */
import type { InlinedSubroutine } from "./compile-units";
import type { LineUnit } from "./line-program";
import { lastAtOrBelow } from "./line-table";
import type { AddressRange } from "./ranges";

export interface InlinedFunction {
  name: string;
  /** Where a breakpoint on the function stops in this copy. */
  entry: bigint;
  ranges: AddressRange[];
  /** The call site in the function it was inlined into (DW_AT_call_file/call_line), when DWARF names it. */
  callFile: string | undefined;
  callLine: number | undefined;
  /** DIE nesting depth: deeper copies were inlined into shallower ones. */
  depth: number;
}

interface Piece {
  low: bigint;
  high: bigint;
  copy: InlinedFunction;
}

export class InlineIndex {
  private readonly byName = new Map<string, InlinedFunction[]>();
  /** Every range of every copy, by low address, with the largest `high` up to each one for an early stop. */
  private readonly pieces: Piece[];
  private readonly highestEnd: bigint[] = [];

  constructor(copies: readonly InlinedSubroutine[], lineUnits: readonly LineUnit[], loadOffset: bigint) {
    const unitsByOffset = new Map(lineUnits.map((unit) => [unit.offset, unit]));
    const all = copies
      .filter((c) => c.name !== "")
      .map((c): InlinedFunction => {
        const files = c.lineOffset === undefined ? undefined : unitsByOffset.get(c.lineOffset)?.files;
        return {
          name: c.name,
          entry: c.entry + loadOffset,
          ranges: c.ranges.map((r) => ({ low: r.low + loadOffset, high: r.high + loadOffset })),
          callFile: c.callFile === undefined ? undefined : files?.[c.callFile] || undefined,
          callLine: c.callLine,
          depth: c.depth,
        };
      });
    for (const copy of all) {
      const list = this.byName.get(copy.name);
      if (list) list.push(copy);
      else this.byName.set(copy.name, [copy]);
    }
    this.pieces = all
      .flatMap((copy) => copy.ranges.map((r) => ({ low: r.low, high: r.high, copy })))
      .sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0));
    let highest = 0n;
    for (const piece of this.pieces) this.highestEnd.push((highest = piece.high > highest ? piece.high : highest));
  }

  /** The copies of the function called `name`, in DWARF order. */
  named(name: string): InlinedFunction[] {
    return (this.byName.get(name) ?? []).map(copyOf);
  }

  /** The copies whose ranges cover pc, innermost (most deeply inlined) first. */
  at(pc: bigint): InlinedFunction[] {
    const found: InlinedFunction[] = [];
    for (let i = lastAtOrBelow(this.pieces, pc, (p) => p.low); i >= 0 && this.highestEnd[i] > pc; i--) {
      const piece = this.pieces[i];
      if (pc < piece.high && !found.includes(piece.copy)) found.push(piece.copy);
    }
    return found.sort((a, b) => b.depth - a.depth).map(copyOf);
  }
}

function copyOf(copy: InlinedFunction): InlinedFunction {
  return { ...copy, ranges: copy.ranges.map((r) => ({ ...r })) };
}
