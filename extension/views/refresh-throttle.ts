/**
 * Runs a refresh at most once per interval (250 ms for the views while the
 * guest runs): requests inside the interval coalesce into one trailing run,
 * so a burst of events costs one round of custom requests.
 */
export interface ThrottleClock {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: ThrottleClock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class RefreshThrottle {
  private lastRun = Number.NEGATIVE_INFINITY;
  private timer: unknown;

  constructor(
    private readonly run: () => void,
    readonly intervalMs = 250,
    private readonly clock: ThrottleClock = systemClock,
  ) {}

  /** Runs now if the last run is an interval old, else once when it is. */
  request(): void {
    if (this.timer !== undefined) return; // a trailing run is already due
    const wait = this.lastRun + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.fire();
    } else {
      this.timer = this.clock.setTimer(() => {
        this.timer = undefined;
        this.fire();
      }, wait);
    }
  }

  /** Runs now regardless of the interval (a stop must show fresh data at once). */
  flush(): void {
    this.cancel();
    this.fire();
  }

  cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  private fire(): void {
    this.lastRun = this.clock.now();
    this.run();
  }
}
