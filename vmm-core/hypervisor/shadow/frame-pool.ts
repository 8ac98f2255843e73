/**
 * 4 KiB frames for shadow page tables, taken from the monitor's own region
 * of host RAM (RVirt's pmap.rs does the same with its reserved memory). A
 * frame is zeroed when handed out, so a fresh table has no valid entries.
 */
import type { Bus } from "../../bus/bus";

export const frameSize = 4096n;
const zeroes = new Uint8Array(Number(frameSize));

export class FramePool {
  private readonly free: bigint[] = [];
  /** Next never-used frame (frames are first handed out in address order, for readable dumps). */
  private next: bigint;
  private readonly end: bigint;
  inUse = 0;

  constructor(
    private readonly bus: Bus,
    readonly base: bigint,
    size: bigint,
  ) {
    if (base % frameSize !== 0n) throw new Error(`frame pool base 0x${base.toString(16)} is not 4 KiB aligned`);
    this.next = base;
    this.end = base + (size / frameSize) * frameSize;
    if (!bus.isRam(base, Number(this.end - base))) throw new Error("frame pool region is not entirely host RAM");
  }

  get capacity(): number {
    return Number((this.end - this.base) / frameSize);
  }

  get available(): number {
    return this.capacity - this.inUse;
  }

  /** A zeroed frame, or undefined when the pool is exhausted. */
  allocate(): bigint | undefined {
    let frame = this.free.pop();
    if (frame === undefined) {
      if (this.next >= this.end) return undefined;
      frame = this.next;
      this.next += frameSize;
    }
    this.bus.writeBytes(frame, zeroes);
    this.inUse++;
    return frame;
  }

  release(frame: bigint): void {
    this.free.push(frame);
    this.inUse--;
  }

  /** Every frame free again, handed out from the start in address order (the monitor dropped all its tables). */
  reset(): void {
    this.free.length = 0;
    this.next = this.base;
    this.inUse = 0;
  }

  /** Zero a frame that stays in use (a root being emptied). */
  clear(frame: bigint): void {
    this.bus.writeBytes(frame, zeroes);
  }
}
