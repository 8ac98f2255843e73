/**
 * virtio-balloon (traditional memory balloon, ID 5, virtio 1.2 §5.5). The
 * host sets a target (config num_pages, in 4 KiB pages) and raises a
 * config-change interrupt; the guest driver allocates that many pages and
 * lists their frame numbers (le32) on the inflate queue, the device frees
 * the host memory behind them. Frames on the deflate queue come back
 * (zeroed). The driver reports how many pages the balloon holds in config
 * `actual`.
 *
 * Features offered: VIRTIO_BALLOON_F_STATS_VQ (a third queue: the driver
 * posts one buffer of {le16 tag, le64 value} records, the device keeps it
 * and gives it back when it wants fresh figures) and
 * VIRTIO_BALLOON_F_DEFLATE_ON_OOM (the guest may deflate under memory
 * pressure without waiting for a lower target; nothing to do device-side).
 *
 * A ballooned page the guest touches anyway reads zero and is allocated
 * again (QEMU's madvise(MADV_DONTNEED) behaviour): the balloon is a
 * promise the guest keeps, not a protection the host enforces.
 */
import type { AccessSize, RegisterSnapshot } from "../../bus/device";
import type { GuestMemory } from "./guest-memory";
import { gatherReadable, type DescriptorChain, type Virtqueue } from "./virtqueue";
import { readConfigBytes, VirtioDeviceId, type VirtioDevice, type VirtioDeviceHost } from "./virtio-device";
import type { BalloonMemory } from "./balloon-memory";
import { captureFields, restoreFields, type FieldState } from "../../snapshot/fields";

export const VIRTIO_BALLOON_F_MUST_TELL_HOST = 1n << 0n;
export const VIRTIO_BALLOON_F_STATS_VQ = 1n << 1n;
export const VIRTIO_BALLOON_F_DEFLATE_ON_OOM = 1n << 2n;

export const BalloonQueue = { inflate: 0, deflate: 1, stats: 2 } as const;
/** Balloon page size: always 4 KiB, whatever the guest uses. */
export const balloonPageBytes = 4096;

/** Statistics tags (virtio 1.2 §5.5.6.3). */
export const balloonStatNames: Record<number, string> = {
  0: "swap-in",
  1: "swap-out",
  2: "major-faults",
  3: "minor-faults",
  4: "free-memory",
  5: "total-memory",
  6: "available-memory",
  7: "disk-caches",
  8: "hugetlb-allocations",
  9: "hugetlb-failures",
};
const CONFIG = { numPages: 0, actual: 4, bytes: 8 } as const;
const configNames: Record<number, string> = { [CONFIG.numPages]: "num_pages", [CONFIG.actual]: "actual" };
/** QEMU's balloon queue size. */
const QUEUE_SIZE = 128;
const STAT_BYTES = 10;

export class VirtioBalloon implements VirtioDevice {
  readonly deviceId = VirtioDeviceId.balloon;
  readonly typeName = "virtio-balloon";
  readonly features = VIRTIO_BALLOON_F_STATS_VQ | VIRTIO_BALLOON_F_DEFLATE_ON_OOM;
  readonly queueCount = 3;
  readonly queueMaxSize = QUEUE_SIZE;
  private targetPages: number;
  private actual = 0;
  /** Guest frames the balloon holds (their host memory is gone). */
  private readonly held = new Set<number>();
  private host: VirtioDeviceHost | undefined;
  /** The statistics buffer the driver posted, kept until the device wants new figures. */
  private statsChain: DescriptorChain | undefined;
  /** Latest statistics, by name (bytes or counts, as the guest reported them). */
  stats: Record<string, string> = {};
  readonly counts = { inflated: 0, deflated: 0, rejected: 0, statsUpdates: 0 };

  constructor(
    private readonly memory: BalloonMemory,
    targetPages = 0,
  ) {
    this.targetPages = this.checkTarget(targetPages);
  }

  bind(host: VirtioDeviceHost): void {
    this.host = host;
  }

  get target(): number {
    return this.targetPages;
  }

  /** Pages the driver says the balloon holds (config `actual`). */
  get actualPages(): number {
    return this.actual;
  }

  /** Pages whose host memory the balloon really freed. */
  get heldPages(): number {
    return this.held.size;
  }

  private checkTarget(pages: number): number {
    if (!Number.isInteger(pages) || pages < 0 || pages > this.memory.guestPages) {
      throw new RangeError(`balloon target of ${pages} pages: the guest has ${this.memory.guestPages} pages of RAM`);
    }
    return pages;
  }

