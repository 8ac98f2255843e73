/**
 * The debug sections of one linked executable, and the lookups that turn
 * indexed and offset forms into strings and addresses.
 *
 * No relocation processing: riscv64-unknown-elf-gcc leaves relocations
 * (R_RISCV_32/64, R_RISCV_ADD/SUB for the relaxation-safe deltas) only in
 * relocatable .o files; the linker applies them all when it writes an
 * ET_EXEC, which is the only kind of file the loader accepts.
 */
import type { ElfImage } from "../elf";
import { ByteReader, stringAt } from "./byte-reader";
import { DwarfError, hexOffset } from "./errors";
import type { FormValue } from "./forms";

export interface DebugSections {
  info: Uint8Array;
  abbrev: Uint8Array;
  line: Uint8Array;
  str: Uint8Array;
  lineStr: Uint8Array;
  strOffsets: Uint8Array;
  addr: Uint8Array;
  ranges: Uint8Array;
  rnglists: Uint8Array;
  frame: Uint8Array;
  ehFrame: Uint8Array;
  /** sh_addr of .eh_frame: its pc-relative pointers are relative to it. */
  ehFrameAddress: bigint;
}

const empty = new Uint8Array(0);

export function debugSections(elf: ElfImage): DebugSections {
  const data = (name: string): Uint8Array => elf.findSection(name)?.data ?? empty;
  return {
    info: data(".debug_info"),
    abbrev: data(".debug_abbrev"),
    line: data(".debug_line"),
    str: data(".debug_str"),
    lineStr: data(".debug_line_str"),
    strOffsets: data(".debug_str_offsets"),
    addr: data(".debug_addr"),
    ranges: data(".debug_ranges"),
    rnglists: data(".debug_rnglists"),
    frame: data(".debug_frame"),
    ehFrame: data(".eh_frame"),
    ehFrameAddress: elf.findSection(".eh_frame")?.section.address ?? 0n,
  };
}

/** Per-unit bases (DW_AT_str_offsets_base, DW_AT_addr_base) that indexed forms need. */
export interface UnitBases {
  offsetSize: 4 | 8;
  addressSize: number;
  /** DWARF 5 default: just past the 8-byte .debug_str_offsets header of the first contribution. */
  strOffsetsBase: number;
  addrBase: number;
  rnglistsBase: number;
}

/** A string-class attribute as text; undefined for other classes. */
export function stringOf(sections: DebugSections, value: FormValue | undefined, bases?: UnitBases): string | undefined {
  if (!value) return undefined;
  switch (value.kind) {
    case "string":
      return value.value;
    case "strp":
      return value.section === "str" ? stringAt(sections.str, ".debug_str", value.offset) : stringAt(sections.lineStr, ".debug_line_str", value.offset);
    case "strx": {
      if (!bases) throw new DwarfError(`DW_FORM_strx used where no unit gives DW_AT_str_offsets_base`);
      const at = bases.strOffsetsBase + value.index * bases.offsetSize;
      if (at + bases.offsetSize > sections.strOffsets.length) {
        throw new DwarfError(`.debug_str_offsets: string index ${value.index} (offset ${hexOffset(at)}) is beyond the section`);
      }
      const r = new ByteReader(sections.strOffsets, ".debug_str_offsets", at);
      return stringAt(sections.str, ".debug_str", r.offsetField(bases.offsetSize));
    }
    default:
      return undefined;
  }
}

/** An address-class attribute; undefined for other classes. */
export function addressOf(sections: DebugSections, value: FormValue | undefined, bases: UnitBases): bigint | undefined {
  if (!value) return undefined;
  if (value.kind === "address") return value.value;
  if (value.kind === "addrx") return indexedAddress(sections, value.index, bases);
  return undefined;
}

export function indexedAddress(sections: DebugSections, index: number, bases: UnitBases): bigint {
  const at = bases.addrBase + index * bases.addressSize;
  if (at + bases.addressSize > sections.addr.length) {
    throw new DwarfError(`.debug_addr: address index ${index} (offset ${hexOffset(at)}) is beyond the section`);
  }
  return new ByteReader(sections.addr, ".debug_addr", at).unsigned(bases.addressSize);
}
