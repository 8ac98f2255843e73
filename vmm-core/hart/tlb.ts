/**
 * The hart's TLB: direct-mapped caches of translations for loads, stores
 * and instruction fetch, each entry holding the RAM page's view so a hit is
 * a tag compare and a DataView access (QEMU's softmmu TLB). Any change of
 * translation context (privilege, satp, MPRV/SUM/MXR, SFENCE.VMA) empties
 * it by bumping a generation number. Decoded instructions are cached per
 * physical RAM page; stores to such a page drop its decoded code (exact
 * self-modifying-code semantics, as QEMU's), which is why the store side
 * never caches a page that holds decoded code.
 */
import type { Bus } from "../bus/bus";
import { pageSize } from "../bus/ram";
import type { Decoded } from "../isa/decoded";
import { decode16, decode32 } from "../isa/decoder";
import type { Hart } from "./hart";
import { Access, walkSv39, type PteMemory } from "./mmu";
import { Exception, Trap } from "./trap";
import { mstatusBits } from "./csr-state";

const entries = 256;
const indexMask = entries - 1;
const pageMask = ~0xfff;
const halfwordsPerPage = pageSize / 2;

const pageFault = [Exception.loadPageFault, Exception.storePageFault, Exception.instructionPageFault];
const accessFault = [Exception.loadAccessFault, Exception.storeAccessFault, Exception.instructionAccessFault];

export interface TlbCounters {
  hits: number;
  misses: number;
  walks: number;
  walkMemoryReferences: number;
}

export class Tlb {
  /** Entries are valid only when their generation equals this. */
  private generation = 1;
  private readonly readTagLow = new Int32Array(entries);
  private readonly readTagHigh = new Int32Array(entries);
  private readonly readGeneration = new Uint32Array(entries);
  private readonly readView: (DataView | null)[] = new Array(entries).fill(null);
  private readonly writeTagLow = new Int32Array(entries);
  private readonly writeTagHigh = new Int32Array(entries);
  private readonly writeGeneration = new Uint32Array(entries);
  private readonly writeView: (DataView | null)[] = new Array(entries).fill(null);
  private readonly writePage = new Int32Array(entries).fill(-1);
  /** The page instructions are being fetched from. */
  private fetchTagLow = 0;
  private fetchTagHigh = 0;
  private fetchGeneration = 0;
  private fetchView: DataView | null = null;
  private fetchDecoded: (Decoded | undefined)[] | null = null;
  /** Decoded instructions per RAM page index. */
  private readonly code = new Map<number, (Decoded | undefined)[]>();
  /** The fault of the last failed fetch (thrown by the hart's loop). */
  fetchFault: Trap = new Trap(Exception.instructionAccessFault, 0n);
  readonly counters: TlbCounters = { hits: 0, misses: 0, walks: 0, walkMemoryReferences: 0 };
  private readonly pteMemory: PteMemory;

  constructor(
    private readonly hart: Hart,
    private readonly bus: Bus,
  ) {
    this.pteMemory = {
      readPte: (address) => (this.bus.isRam(address, 8) ? this.bus.readPhysical(address, 8) : undefined),
      writePte: (address, value) => this.bus.isRam(address, 8) && this.bus.writePhysical(address, 8, value),
    };
  }

  flush(): void {
    this.generation++;
  }

  /** Privilege, satp or the MPRV/SUM/MXR bits changed. */
  contextChanged(): void {
    this.generation++;
  }

  // ---- loads and stores ------------------------------------------------

  load(address: bigint, low: number, high: number, size: 1 | 2 | 4 | 8, signed: boolean): bigint {
    const offset = low & 0xfff;
    if (offset + size <= pageSize) {
      const i = (low >>> 12) & indexMask;
      if (this.readTagLow[i] === (low & pageMask) && this.readTagHigh[i] === high && this.readGeneration[i] === this.generation) {
        this.counters.hits++;
        return readView(this.readView[i]!, offset, size, signed);
      }
      const view = this.fillRead(address, low, high, i);
      if (view) return readView(view, offset, size, signed);
      return this.loadDevice(address, size, signed);
    }
    return this.loadSplit(address, size, signed);
  }

