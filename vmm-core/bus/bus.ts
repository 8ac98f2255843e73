/**
 * The physical address space: RAM plus device regions (rvemu's bus.rs,
 * TinyEMU's iomem). The hart's TLB asks for direct page views of RAM; every
 * other access is routed here and reaches a device or faults.
 */
import type { AccessSize, Device, PhysicalMemoryAccess } from "./device";
import { Ram, pageSize } from "./ram";

export interface DeviceRegion {
  base: bigint;
  end: bigint; // exclusive
  device: Device;
}

export class Bus implements PhysicalMemoryAccess {
  readonly regions: DeviceRegion[] = [];
  private readonly ramEnd: bigint;
  /** RAM page indices that a device region overlaps (HTIF's tohost lives inside RAM). */
  private readonly overlaidPages = new Set<number>();
  /** Bumped when the map changes, so cached page views are dropped. */
  generation = 0;
  /** Told when a hart starts caching decoded instructions of a RAM page (every hart's TLB listens). */
  readonly codePageWatchers: ((page: number) => void)[] = [];

  constructor(readonly ram: Ram) {
    this.ramEnd = ram.base + BigInt(ram.size);
  }

  attach(base: bigint, device: Device): void {
    const end = base + BigInt(device.size);
    for (const region of this.regions) {
      if (base < region.end && region.base < end) {
        throw new Error(`device ${device.name} at 0x${base.toString(16)} overlaps ${region.device.name}`);
      }
    }
    this.regions.push({ base, end, device });
    this.regions.sort((a, b) => (a.base < b.base ? -1 : 1));
    if (base < this.ramEnd && this.ram.base < end) {
      const first = Number((base > this.ram.base ? base - this.ram.base : 0n) / BigInt(pageSize));
      const last = Number(((end < this.ramEnd ? end : this.ramEnd) - this.ram.base - 1n) / BigInt(pageSize));
      for (let page = first; page <= last; page++) this.overlaidPages.add(page);
    }
    this.generation++;
  }

  /** Index of the RAM page holding `address`, or -1 when it is not plain RAM. */
  ramPageIndex(address: bigint): number {
    if (address < this.ram.base || address >= this.ramEnd) return -1;
    const index = Number((address - this.ram.base) / BigInt(pageSize));
    return this.overlaidPages.has(index) ? -1 : index;
  }

  codePageCreated(page: number): void {
    for (const watcher of this.codePageWatchers) watcher(page);
  }

  findRegion(address: bigint): DeviceRegion | undefined {
    for (const region of this.regions) {
      if (address >= region.base && address < region.end) return region;
    }
    return undefined;
  }

  isRam(address: bigint, size: number): boolean {
    return address >= this.ram.base && address + BigInt(size) <= this.ramEnd;
  }

  readPhysical(address: bigint, size: AccessSize): bigint | undefined {
    const region = this.findRegion(address);
    if (region) {
      if (address + BigInt(size) > region.end) return undefined;
      return region.device.read(Number(address - region.base), size);
    }
    if (!this.isRam(address, size)) return undefined;
    return this.readRam(Number(address - this.ram.base), size);
  }

  writePhysical(address: bigint, size: AccessSize, value: bigint): boolean {
    const region = this.findRegion(address);
    if (region) {
      if (address + BigInt(size) > region.end) return false;
      region.device.write(Number(address - region.base), size, BigInt.asUintN(size * 8, value));
      return true;
    }
    if (!this.isRam(address, size)) return false;
    this.writeRam(Number(address - this.ram.base), size, value);
    return true;
  }

  /** Little-endian read at a RAM offset; may cross a page. */
  private readRam(offset: number, size: AccessSize): bigint {
    const inPage = offset % pageSize;
    if (inPage + size <= pageSize) {
      // The common case (page-table entries, device DMA words): one page view, no byte assembly.
      const view = this.ram.page(Math.floor(offset / pageSize));
      switch (size) {
        case 1:
          return BigInt(view.getUint8(inPage));
        case 2:
          return BigInt(view.getUint16(inPage, true));
        case 4:
          return BigInt(view.getUint32(inPage, true));
        default:
          return view.getBigUint64(inPage, true);
      }
    }
    const bytes = this.ram.readBytes(offset, size);
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
    return value;
  }

  private writeRam(offset: number, size: AccessSize, value: bigint): void {
    const inPage = offset % pageSize;
    if (size === 8 && inPage + size <= pageSize) {
      const index = Math.floor(offset / pageSize);
      this.ram.page(index).setBigUint64(inPage, BigInt.asUintN(64, value), true);
      this.ram.onPageWritten(index);
      return;
    }
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    this.ram.writeBytes(offset, bytes);
  }

  /** Bytes of RAM for the loader and debugger; false when the range is not entirely RAM. */
  writeBytes(address: bigint, data: Uint8Array): boolean {
    if (!this.isRam(address, data.length)) return false;
    this.ram.writeBytes(Number(address - this.ram.base), data);
    return true;
  }

  readBytes(address: bigint, length: number): Uint8Array | undefined {
    if (!this.isRam(address, length)) return undefined;
    return this.ram.readBytes(Number(address - this.ram.base), length);
  }
}
