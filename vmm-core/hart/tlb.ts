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
import { TlbSet, loadStoreEntries, fetchEntries } from "./tlb-set";
import { translateGuest } from "./two-stage";

const entries = loadStoreEntries;
/** Translation contexts whose entries are kept at once. */
const maximumSets = 8;
/** The hart's scratch register slot (after x0..x31 and the pc) and its low 32-bit half. */
const scratchSlot = 33;
const scratchLow = scratchSlot * 2;
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
  // generation, current and the current set's arrays are read (never written) by the
  // translator's generated blocks (hart/translator), which inline the hit paths.
  /** Entries are valid only when their generation equals this; flushing bumps it for every set at once. */
  generation = 1;
  /** One set of entries per translation context, most recently used last. */
  private readonly sets: TlbSet[] = [];
  current: TlbSet | undefined;
  // The current set's arrays, copied into fields so the hit paths read them directly.
  readTagLow!: Int32Array;
  readTagHigh!: Int32Array;
  readGeneration!: Uint32Array;
  readView!: (DataView | null)[];
  writeTagLow!: Int32Array;
  writeTagHigh!: Int32Array;
  writeGeneration!: Uint32Array;
  writeView!: (DataView | null)[];
  private writePage!: Int32Array;
  fetchTagLow!: Int32Array;
  fetchTagHigh!: Int32Array;
  fetchGeneration!: Uint32Array;
  fetchView!: (DataView | null)[];
  private fetchDecoded!: ((Decoded | undefined)[] | null)[];
  fetchPage!: Int32Array;
  /** Told when a page's decoded code is dropped (the translator drops its blocks of that page). */
  onCodeDropped: ((page: number) => void) | undefined;
  /** Decoded instructions per RAM page index. */
  private readonly code = new Map<number, (Decoded | undefined)[]>();
  /** The fault of the last failed fetch (thrown by the hart's loop). */
  fetchFault: Trap = new Trap(Exception.instructionAccessFault, 0n);
  readonly counters: TlbCounters = { hits: 0, misses: 0, walks: 0, walkMemoryReferences: 0 };
  private readonly pteMemory: PteMemory;
  private readonly registers32: Int32Array;

  constructor(
    private readonly hart: Hart,
    private readonly bus: Bus,
  ) {
    this.registers32 = hart.r32;
    this.contextChanged();
    this.pteMemory = {
      readPte: (address) => (this.bus.isRam(address, 8) ? this.bus.readPhysical(address, 8) : undefined),
      writePte: (address, value) => this.bus.isRam(address, 8) && this.bus.writePhysical(address, 8, value),
    };
  }

  /** Forgets every translation of every context (SFENCE.VMA, satp writes, shadow tables changed). */
  flush(): void {
    this.generation++;
  }

  /**
   * Privilege, satp or the MPRV/SUM/MXR bits changed: switch to that
   * context's set. Its entries stay valid until the next flush, as a
   * hardware TLB's would.
   */
  contextChanged(): void {
    const hart = this.hart;
    // Everything translate() depends on: satp, privilege, MPRV/MPP/SUM/MXR and, with the H extension, V, MPV, vsstatus's SUM/MXR, vsatp and hgatp.
    let status = hart.csr.mstatus & (mstatusBits.MPRV | mstatusBits.MPP | mstatusBits.SUM | mstatusBits.MXR);
    let satp = hart.csr.satp;
    if (hart.hypervisorExtension) {
      status |= ((hart.h.vsstatus & (mstatusBits.SUM | mstatusBits.MXR)) << 5) | (hart.virt ? 1 << 30 : 0) | (hart.h.mpv ? 1 << 29 : 0);
      satp ^= (hart.h.vsatp << 64n) ^ (hart.h.hgatp << 128n);
    }
    const priv = hart.priv;
    const current = this.current;
    if (current !== undefined && current.matches(satp, priv, status)) return;
    // A handful of sets: a linear search with no key to build is the cheapest lookup.
    let found = -1;
    for (let i = 0; i < this.sets.length; i++) {
      if (this.sets[i].matches(satp, priv, status)) {
        found = i;
        break;
      }
    }
    let set: TlbSet;
    if (found >= 0) {
      set = this.sets[found];
      this.sets.splice(found, 1);
    } else {
      set = new TlbSet(satp, priv, status);
      if (this.sets.length >= maximumSets) this.sets.shift();
    }
    this.sets.push(set);
    this.current = set;
    this.readTagLow = set.readTagLow;
    this.readTagHigh = set.readTagHigh;
    this.readGeneration = set.readGeneration;
    this.readView = set.readView;
    this.writeTagLow = set.writeTagLow;
    this.writeTagHigh = set.writeTagHigh;
    this.writeGeneration = set.writeGeneration;
    this.writeView = set.writeView;
    this.writePage = set.writePage;
    this.fetchTagLow = set.fetchTagLow;
    this.fetchTagHigh = set.fetchTagHigh;
    this.fetchGeneration = set.fetchGeneration;
    this.fetchView = set.fetchView;
    this.fetchDecoded = set.fetchDecoded;
    this.fetchPage = set.fetchPage;
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
    // A store that crosses a page: translate both pages (in address order) before writing anything.
    this.translate(address, Access.Write);
    this.translate((address | 0xfffn) + 1n, Access.Write);
    for (let byte = 0; byte < size; byte++) this.storeDevice(address + BigInt(byte), 1, value >> BigInt(8 * byte));
  }

  /**
   * Load into register `rd` from x[base] + displacement.
   * The hit path moves 32-bit halves between the page and the register
   * file, so no bigint is created.
   */
  loadInto(rd: number, base: number, displacement: number, size: 1 | 2 | 4 | 8, signed: boolean): void {
    const r32 = this.registers32;
    // x[base] + displacement on the 32-bit halves.
    const sum = (r32[base * 2] >>> 0) + displacement;
    const low = sum | 0;
    const high = (r32[base * 2 + 1] + (sum > 0xffff_ffff ? 1 : sum < 0 ? -1 : 0)) | 0;
    const offset = low & 0xfff;
    if (offset + size <= pageSize) {
      const i = (low >>> 12) & indexMask;
      if (this.readTagLow[i] === (low & pageMask) && this.readTagHigh[i] === high && this.readGeneration[i] === this.generation) {
        this.counters.hits++;
        const view = this.readView[i]!;
        const at = rd * 2;
        let value: number;
        switch (size) {
          case 8:
            r32[at] = view.getInt32(offset, true);
            r32[at + 1] = view.getInt32(offset + 4, true);
            return;
          case 4:
            value = view.getInt32(offset, true);
            r32[at] = value;
            r32[at + 1] = signed ? value >> 31 : 0;
            return;
          case 2:
            value = signed ? view.getInt16(offset, true) : view.getUint16(offset, true);
            break;
          default:
            value = signed ? view.getInt8(offset) : view.getUint8(offset);
        }
        r32[at] = value;
        r32[at + 1] = value >> 31;
        return;
      }
    }
    r32[scratchLow] = low;
    r32[scratchLow + 1] = high;
    this.hart.r[rd] = this.load(this.hart.r[scratchSlot], low, high, size, signed);
  }

  /** Store the low `size` bytes of register `rs2` at x[base] + displacement. */
  storeFrom(rs2: number, base: number, displacement: number, size: 1 | 2 | 4 | 8): void {
    const r32 = this.registers32;
    const sum = (r32[base * 2] >>> 0) + displacement;
    const low = sum | 0;
    const high = (r32[base * 2 + 1] + (sum > 0xffff_ffff ? 1 : sum < 0 ? -1 : 0)) | 0;
    const offset = low & 0xfff;
    if (offset + size <= pageSize) {
      const i = (low >>> 12) & indexMask;
      if (this.writeTagLow[i] === (low & pageMask) && this.writeTagHigh[i] === high && this.writeGeneration[i] === this.generation) {
        this.counters.hits++;
        const view = this.writeView[i]!;
        const at = rs2 * 2;
        switch (size) {
          case 8:
            view.setInt32(offset, r32[at], true);
            view.setInt32(offset + 4, r32[at + 1], true);
            return;
          case 4:
            view.setInt32(offset, r32[at], true);
            return;
          case 2:
            view.setInt16(offset, r32[at], true);
            return;
          default:
            view.setInt8(offset, r32[at]);
            return;
        }
      }
    }
    r32[scratchLow] = low;
    r32[scratchLow + 1] = high;
    this.store(this.hart.r[scratchSlot], low, high, size, this.hart.r[rs2]);
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
    // Translate in address order first, so a fault reports the start of the page that faulted (as QEMU does).
    this.translate(address, Access.Read);
    this.translate((address | 0xfffn) + 1n, Access.Read);
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
    if (hart.hypervisorExtension && (access === Access.Fetch ? hart.virt : hart.dataVirtualized())) {
      return translateGuest(hart, this.bus, this.counters, address, access, access === Access.Fetch ? hart.priv : hart.dataPrivilege(), false);
    }
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
        recordSteps: false,
      },
      this.pteMemory,
    );
    this.counters.walkMemoryReferences += outcome.references;
    if (outcome.kind === "ok") return outcome.physicalAddress;
    throw new Trap(outcome.kind === "page-fault" ? pageFault[access] : accessFault[access], unsigned);
  }

  // ---- instruction fetch -------------------------------------------------

  /** The decoded instruction at the pc (given as 32-bit halves), or undefined with `fetchFault` set. */
  fetch(low: number, high: number): Decoded | undefined {
    const i = (low >>> 12) & (fetchEntries - 1);
    if (this.fetchTagLow[i] === (low & pageMask) && this.fetchTagHigh[i] === high && this.fetchGeneration[i] === this.generation) {
      const slot = (low & 0xfff) >>> 1;
      const decoded = this.fetchDecoded[i]!;
      const cached = decoded[slot];
      if (cached !== undefined) return cached;
      if (slot < halfwordsPerPage - 1) return this.decodeInPage(decoded, this.fetchView[i]!, slot);
    }
    return this.fetchSlow(low, high, i);
  }

  private decodeInPage(decoded: (Decoded | undefined)[], view: DataView, slot: number): Decoded {
    const offset = slot * 2;
    const first = view.getUint16(offset, true);
    if ((first & 3) !== 3) return (decoded[slot] = decode16(first));
    return (decoded[slot] = decode32(first | (view.getUint16(offset + 2, true) << 16)));
  }

  private fetchSlow(low: number, high: number, i: number): Decoded | undefined {
    const pc = this.hart.r[32];
    try {
      if (low & 1) throw new Trap(Exception.instructionAddressMisaligned, BigInt.asUintN(64, pc));
      const physical = this.translate(pc, Access.Fetch);
      const page = this.bus.ramPageIndex(physical);
      const slot = (low & 0xfff) >>> 1;
      if (page >= 0) {
        let decoded = this.code.get(page);
        if (!decoded) {
          decoded = new Array(halfwordsPerPage).fill(undefined);
          this.code.set(page, decoded);
          this.bus.codePageCreated(page);
        }
        const view = this.bus.ram.page(page);
        this.fetchTagLow[i] = low & pageMask;
        this.fetchTagHigh[i] = high;
        this.fetchGeneration[i] = this.generation;
        this.fetchView[i] = view;
        this.fetchDecoded[i] = decoded;
        this.fetchPage[i] = page;
        if (decoded[slot] !== undefined) return decoded[slot];
        if (slot < halfwordsPerPage - 1) return this.decodeInPage(decoded, view, slot);
        const first = view.getUint16(0xffe, true);
        if ((first & 3) !== 3) return (decoded[slot] = decode16(first));
        // A 32-bit instruction straddling two pages: not cached, since the second page may change alone.
        return decode32(first | (this.fetchParcel(pc + 2n) << 16));
      }
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
    for (const set of this.sets) set.forgetCodePage(page);
    this.onCodeDropped?.(page);
  }

  /** Stores to a page with decoded code (on any hart) must take the slow path, which drops that code. */
  forgetWritablePage(page: number): void {
    for (const set of this.sets) set.forgetWritablePage(page);
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
