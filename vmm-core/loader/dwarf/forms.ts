/**
 * Attribute forms (DWARF 5 §7.5.6, table 7.6, plus the GNU split-DWARF
 * forms). Reading a form yields a raw value; indexed forms (strx, addrx,
 * rnglistx) stay indices until the unit's bases are known, because the
 * unit DIE may name DW_AT_str_offsets_base after an strx attribute.
 */
import type { ByteReader } from "./byte-reader";

export const DW_FORM = {
  addr: 0x01,
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  flag: 0x0c,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  ref_addr: 0x10,
  ref1: 0x11,
  ref2: 0x12,
  ref4: 0x13,
  ref8: 0x14,
  ref_udata: 0x15,
  indirect: 0x16,
  sec_offset: 0x17,
  exprloc: 0x18,
  flag_present: 0x19,
  strx: 0x1a,
  addrx: 0x1b,
  ref_sup4: 0x1c,
  strp_sup: 0x1d,
  data16: 0x1e,
  line_strp: 0x1f,
  ref_sig8: 0x20,
  implicit_const: 0x21,
  loclistx: 0x22,
  rnglistx: 0x23,
  ref_sup8: 0x24,
  strx1: 0x25,
  strx2: 0x26,
  strx3: 0x27,
  strx4: 0x28,
  addrx1: 0x29,
  addrx2: 0x2a,
  addrx3: 0x2b,
  addrx4: 0x2c,
  GNU_addr_index: 0x1f01,
  GNU_str_index: 0x1f02,
  GNU_ref_alt: 0x1f20,
  GNU_strp_alt: 0x1f21,
} as const;

export type FormValue =
  | { kind: "address"; value: bigint }
  | { kind: "addrx"; index: number }
  | { kind: "constant"; value: bigint; signed: boolean }
  | { kind: "string"; value: string }
  /** An offset into .debug_str (strp) or .debug_line_str (line_strp). */
  | { kind: "strp"; section: "str" | "line_str"; offset: number }
  | { kind: "strx"; index: number }
  /** A DIE reference as an offset from the start of .debug_info. */
  | { kind: "reference"; offset: number }
  | { kind: "secOffset"; value: number }
  | { kind: "rnglistx"; index: number }
  | { kind: "block"; bytes: Uint8Array }
  | { kind: "flag"; value: boolean }
  /** Forms we read past but do not interpret (supplementary files, type signatures). */
  | { kind: "other" };

export interface FormContext {
  addressSize: number;
  offsetSize: 4 | 8;
  /** Offset of the unit in .debug_info: ref1..ref_udata are relative to it. */
  unitOffset: number;
  version: number;
}

/** Reads one attribute value of `form`; `implicitConst` is the value stored in the abbreviation. */
export function readForm(r: ByteReader, form: number, context: FormContext, implicitConst = 0n): FormValue {
  const at = r.offset;
  switch (form) {
    case DW_FORM.addr:
      return { kind: "address", value: r.unsigned(context.addressSize) };
    case DW_FORM.block1:
      return { kind: "block", bytes: r.take(r.u8()) };
    case DW_FORM.block2:
      return { kind: "block", bytes: r.take(r.u16()) };
    case DW_FORM.block4:
      return { kind: "block", bytes: r.take(r.u32()) };
    case DW_FORM.block:
    case DW_FORM.exprloc:
      return { kind: "block", bytes: r.take(r.ulebNumber()) };
    case DW_FORM.data1:
      return { kind: "constant", value: BigInt(r.u8()), signed: false };
    case DW_FORM.data2:
      return { kind: "constant", value: BigInt(r.u16()), signed: false };
    case DW_FORM.data4:
      return { kind: "constant", value: BigInt(r.u32()), signed: false };
    case DW_FORM.data8:
      return { kind: "constant", value: r.u64(), signed: false };
    case DW_FORM.data16:
      return { kind: "block", bytes: r.take(16) };
    case DW_FORM.sdata:
      return { kind: "constant", value: r.sleb(), signed: true };
    case DW_FORM.udata:
      return { kind: "constant", value: r.uleb(), signed: false };
    case DW_FORM.implicit_const:
      return { kind: "constant", value: implicitConst, signed: true };
    case DW_FORM.string:
      return { kind: "string", value: r.cString() };
    case DW_FORM.strp:
      return { kind: "strp", section: "str", offset: r.offsetField(context.offsetSize) };
    case DW_FORM.line_strp:
      return { kind: "strp", section: "line_str", offset: r.offsetField(context.offsetSize) };
    case DW_FORM.strx:
    case DW_FORM.GNU_str_index:
      return { kind: "strx", index: r.ulebNumber() };
    case DW_FORM.strx1:
      return { kind: "strx", index: r.u8() };
    case DW_FORM.strx2:
      return { kind: "strx", index: r.u16() };
    case DW_FORM.strx3:
      return { kind: "strx", index: r.u24() };
    case DW_FORM.strx4:
      return { kind: "strx", index: r.u32() };
    case DW_FORM.addrx:
    case DW_FORM.GNU_addr_index:
      return { kind: "addrx", index: r.ulebNumber() };
    case DW_FORM.addrx1:
      return { kind: "addrx", index: r.u8() };
    case DW_FORM.addrx2:
      return { kind: "addrx", index: r.u16() };
    case DW_FORM.addrx3:
      return { kind: "addrx", index: r.u24() };
    case DW_FORM.addrx4:
      return { kind: "addrx", index: r.u32() };
    case DW_FORM.ref1:
      return { kind: "reference", offset: context.unitOffset + r.u8() };
    case DW_FORM.ref2:
      return { kind: "reference", offset: context.unitOffset + r.u16() };
    case DW_FORM.ref4:
      return { kind: "reference", offset: context.unitOffset + r.u32() };
    case DW_FORM.ref8:
      return { kind: "reference", offset: context.unitOffset + r.safeNumber(r.u64(), "reference") };
    case DW_FORM.ref_udata:
      return { kind: "reference", offset: context.unitOffset + r.ulebNumber() };
    case DW_FORM.ref_addr:
      // DWARF 2 sized ref_addr like an address; later versions like an offset.
      return { kind: "reference", offset: context.version <= 2 ? Number(r.unsigned(context.addressSize)) : r.offsetField(context.offsetSize) };
    case DW_FORM.sec_offset:
      return { kind: "secOffset", value: r.offsetField(context.offsetSize) };
    case DW_FORM.loclistx:
      r.uleb();
      return { kind: "other" };
    case DW_FORM.rnglistx:
      return { kind: "rnglistx", index: r.ulebNumber() };
    case DW_FORM.flag:
      return { kind: "flag", value: r.u8() !== 0 };
    case DW_FORM.flag_present:
      return { kind: "flag", value: true };
    case DW_FORM.ref_sig8:
      r.skip(8);
      return { kind: "other" };
    case DW_FORM.ref_sup4:
      r.skip(4);
      return { kind: "other" };
    case DW_FORM.ref_sup8:
      r.skip(8);
      return { kind: "other" };
    case DW_FORM.strp_sup:
    case DW_FORM.GNU_ref_alt:
    case DW_FORM.GNU_strp_alt:
      r.offsetField(context.offsetSize);
      return { kind: "other" };
    case DW_FORM.indirect:
      return readForm(r, r.ulebNumber(), context, implicitConst);
    default:
      return r.fail(`unknown attribute form 0x${form.toString(16)}`, at);
  }
}
