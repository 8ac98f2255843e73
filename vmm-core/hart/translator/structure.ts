/**
 * Structured control flow inside a trace. A trace is a straight list of
 * instructions (positions 0 … n-1); a jump from position p to a position
 * q of the same trace becomes JavaScript control flow instead of an exit:
 * a forward jump (q > p) breaks out of a labeled block that starts at p
 * and ends just before q (a "skip": the if/else diamonds of compiled C),
 * a backward jump (q ≤ p) continues a labeled `for(;;)` spanning q … p (a
 * loop, its registers staying in locals). JavaScript labels must nest, so
 * the intervals must be laminar (nested or disjoint); an edge whose
 * interval would cross an accepted one stays an exit of the trace.
 */

/** A jump from one trace position to another. */
export interface Edge {
  from: number;
  to: number;
}

/** A labeled statement: a loop continued from back edges to `first`, or a block broken out of by forward jumps to `last` + 1. */
export interface Interval {
  kind: "loop" | "skip";
  first: number;
  last: number;
}

export interface Structure {
  /** Accepted loops by head position (the target of their back edges). */
  loops: Map<number, Interval>;
  /** Accepted skips by target position (last + 1). */
  skips: Map<number, Interval>;
  /** All accepted intervals, outermost first at equal starts: the order to open them in. */
  ordered: Interval[];
}

const crosses = (a: Interval, b: Interval): boolean =>
  (a.first < b.first && b.first <= a.last && a.last < b.last) || (b.first < a.first && a.first <= b.last && b.last < a.last);

/** Merges the edges per target into intervals and keeps the laminar ones, innermost loops first (they run most). */
export function structureOf(edges: readonly Edge[]): Structure {
  const loopCandidates = new Map<number, Interval>();
  const skipCandidates = new Map<number, Interval>();
  for (const { from, to } of edges) {
    if (to <= from) {
      const loop = loopCandidates.get(to);
      if (loop === undefined) loopCandidates.set(to, { kind: "loop", first: to, last: from });
      else loop.last = Math.max(loop.last, from);
    } else {
      const skip = skipCandidates.get(to);
      if (skip === undefined) skipCandidates.set(to, { kind: "skip", first: from, last: to - 1 });
      else skip.first = Math.min(skip.first, from);
    }
  }
  const size = (interval: Interval) => interval.last - interval.first;
  const candidates = [
    ...[...loopCandidates.values()].sort((a, b) => size(a) - size(b)),
    ...[...skipCandidates.values()].sort((a, b) => size(a) - size(b)),
  ];
  const accepted: Interval[] = [];
  for (const candidate of candidates) if (accepted.every((other) => !crosses(candidate, other))) accepted.push(candidate);
  const loops = new Map<number, Interval>();
  const skips = new Map<number, Interval>();
  for (const interval of accepted) {
    if (interval.kind === "loop") loops.set(interval.first, interval);
    else skips.set(interval.last + 1, interval);
  }
  // Open order: by start, the longer first; a loop and a skip over the same positions nest either way (loop outside).
  const ordered = accepted.sort((a, b) => a.first - b.first || b.last - a.last || (a.kind === b.kind ? 0 : a.kind === "loop" ? -1 : 1));
  return { loops, skips, ordered };
}