  store(address: bigint, low: number, high: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    const offset = low & 0xfff;
    if (offset + size <= pageSize) {
      const i = (low >>> 12) & indexMask;
      let view: DataView | null;
      if (this.writeTagLow[i] === (low & pageMask) && this.writeTagHigh[i] === high && this.writeGeneration[i] === this.generation) {
        this.counters.hits++;
        view = this.writeView[i];
      } else {
        view = this.fillWrite(address, low, high, i);
      }
      if (view) {
        writeView(view, offset, size, value);
        return;
      }
      this.storeDevice(address, size, value);
      return;
    }
    // A store that crosses a page: translate both pages before writing anything.
    for (let byte = 0; byte < size; byte++) this.translate(address + BigInt(byte), Access.Write);
    for (let byte = 0; byte < size; byte++) this.storeDevice(address + BigInt(byte), 1, value >> BigInt(8 * byte));
  }

  private fillRead(address: bigint, low: number, high: number, i: number): DataView | null {
    const physical = this.translate(address, Access.Read);
    const page = this.bus.ramPageIndex(physical);
    if (page < 0) return null;
    const view = this.bus.ram.page(page);
    this.readTagLow[i] = low & pageMask;
    this.readTagHigh[i] = high;
    this.readGeneration[i] = this.generation;
    this.readView[i] = view;
    return view;
  }

  private fillWrite(address: bigint, low: number, high: number, i: number): DataView | null {
    const physical = this.translate(address, Access.Write);
    const page = this.bus.ramPageIndex(physical);
    if (page < 0) return null;
    if (this.code.has(page)) this.bus.ram.onPageWritten(page);
    const view = this.bus.ram.page(page);
    this.writeTagLow[i] = low & pageMask;
    this.writeTagHigh[i] = high;
    this.writeGeneration[i] = this.generation;
    this.writeView[i] = view;
    this.writePage[i] = page;
    return view;
  }

  private loadDevice(address: bigint, size: 1 | 2 | 4 | 8, signed: boolean): bigint {
    const physical = this.translate(address, Access.Read);
    const value = this.bus.readPhysical(physical, size);
    if (value === undefined) throw new Trap(Exception.loadAccessFault, BigInt.asUintN(64, address));
    return signed ? BigInt.asIntN(size * 8, value) : BigInt.asIntN(64, value);
  }

  private storeDevice(address: bigint, size: 1 | 2 | 4 | 8, value: bigint): void {
    const physical = this.translate(address, Access.Write);
    if (!this.bus.writePhysical(physical, size, value)) throw new Trap(Exception.storeAccessFault, BigInt.asUintN(64, address));
  }

  /** A misaligned load crossing a page: byte by byte, little-endian. */
  private loadSplit(address: bigint, size: 1 | 2 | 4 | 8, signed: boolean): bigint {
    let value = 0n;
    for (let byte = size - 1; byte >= 0; byte--) {
      const at = address + BigInt(byte);
      const scratch = new BigInt64Array([at]);
      const halves = new Int32Array(scratch.buffer);
      value = (value << 8n) | this.load(at, halves[0], halves[1], 1, false);
    }
    return signed ? BigInt.asIntN(size * 8, value) : BigInt.asIntN(64, value);
  }

  // ---- translation -------------------------------------------------------

  /** Virtual to physical for the current context; throws the access's page or access fault. */
  translate(address: bigint, access: Access): bigint {
    const hart = this.hart;
    const privilege = access === Access.Fetch ? hart.priv : hart.dataPrivilege();
    const satp = hart.csr.satp;
    const unsigned = BigInt.asUintN(64, address);
    if (privilege === 3 || satp >> 60n === 0n) return unsigned;
    this.counters.misses++;
    this.counters.walks++;
    const status = hart.csr.mstatus;
    const outcome = walkSv39(
      unsigned,
      access,
      {
        root: (satp & ((1n << 44n) - 1n)) << 12n,
        privilege,
        sum: (status & mstatusBits.SUM) !== 0,
        mxr: (status & mstatusBits.MXR) !== 0,
        updateAccessedDirty: true,
      },
      this.pteMemory,
    );
    this.counters.walkMemoryReferences += outcome.steps.length;
    if (outcome.kind === "ok") return outcome.physicalAddress;
    throw new Trap(outcome.kind === "page-fault" ? pageFault[access] : accessFault[access], unsigned);
  }

  // ---- instruction fetch -------------------------------------------------

