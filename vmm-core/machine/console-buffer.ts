/**
 * Bounded buffering of the guest's console output between the machine and
 * a front end (the terminal of `vmscope run`, the debug adapter's output
 * events). A guest that prints faster than the front end takes it must not
 * grow the host's memory: bytes beyond the capacity are dropped, counted,
 * and never lost silently — the next batch handed out ends with a marker
 * saying how much was dropped.
 */

/** Default capacity: far above what a terminal or a debug console shows per batch. */
export const defaultConsoleBufferBytes = 1024 * 1024;
/** Smallest capacity accepted (--console-buffer): the marker itself must fit comfortably. */
export const minConsoleBufferBytes = 1024;

export function droppedMarker(bytes: number): string {
  return `\n[vmscope: ${bytes} bytes of console output dropped]\n`;
}

export class ConsoleBuffer {
  private data: Uint8Array;
  private length = 0;
  private droppedSinceTake = 0;
  /** Bytes dropped since the machine started, for statistics. */
  droppedTotal = 0;

  /**
   * `drain` is asked to take the buffer when a write would overflow it; it
   * returns without calling take() when its own sink is backed up, and the
   * excess is dropped.
   */
  constructor(
    readonly capacity = defaultConsoleBufferBytes,
    private readonly drain?: () => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < minConsoleBufferBytes) {
      throw new RangeError(`console buffer: ${capacity} bytes is below the ${minConsoleBufferBytes}-byte minimum`);
    }
    // Grown on demand: most guests print little.
    this.data = new Uint8Array(Math.min(capacity, 4096));
  }

  get buffered(): number {
    return this.length;
  }

  write(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.capacity) this.drain?.();
    const room = this.capacity - this.length;
    const kept = Math.min(room, bytes.length);
    if (kept > 0) {
      this.reserve(this.length + kept);
      this.data.set(kept === bytes.length ? bytes : bytes.subarray(0, kept), this.length);
      this.length += kept;
    }
    if (kept < bytes.length) {
      this.droppedSinceTake += bytes.length - kept;
      this.droppedTotal += bytes.length - kept;
    }
  }

  /** Everything buffered (a copy), then the marker if bytes were dropped since the last take; undefined when there is nothing. */
  take(): Uint8Array | undefined {
    if (this.length === 0 && this.droppedSinceTake === 0) return undefined;
    const marker = this.droppedSinceTake > 0 ? new TextEncoder().encode(droppedMarker(this.droppedSinceTake)) : undefined;
    const out = new Uint8Array(this.length + (marker?.length ?? 0));
    out.set(this.data.subarray(0, this.length));
    if (marker) out.set(marker, this.length);
    this.length = 0;
    this.droppedSinceTake = 0;
    return out;
  }

  private reserve(size: number): void {
    if (size <= this.data.length) return;
    let grown = this.data.length;
    while (grown < size) grown *= 2;
    const next = new Uint8Array(Math.min(grown, this.capacity));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}