  /** New target from the host: the driver is told by a config-change interrupt. */
  setTarget(pages: number): void {
    this.targetPages = this.checkTarget(pages);
    this.host?.configChanged();
  }

  /** Hands the statistics buffer back so the driver refills it (QEMU's stats-polling timer does this). */
  requestStats(): boolean {
    const chain = this.statsChain;
    const host = this.host;
    const queue = host?.readyQueue(BalloonQueue.stats);
    if (!chain || !host || !queue) return false;
    this.statsChain = undefined;
    host.guard(() => {
      queue.push(chain, 0);
      host.queueUpdated(BalloonQueue.stats);
    });
    return true;
  }

  readConfig(offset: number, size: AccessSize): bigint {
    const config = new Uint8Array(CONFIG.bytes);
    const view = new DataView(config.buffer);
    view.setUint32(CONFIG.numPages, this.targetPages, true);
    view.setUint32(CONFIG.actual, this.actual, true);
    return offset + size <= CONFIG.bytes ? readConfigBytes(config, offset, size) : 0n;
  }

  writeConfig(offset: number, size: AccessSize, value: bigint): void {
    // Only `actual` is the driver's to write (32-bit field).
    if (offset === CONFIG.actual && size === 4) this.actual = Number(value & 0xffff_ffffn);
  }

  configRegisterName(offset: number): string | undefined {
    return configNames[offset & ~3];
  }

  processQueue(index: number, queue: Virtqueue, memory: GuestMemory): void {
    if (index === BalloonQueue.stats) return this.takeStats(queue, memory);
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      const frames = gatherReadable(memory, chain);
      const view = new DataView(frames.buffer, frames.byteOffset, frames.byteLength);
      for (let at = 0; at + 4 <= frames.length; at += 4) {
        const pfn = view.getUint32(at, true);
        if (!this.memory.contains(pfn)) {
          this.counts.rejected++; // not guest RAM: nothing to free, nothing to give back
          continue;
        }
        if (index === BalloonQueue.inflate) {
          if (!this.held.has(pfn)) this.counts.inflated++;
          this.held.add(pfn);
          this.memory.release(pfn);
        } else if (index === BalloonQueue.deflate) {
          // Released once more: whatever the guest wrote meanwhile is gone, the page comes back zero.
          if (this.held.delete(pfn)) this.counts.deflated++;
          this.memory.release(pfn);
        }
      }
      queue.push(chain, 0);
    }
  }

  private takeStats(queue: Virtqueue, memory: GuestMemory): void {
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      if (this.statsChain) queue.push(this.statsChain, 0); // a second buffer: give the old one back
      const bytes = gatherReadable(memory, chain);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const stats: Record<string, string> = {};
      for (let at = 0; at + STAT_BYTES <= bytes.length; at += STAT_BYTES) {
        const tag = view.getUint16(at, true);
        stats[balloonStatNames[tag] ?? `tag-${tag}`] = view.getBigUint64(at + 2, true).toString();
      }
      this.stats = stats;
      this.counts.statsUpdates++;
      this.statsChain = chain;
    }
  }

  /** Driver (or machine) reset; the host's target stays. */
  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["targetPages", "actual", "held", "statsChain", "stats", "counts"]) };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["targetPages", "actual", "held", "statsChain", "stats", "counts"], state, `virtio-balloon`);
  }

  reset(): void {
    // The driver is gone: every page it gave is usable again (and zero, having been freed).
    this.held.clear();
    this.actual = 0;
    this.statsChain = undefined;
    this.stats = {};
    for (const key of Object.keys(this.counts) as (keyof typeof this.counts)[]) this.counts[key] = 0;
  }

  describe(): RegisterSnapshot[] {
    return [
      { name: "num_pages", offset: 0x100 + CONFIG.numPages, value: this.targetPages, description: "target set by the host, 4 KiB pages" },
      { name: "actual", offset: 0x100 + CONFIG.actual, value: this.actual, description: "pages the driver says it holds" },
      { name: "heldPages", value: this.held.size, description: "pages whose host memory is freed" },
      { name: "inflated", value: this.counts.inflated },
      { name: "deflated", value: this.counts.deflated },
      { name: "rejected", value: this.counts.rejected, description: "frame numbers outside guest RAM" },
      ...Object.entries(this.stats).map(([name, value]) => ({ name: `stat ${name}`, value })),
    ];
  }
}
