/**
 * Guest memory for readMemory, writeMemory, disassemble and evaluate, in
 * the two address spaces a memory reference can name (docs/protocol.md):
 *   "v:0x…" or "0x…"  guest-virtual, through the guest's translation now;
 *   "p:0x…"           guest-physical (under a monitor: through its map).
 * Only RAM and the reset ROM are readable: device registers may change when
 * read (a UART's receive FIFO pops), so MMIO reads as unreadable; nothing
 * here ever touches a device. Reads and writes go page by page, so an
 * unmapped page in the middle ends the readable part there.
 */
import type { GuestView } from "./guest-view";

export type AddressSpace = "virtual" | "physical";

export interface MemoryReference {
  space: AddressSpace;
  address: bigint;
}

/** A bad memory reference or expression the client sent. */
export class InspectionError extends Error {}

const pageSize = 4096n;
/** Devices whose reads have no side effects: the board's reset ROM. */
const readOnlyMemoryKinds = new Set(["riscv.mrom"]);

export function parseMemoryReference(reference: unknown, offset: unknown = 0): MemoryReference {
  if (typeof reference !== "string") throw new InspectionError("memoryReference must be a string such as \"v:0x80000000\" or \"p:0x80000000\"");
  const match = /^(?:([vp]):)?(0x[0-9a-f]+|\d+)$/i.exec(reference.trim());
  if (!match) throw new InspectionError(`memoryReference '${reference}' is not "0x…", "v:0x…" (guest-virtual) or "p:0x…" (guest-physical)`);
  if (offset !== undefined && (typeof offset !== "number" || !Number.isInteger(offset))) throw new InspectionError("offset must be a whole number");
  const address = BigInt.asUintN(64, BigInt(match[2]) + BigInt((offset as number | undefined) ?? 0));
  return { space: match[1]?.toLowerCase() === "p" ? "physical" : "virtual", address };
}

export function formatMemoryReference(reference: MemoryReference): string {
  return `${reference.space === "physical" ? "p" : "v"}:0x${reference.address.toString(16)}`;
}

/** Where one page of a reference lives: host RAM (`host`), the ROM, or nowhere (with the reason). */
type PageSource = { kind: "ram"; host: bigint; physical: bigint } | { kind: "rom"; base: bigint; read(offset: number): number } | { kind: "none"; reason: string };

export class GuestMemoryAccess {
  constructor(private readonly view: GuestView) {}

  /** Source of the byte at `address` (and the rest of its 4 KiB page). */
  private source(reference: MemoryReference, address: bigint): PageSource {
    let physical = address;
    if (reference.space === "virtual") {
      // The debugger needs the page mapped, not the guest's permission to access it.
      const translated = this.view.translateMapped(address);
      if (!translated.ok) return { kind: "none", reason: translated.reason };
      physical = translated.physical;
    }
    const page = physical & ~(pageSize - 1n);
    const host = this.view.toHost(page, Number(pageSize));
    if (host !== undefined) return { kind: "ram", host: host + (physical - page), physical };
    if (!this.view.virtualized) {
      const region = this.view.machine.bus.findRegion(physical);
      if (region && readOnlyMemoryKinds.has(region.device.kind)) {
        const device = region.device;
        return { kind: "rom", base: physical - region.base, read: (offset) => Number(device.read(offset, 1)) };
      }
    }
    return { kind: "none", reason: `0x${physical.toString(16)} is not RAM` };
  }

  /**
   * Up to `count` bytes from the start of the reference, stopping at the
   * first unreadable page; `unreadable` counts the unreadable bytes after
   * them (up to the next readable page or the end of the request).
   */
  read(reference: MemoryReference, count: number): { data: Uint8Array; unreadable: number } {
    const chunks: Uint8Array[] = [];
    let done = 0;
    let unreadable = 0;
    while (done < count) {
      const address = BigInt.asUintN(64, reference.address + BigInt(done));
      const inPage = Number(pageSize - (address & (pageSize - 1n)));
      const length = Math.min(inPage, count - done);
      const source = this.source(reference, address);
      if (source.kind === "none") {
        unreadable += length;
        done += length;
        continue;
      }
      if (unreadable > 0) break;
      chunks.push(this.bytesFrom(source, length));
      done += length;
    }
    const data = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      data.set(chunk, at);
      at += chunk.length;
    }
    return { data, unreadable };
  }

  private bytesFrom(source: PageSource, length: number): Uint8Array {
    if (source.kind === "ram") return this.view.machine.bus.readBytes(source.host, length) ?? new Uint8Array(length);
    if (source.kind === "rom") return Uint8Array.from({ length }, (_, i) => source.read(Number(source.base) + i));
    return new Uint8Array(0);
  }

  /** A little-endian value of 1, 2, 4 or 8 bytes, or the reason it cannot be read. */
  readValue(reference: MemoryReference, size: number): bigint | string {
    const { data } = this.read(reference, size);
    if (data.length < size) return `cannot read ${size} bytes at ${formatMemoryReference(reference)}: ${this.whyUnreadable(reference, size)}`;
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i]);
    return value;
  }

  /** Why the first unreadable byte of the range is unreadable. */
  whyUnreadable(reference: MemoryReference, count: number): string {
    for (let done = 0; done < count; done++) {
      const address = BigInt.asUintN(64, reference.address + BigInt(done));
      const source = this.source(reference, address);
      if (source.kind === "none") return source.reason;
    }
    return "readable";
  }

  /**
   * Writes guest RAM (never devices, never the ROM) page by page, wherever
   * the guest maps it (a debugger may patch read-only code); returns the bytes written before the first page
   * that is not writable RAM. RAM writes drop decoded instructions of the
   * page (Ram.onPageWritten), and every hart's TLB is flushed so a changed
   * page-table entry takes effect as after an SFENCE.VMA. `dryRun` only
   * counts the bytes that could be written. `pages` are the guest-physical
   * pages written (for the shadow tables' sake, shadow-coherence.ts).
   */
  write(reference: MemoryReference, data: Uint8Array, dryRun = false): { written: number; problem?: string; pages: bigint[] } {
    let done = 0;
    const pages: bigint[] = [];
    while (done < data.length) {
      const address = BigInt.asUintN(64, reference.address + BigInt(done));
      const inPage = Number(pageSize - (address & (pageSize - 1n)));
      const length = Math.min(inPage, data.length - done);
      const source = this.source(reference, address);
      if (source.kind !== "ram") {
        const problem = source.kind === "rom" ? "the reset ROM is read-only" : source.reason;
        return { written: done, problem: `${formatMemoryReference({ space: reference.space, address })}: ${problem}`, pages };
      }
      if (!dryRun) this.view.machine.bus.writeBytes(source.host, data.subarray(done, done + length));
      pages.push(source.physical & ~(pageSize - 1n));
      done += length;
    }
    if (dryRun) return { written: done, pages };
    for (const hart of this.view.machine.harts) hart.tlb.flush();
    return { written: done, pages };
  }
}
