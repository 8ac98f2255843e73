/**
 * Test doubles for virtio: a flat guest RAM, and a driver that lays out a
 * split virtqueue in it and builds descriptor chains by hand, the way a
 * guest driver would, so tests exercise the device through memory alone.
 */
import type { GuestMemory } from "../guest-memory";
import { VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from "../virtqueue";

export class FlatGuestMemory implements GuestMemory {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  constructor(
    readonly base: bigint,
    size: number,
  ) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  private offset(gpa: bigint, length: number): number | undefined {
    const offset = gpa - this.base;
    return offset < 0n || offset + BigInt(length) > BigInt(this.bytes.length) ? undefined : Number(offset);
  }
  read(gpa: bigint, length: number): Uint8Array | undefined {
    const at = this.offset(gpa, length);
    return at === undefined ? undefined : this.bytes.slice(at, at + length);
  }
  write(gpa: bigint, data: Uint8Array): boolean {
    const at = this.offset(gpa, data.length);
    if (at === undefined) return false;
    this.bytes.set(data, at);
    return true;
  }
  u16(gpa: bigint): number {
    return this.view.getUint16(Number(gpa - this.base), true);
  }
  u32(gpa: bigint): number {
    return this.view.getUint32(Number(gpa - this.base), true);
  }
  setU16(gpa: bigint, value: number): void {
    this.view.setUint16(Number(gpa - this.base), value, true);
  }
}

export interface Buffer {
  address: bigint;
  length: number;
  write?: boolean;
}

/** A driver's view of one split queue placed at `base` (desc, avail, used each on its own page). */
export class FakeDriverQueue {
  readonly desc: bigint;
  readonly avail: bigint;
  readonly used: bigint;
  private nextDescriptor = 0;
  private availIndex = 0;

  constructor(
    readonly memory: FlatGuestMemory,
    base: bigint,
    readonly size: number,
  ) {
    this.desc = base;
    this.avail = base + 0x1000n;
    this.used = base + 0x2000n;
  }

  /** Writes descriptor `index` raw, for malformed chains. */
  writeDescriptor(index: number, address: bigint, length: number, flags: number, next: number, table = this.desc): void {
    const at = Number(table - this.memory.base) + 16 * index;
    this.memory.view.setBigUint64(at, address, true);
    this.memory.view.setUint32(at + 8, length, true);
    this.memory.view.setUint16(at + 12, flags, true);
    this.memory.view.setUint16(at + 14, next, true);
  }

  /** Lays a NEXT-linked chain into the table; returns its head. */
  chain(buffers: Buffer[]): number {
    const head = this.nextDescriptor;
    buffers.forEach((buffer, i) => {
      const index = this.nextDescriptor++;
      const last = i === buffers.length - 1;
      this.writeDescriptor(index, buffer.address, buffer.length, (buffer.write ? VIRTQ_DESC_F_WRITE : 0) | (last ? 0 : VIRTQ_DESC_F_NEXT), last ? 0 : index + 1);
    });
    return head;
  }

  /** An indirect table at `table` holding the chain; one descriptor in the ring points at it. */
  indirectChain(table: bigint, buffers: Buffer[]): number {
    buffers.forEach((buffer, i) => {
      const last = i === buffers.length - 1;
      this.writeDescriptor(i, buffer.address, buffer.length, (buffer.write ? VIRTQ_DESC_F_WRITE : 0) | (last ? 0 : VIRTQ_DESC_F_NEXT), last ? 0 : i + 1, table);
    });
    const head = this.nextDescriptor++;
    this.writeDescriptor(head, table, 16 * buffers.length, VIRTQ_DESC_F_INDIRECT, 0);
    return head;
  }

  /** Offers a chain head on the available ring. */
  offer(head: number): void {
    this.memory.setU16(this.avail + 4n + BigInt(2 * (this.availIndex % this.size)), head);
    this.availIndex = (this.availIndex + 1) & 0xffff;
    this.memory.setU16(this.avail + 2n, this.availIndex);
  }

  /** avail->flags (NO_INTERRUPT) */
  setAvailFlags(flags: number): void {
    this.memory.setU16(this.avail, flags);
  }

  /** used_event, read by the device with EVENT_IDX. */
  setUsedEvent(value: number): void {
    this.memory.setU16(this.avail + 4n + BigInt(2 * this.size), value);
  }

  get usedIndex(): number {
    return this.memory.u16(this.used + 2n);
  }

  usedElement(slot: number): { id: number; length: number } {
    const at = this.used + 4n + BigInt(8 * slot);
    return { id: this.memory.u32(at), length: this.memory.u32(at + 4n) };
  }

  /** avail_event, written by the device with EVENT_IDX. */
  get availEvent(): number {
    return this.memory.u16(this.used + 4n + BigInt(8 * this.size));
  }
}