  /** The decoded instruction at the pc, or undefined with `fetchFault` set. */
  fetch(pc: bigint, low: number, high: number): Decoded | undefined {
    if ((low & pageMask) === this.fetchTagLow && high === this.fetchTagHigh && this.fetchGeneration === this.generation) {
      const decoded = this.fetchDecoded;
      if (decoded !== null) {
        const slot = (low & 0xfff) >>> 1;
        const cached = decoded[slot];
        if (cached !== undefined) return cached;
        if (slot < halfwordsPerPage - 1) return this.decodeInPage(decoded, slot, low);
      }
    }
    return this.fetchSlow(pc, low, high);
  }

  private decodeInPage(decoded: (Decoded | undefined)[], slot: number, low: number): Decoded | undefined {
    const view = this.fetchView!;
    const offset = low & 0xffe;
    const first = view.getUint16(offset, true);
    if ((first & 3) !== 3) return (decoded[slot] = decode16(first));
    return (decoded[slot] = decode32(first | (view.getUint16(offset + 2, true) << 16)));
  }

  private fetchSlow(pc: bigint, low: number, high: number): Decoded | undefined {
    try {
      const physical = this.translate(pc, Access.Fetch);
      const page = this.bus.ramPageIndex(physical);
      if (page >= 0) {
        let decoded = this.code.get(page);
        if (!decoded) {
          decoded = new Array(halfwordsPerPage).fill(undefined);
          this.code.set(page, decoded);
          this.bus.codePageCreated(page);
        }
        this.fetchTagLow = low & pageMask;
        this.fetchTagHigh = high;
        this.fetchGeneration = this.generation;
        this.fetchView = this.bus.ram.page(page);
        this.fetchDecoded = decoded;
        const slot = (low & 0xfff) >>> 1;
        if (decoded[slot] !== undefined) return decoded[slot];
        if (slot < halfwordsPerPage - 1) return this.decodeInPage(decoded, slot, low);
        const first = this.fetchView.getUint16(0xffe, true);
        if ((first & 3) !== 3) return (decoded[slot] = decode16(first));
        // A 32-bit instruction straddling two pages: not cached, since the second page may change alone.
        return decode32(first | (this.fetchParcel(pc + 2n) << 16));
      }
      this.fetchGeneration = 0;
      const first = this.readParcel(physical, pc);
      if ((first & 3) !== 3) return decode16(first);
      return decode32(first | (this.fetchParcel(pc + 2n) << 16));
    } catch (error) {
      if (!(error instanceof Trap)) throw error;
      this.fetchFault = error;
      return undefined;
    }
  }

  /** Reads a 16-bit instruction parcel at a virtual address (for straddling and device fetches). */
  private fetchParcel(address: bigint): number {
    return this.readParcel(this.translate(address, Access.Fetch), address);
  }

  private readParcel(physical: bigint, virtual: bigint): number {
    const value = this.bus.readPhysical(physical, 2);
    if (value === undefined) throw new Trap(Exception.instructionAccessFault, BigInt.asUintN(64, virtual));
    return Number(value);
  }

  /** RAM page `page` was written by something else than a cached store: drop its decoded code. */
  invalidateCode(page: number): void {
    if (!this.code.delete(page)) return;
    if (this.fetchDecoded !== null && this.fetchView === this.bus.ram.existingPage(page)) {
      this.fetchDecoded = null;
      this.fetchGeneration = 0;
    }
  }

  /** Stores to a page with decoded code (on any hart) must take the slow path, which drops that code. */
  forgetWritablePage(page: number): void {
    for (let i = 0; i < entries; i++) if (this.writePage[i] === page) this.writeGeneration[i] = 0;
  }
}

function readView(view: DataView, offset: number, size: number, signed: boolean): bigint {
  switch (size) {
    case 1:
      return BigInt(signed ? view.getInt8(offset) : view.getUint8(offset));
    case 2:
      return BigInt(signed ? view.getInt16(offset, true) : view.getUint16(offset, true));
    case 4:
      return BigInt(signed ? view.getInt32(offset, true) : view.getUint32(offset, true));
    default:
      return view.getBigInt64(offset, true);
  }
}

/** Splits a bigint into 32-bit halves without Number(), which is slow on bigints. */
const scratch = new BigInt64Array(1);
const scratchHalves = new Int32Array(scratch.buffer);

function writeView(view: DataView, offset: number, size: number, value: bigint): void {
  if (size === 8) {
    view.setBigInt64(offset, value, true);
    return;
  }
  scratch[0] = value;
  const low = scratchHalves[0];
  if (size === 4) view.setInt32(offset, low, true);
  else if (size === 2) view.setInt16(offset, low, true);
  else view.setInt8(offset, low);
}
