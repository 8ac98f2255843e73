/**
 * Non-contiguous address ranges (DW_AT_ranges): DWARF 5 range lists in
 * .debug_rnglists (§2.17.3, DW_RLE_*) and DWARF 2–4 pairs in .debug_ranges.
 */
import { ByteReader } from "./byte-reader";
import type { FormValue } from "./forms";
import { indexedAddress, type DebugSections, type UnitBases } from "./sections";

export interface AddressRange {
  low: bigint;
  /** Exclusive. */
  high: bigint;
}

const DW_RLE = {
  end_of_list: 0,
  base_addressx: 1,
  startx_endx: 2,
  startx_length: 3,
  offset_pair: 4,
  base_address: 5,
  start_end: 6,
  start_length: 7,
} as const;

export function readRanges(sections: DebugSections, value: FormValue, bases: UnitBases, version: number, unitBase: bigint): AddressRange[] {
  if (value.kind === "rnglistx") {
    // The index selects an offset (relative to the base) from the table that follows the list header.
    const table = new ByteReader(sections.rnglists, ".debug_rnglists", bases.rnglistsBase + value.index * bases.offsetSize);
    return rangeList(sections, bases.rnglistsBase + table.offsetField(bases.offsetSize), bases, unitBase);
  }
  const offset = value.kind === "secOffset" ? value.value : value.kind === "constant" ? Number(value.value) : undefined;
  if (offset === undefined) return [];
  return version >= 5 ? rangeList(sections, offset, bases, unitBase) : rangePairs(sections, offset, bases.addressSize, unitBase);
}

function rangeList(sections: DebugSections, offset: number, bases: UnitBases, unitBase: bigint): AddressRange[] {
  const r = new ByteReader(sections.rnglists, ".debug_rnglists", offset);
  const ranges: AddressRange[] = [];
  let base = unitBase;
  const add = (low: bigint, high: bigint): void => {
    if (high > low) ranges.push({ low, high });
  };
  for (;;) {
    const at = r.offset;
    const kind = r.u8();
    switch (kind) {
      case DW_RLE.end_of_list:
        return ranges;
      case DW_RLE.base_addressx:
        base = indexedAddress(sections, r.ulebNumber(), bases);
        break;
      case DW_RLE.startx_endx: {
        const low = indexedAddress(sections, r.ulebNumber(), bases);
        add(low, indexedAddress(sections, r.ulebNumber(), bases));
        break;
      }
      case DW_RLE.startx_length: {
        const low = indexedAddress(sections, r.ulebNumber(), bases);
        add(low, low + r.uleb());
        break;
      }
      case DW_RLE.offset_pair: {
        const low = base + r.uleb();
        add(low, base + r.uleb());
        break;
      }
      case DW_RLE.base_address:
        base = r.unsigned(bases.addressSize);
        break;
      case DW_RLE.start_end: {
        const low = r.unsigned(bases.addressSize);
        add(low, r.unsigned(bases.addressSize));
        break;
      }
      case DW_RLE.start_length: {
        const low = r.unsigned(bases.addressSize);
        add(low, low + r.uleb());
        break;
      }
      default:
        r.fail(`unknown range list entry kind ${kind}`, at);
    }
  }
}

function rangePairs(sections: DebugSections, offset: number, addressSize: number, unitBase: bigint): AddressRange[] {
  const r = new ByteReader(sections.ranges, ".debug_ranges", offset);
  const largest = addressSize === 8 ? 0xffffffffffffffffn : 0xffffffffn;
  const ranges: AddressRange[] = [];
  let base = unitBase;
  for (;;) {
    const start = r.unsigned(addressSize);
    const end = r.unsigned(addressSize);
    if (start === 0n && end === 0n) return ranges;
    if (start === largest) base = end; // base address selection entry
    else if (end > start) ranges.push({ low: base + start, high: base + end });
  }
}
