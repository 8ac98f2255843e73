/**
 * The arrays of one TLB context: direct-mapped entries for loads, stores
 * and fetches, each tagged with the virtual page and the generation it was
 * filled in. The TLB keeps one set per translation context (satp,
 * privilege, MPRV/SUM/MXR), so returning to a context (a trap handler and
 * back, a guest kernel and its process) finds its translations again.
 */
import type { Decoded } from "../isa/decoded";

export const loadStoreEntries = 256;
export const fetchEntries = 64;

export class TlbSet {
  constructor(
    /** The context: satp, privilege, and mstatus's MPRV/MPP/SUM/MXR bits. */
    readonly satp: bigint,
    readonly priv: number,
    readonly status: number,
  ) {}

  matches(satp: bigint, priv: number, status: number): boolean {
    return this.priv === priv && this.status === status && this.satp === satp;
  }

  readonly readTagLow = new Int32Array(loadStoreEntries);
  readonly readTagHigh = new Int32Array(loadStoreEntries);
  readonly readGeneration = new Uint32Array(loadStoreEntries);
  readonly readView: (DataView | null)[] = new Array(loadStoreEntries).fill(null);
  readonly writeTagLow = new Int32Array(loadStoreEntries);
  readonly writeTagHigh = new Int32Array(loadStoreEntries);
  readonly writeGeneration = new Uint32Array(loadStoreEntries);
  readonly writeView: (DataView | null)[] = new Array(loadStoreEntries).fill(null);
  /** RAM page index behind each store entry, to drop entries of pages that start holding code. */
  readonly writePage = new Int32Array(loadStoreEntries).fill(-1);
  readonly fetchTagLow = new Int32Array(fetchEntries);
  readonly fetchTagHigh = new Int32Array(fetchEntries);
  readonly fetchGeneration = new Uint32Array(fetchEntries);
  readonly fetchView: (DataView | null)[] = new Array(fetchEntries).fill(null);
  readonly fetchDecoded: ((Decoded | undefined)[] | null)[] = new Array(fetchEntries).fill(null);
  readonly fetchPage = new Int32Array(fetchEntries).fill(-1);

  forgetWritablePage(page: number): void {
    for (let i = 0; i < loadStoreEntries; i++) if (this.writePage[i] === page) this.writeGeneration[i] = 0;
  }

  forgetCodePage(page: number): void {
    for (let i = 0; i < fetchEntries; i++) if (this.fetchPage[i] === page) this.fetchGeneration[i] = 0;
  }
}
