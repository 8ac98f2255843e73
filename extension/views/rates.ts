/**
 * Rates for the exit groups and the status bar: per second of wall time
 * (from two snapshots of running counters) and per million guest
 * instructions (deterministic: the same guest gives the same figure).
 */
export interface CounterSnapshot {
  /** Milliseconds (any monotonic clock). */
  time: number;
  counts: Record<string, number>;
}

export class RateMeter {
  private previous: CounterSnapshot | undefined;
  private latest: Record<string, number> = {};

  /**
   * Takes a new snapshot and returns per-second rates against the previous
   * one. Counters that went backwards (a new session) restart the meter.
   */
  sample(snapshot: CounterSnapshot): Record<string, number> {
    const before = this.previous;
    this.previous = snapshot;
    if (!before || snapshot.time <= before.time) return (this.latest = {});
    const seconds = (snapshot.time - before.time) / 1000;
    const rates: Record<string, number> = {};
    for (const [name, count] of Object.entries(snapshot.counts)) {
      const delta = count - (before.counts[name] ?? 0);
      if (delta < 0) {
        this.previous = snapshot;
        return (this.latest = {});
      }
      rates[name] = delta / seconds;
    }
    return (this.latest = rates);
  }

  /** The rates of the last sample (empty before the second one). */
  get rates(): Record<string, number> {
    return this.latest;
  }

  reset(): void {
    this.previous = undefined;
    this.latest = {};
  }
}

export function perMillionInstructions(count: number, instret: number): number | undefined {
  return instret > 0 ? (count * 1e6) / instret : undefined;
}
