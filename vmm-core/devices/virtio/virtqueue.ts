/**
 * The split virtqueue (virtio 1.2 §2.7): a descriptor table, the driver's
 * available ring and the device's used ring, all in guest memory. The
 * device pops descriptor chains (NEXT links, INDIRECT tables), and pushes
 * them back with the byte count it wrote; with VIRTIO_RING_F_EVENT_IDX the
 * driver's used_event decides whether that deserves an interrupt.
 *
 * Everything read from the guest is checked: a chain that leaves guest RAM,
 * loops, nests indirect tables or grows beyond `maxChainBytes` throws a
 * VirtqueueError, which the transport turns into DEVICE_NEEDS_RESET.
 */
import type { GuestMemory } from "./guest-memory";
import { captureFields, restoreFields, type FieldState } from "../../snapshot/fields";

export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;
/** Driver → device: do not interrupt me (used without EVENT_IDX). */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;

const DESCRIPTOR_BYTES = 16;
/** Bytes a single chain may move: far above any real request, low enough that a hostile length cannot exhaust the host. */
export const maxChainBytes = 64 * 1024 * 1024;

/** A driver error in the queue's memory: the device must stop using it. */
export class VirtqueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VirtqueueError";
  }
}

export interface Segment {
  address: bigint;
  length: number;
}

/** One popped request: its head index and its buffers, device-readable first. */
export interface DescriptorChain {
  head: number;
  readable: Segment[];
  writable: Segment[];
}

export interface QueueFeatures {
  indirect: boolean;
  eventIdx: boolean;
}

export class Virtqueue {
  /** Queue size the driver chose (QueueNum). */
  size = 0;
  ready = false;
  descriptorTable = 0n;
  driverArea = 0n;
  deviceArea = 0n;
  /** Next available-ring entry the device will take. */
  lastAvailIndex = 0;
  /** The used ring's idx as the device last wrote it. */
  usedIndex = 0;
  /** usedIndex when an interrupt was last decided on (EVENT_IDX compares against it). */
  private signalledUsedIndex = 0;

