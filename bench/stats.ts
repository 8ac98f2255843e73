/** Summaries of repeated timings: the best run is the figure, the spread says how much to trust it. */

export interface Spread {
  best: number;
  median: number;
  worst: number;
  samples: number[];
}

/** For timings, "best" is the smallest. */
export function spreadOf(samples: number[]): Spread {
  if (samples.length === 0) throw new Error("spreadOf: no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { best: sorted[0], median, worst: sorted[sorted.length - 1], samples };
}