  constructor(
    readonly maxSize: number,
    private readonly memory: GuestMemory,
    private readonly features: () => QueueFeatures,
  ) {}

  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["size", "ready", "descriptorTable", "driverArea", "deviceArea", "lastAvailIndex", "usedIndex", "signalledUsedIndex"]) };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["size", "ready", "descriptorTable", "driverArea", "deviceArea", "lastAvailIndex", "usedIndex", "signalledUsedIndex"], state, `virtqueue`);
  }

  reset(): void {
    this.size = 0;
    this.ready = false;
    this.descriptorTable = this.driverArea = this.deviceArea = 0n;
    this.lastAvailIndex = this.usedIndex = this.signalledUsedIndex = 0;
  }

  private read(address: bigint, length: number, what: string): DataView {
    const bytes = this.memory.read(address, length);
    if (!bytes) throw new VirtqueueError(`${what} at 0x${address.toString(16)} (+${length}) is outside guest RAM`);
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private write16(address: bigint, value: number, what: string): void {
    const bytes = new Uint8Array(2);
    new DataView(bytes.buffer).setUint16(0, value & 0xffff, true);
    if (!this.memory.write(address, bytes)) throw new VirtqueueError(`${what} at 0x${address.toString(16)} is outside guest RAM`);
  }

  /** avail->idx: how far the driver has filled the available ring. */
  availableIndex(): number {
    return this.read(this.driverArea + 2n, 2, "avail.idx").getUint16(0, true);
  }

  /** Takes the next available chain, or undefined when the driver has offered none. */
  pop(): DescriptorChain | undefined {
    if (!this.ready || this.size === 0) return undefined;
    const available = this.availableIndex();
    const pending = (available - this.lastAvailIndex) & 0xffff;
    if (pending === 0) return undefined;
    if (pending > this.size) throw new VirtqueueError(`avail.idx ${available} is ${pending} entries ahead of the device; the queue holds ${this.size}`);
    const slot = this.lastAvailIndex % this.size;
    const head = this.read(this.driverArea + 4n + BigInt(2 * slot), 2, "avail.ring").getUint16(0, true);
    this.lastAvailIndex = (this.lastAvailIndex + 1) & 0xffff;
    const chain = this.walk(head);
    if (this.features().eventIdx) {
      // avail_event (after used->ring[size]): notify me when the driver passes this index.
      this.write16(this.deviceArea + 4n + BigInt(8 * this.size), this.lastAvailIndex, "used.avail_event");
    }
    return chain;
  }

  /** Follows a chain from `head`, through at most one indirect table. */
  private walk(head: number): DescriptorChain {
    const chain: DescriptorChain = { head, readable: [], writable: [] };
    let table = this.descriptorTable;
    let tableSize = this.size;
    let index = head;
    let visited = 0;
    let indirect = false;
    let total = 0;
    for (;;) {
      if (index >= tableSize) throw new VirtqueueError(`descriptor index ${index} is beyond the table of ${tableSize}`);
      if (++visited > tableSize) throw new VirtqueueError(`descriptor chain from ${head} loops (more than ${tableSize} descriptors)`);
      const view = this.read(table + BigInt(DESCRIPTOR_BYTES * index), DESCRIPTOR_BYTES, "descriptor");
      const address = view.getBigUint64(0, true);
      const length = view.getUint32(8, true);
      const flags = view.getUint16(12, true);
      const next = view.getUint16(14, true);
      if (flags & VIRTQ_DESC_F_INDIRECT) {
        if (!this.features().indirect) throw new VirtqueueError("INDIRECT descriptor without VIRTIO_F_INDIRECT_DESC");
        if (indirect) throw new VirtqueueError("an indirect table may not hold another INDIRECT descriptor");
        if (flags & VIRTQ_DESC_F_NEXT) throw new VirtqueueError("an INDIRECT descriptor may not also have NEXT");
        if (length === 0 || length % DESCRIPTOR_BYTES !== 0) throw new VirtqueueError(`indirect table length ${length} is not a multiple of 16`);
        indirect = true;
        table = address;
        tableSize = length / DESCRIPTOR_BYTES;
        if (tableSize > 0xffff) throw new VirtqueueError(`indirect table of ${tableSize} descriptors`);
        if (!this.memory.read(table, 1) || !this.memory.read(table + BigInt(length - 1), 1)) throw new VirtqueueError(`indirect table at 0x${table.toString(16)} leaves guest RAM`);
        index = 0;
        visited = 0;
        continue;
      }
      total += length;
      if (total > maxChainBytes) throw new VirtqueueError(`descriptor chain from ${head} is longer than ${maxChainBytes} bytes`);
      if (length > 0 && !this.memory.read(address + BigInt(length - 1), 1)) {
        throw new VirtqueueError(`buffer 0x${address.toString(16)} (+${length}) is outside guest RAM`);
      }
      if (length > 0 && !this.memory.read(address, 1)) throw new VirtqueueError(`buffer 0x${address.toString(16)} is outside guest RAM`);
      const segment = { address, length };
      if (flags & VIRTQ_DESC_F_WRITE) {
        chain.writable.push(segment);
      } else {
        if (chain.writable.length > 0) throw new VirtqueueError("a device-readable descriptor follows a device-writable one");
        chain.readable.push(segment);
      }
      if (!(flags & VIRTQ_DESC_F_NEXT)) return chain;
      index = next;
    }
  }

  /** Puts a finished chain on the used ring, `written` bytes written into its buffers. */
  push(chain: DescriptorChain, written: number): void {
    const slot = this.usedIndex % this.size;
    const element = new Uint8Array(8);
    const view = new DataView(element.buffer);
    view.setUint32(0, chain.head, true);
    view.setUint32(4, written, true);
    if (!this.memory.write(this.deviceArea + 4n + BigInt(8 * slot), element)) throw new VirtqueueError("used.ring is outside guest RAM");
    this.usedIndex = (this.usedIndex + 1) & 0xffff;
    this.write16(this.deviceArea + 2n, this.usedIndex, "used.idx");
  }

  /**
   * Whether the used buffers pushed since the last call deserve an
   * interrupt: avail.flags NO_INTERRUPT, or with EVENT_IDX the driver's
   * used_event (vring_need_event of the virtio spec).
   */
  shouldInterrupt(): boolean {
    const old = this.signalledUsedIndex;
    const now = this.usedIndex;
    this.signalledUsedIndex = now;
    if (old === now) return false;
    if (this.features().eventIdx) {
      const usedEvent = this.read(this.driverArea + 4n + BigInt(2 * this.size), 2, "avail.used_event").getUint16(0, true);
      return ((now - usedEvent - 1) & 0xffff) < ((now - old) & 0xffff);
    }
    const flags = this.read(this.driverArea, 2, "avail.flags").getUint16(0, true);
    return (flags & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
  }
}

/** The device-readable bytes of a chain, in order. */
export function gatherReadable(memory: GuestMemory, chain: DescriptorChain): Uint8Array {
  const total = chain.readable.reduce((sum, segment) => sum + segment.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const segment of chain.readable) {
    const bytes = memory.read(segment.address, segment.length);
    if (!bytes) throw new VirtqueueError(`buffer 0x${segment.address.toString(16)} is outside guest RAM`);
    out.set(bytes, at);
    at += segment.length;
  }
  return out;
}

/** Total capacity of a chain's device-writable buffers. */
export function writableLength(chain: DescriptorChain): number {
  return chain.writable.reduce((sum, segment) => sum + segment.length, 0);
}

/** Writes `bytes` into the writable buffers starting `offset` bytes in; returns how many fit. */
export function scatterWritable(memory: GuestMemory, chain: DescriptorChain, bytes: Uint8Array, offset = 0): number {
  let skip = offset;
  let done = 0;
  for (const segment of chain.writable) {
    if (done >= bytes.length) break;
    if (skip >= segment.length) {
      skip -= segment.length;
      continue;
    }
    const count = Math.min(segment.length - skip, bytes.length - done);
    if (!memory.write(segment.address + BigInt(skip), bytes.subarray(done, done + count))) {
      throw new VirtqueueError(`buffer 0x${segment.address.toString(16)} is outside guest RAM`);
    }
    done += count;
    skip = 0;
  }
  return done;
}
