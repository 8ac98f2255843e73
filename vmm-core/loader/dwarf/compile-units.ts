/**
 * .debug_info (DWARF 4 and 5 unit headers, §7.5.1): walks every DIE of every
 * unit and keeps what the debugger needs: per unit the line-table offset and
 * compilation directory, and every DW_TAG_subprogram with code (name and
 * address ranges), and every DW_TAG_inlined_subroutine (entry pc, ranges,
 * call site) at whatever depth it nests. Names of out-of-line copies and of
 * inlined instances come through DW_AT_abstract_origin / DW_AT_specification.
 */
import { readAbbreviations, type AbbreviationTable } from "./abbreviations";
import { ByteReader } from "./byte-reader";
import { DwarfError, hexOffset } from "./errors";
import { readForm, type FormContext, type FormValue } from "./forms";
import { readRanges, type AddressRange } from "./ranges";
import { addressOf, stringOf, type DebugSections, type UnitBases } from "./sections";

const DW_TAG_compile_unit = 0x11;
const DW_TAG_inlined_subroutine = 0x1d;
const DW_TAG_subprogram = 0x2e;
const DW_TAG_partial_unit = 0x3c;
const DW_TAG_skeleton_unit = 0x4a;

const DW_AT = {
  name: 0x03,
  stmt_list: 0x10,
  low_pc: 0x11,
  high_pc: 0x12,
  comp_dir: 0x1b,
  abstract_origin: 0x31,
  specification: 0x47,
  entry_pc: 0x52,
  ranges: 0x55,
  call_file: 0x58,
  call_line: 0x59,
  str_offsets_base: 0x72,
  addr_base: 0x73,
  rnglists_base: 0x74,
  GNU_addr_base: 0x2133,
} as const;

const DW_UT_compile = 1;
const DW_UT_type = 2;
const DW_UT_partial = 3;
const DW_UT_skeleton = 4;
const DW_UT_split_compile = 5;
const DW_UT_split_type = 6;

export interface CompileUnit {
  offset: number;
  version: number;
  name: string;
  compDir: string;
  /** DW_AT_stmt_list: offset of the unit's line program in .debug_line. */
  lineOffset: number | undefined;
}

export interface Subprogram {
  name: string;
  ranges: AddressRange[];
}

/** One copy of a function GCC inlined into another (DW_TAG_inlined_subroutine). */
export interface InlinedSubroutine {
  name: string;
  /** Where a breakpoint on the function goes: DW_AT_entry_pc, else DW_AT_low_pc, else the first range's start. */
  entry: bigint;
  ranges: AddressRange[];
  /** DW_AT_stmt_list of the unit, whose line-program file table DW_AT_call_file indexes. */
  lineOffset: number | undefined;
  callFile: number | undefined;
  callLine: number | undefined;
  /** DIE nesting depth: a copy inlined into another copy lies deeper. */
  depth: number;
}

export interface UnitsAndFunctions {
  units: CompileUnit[];
  subprograms: Subprogram[];
  inlined: InlinedSubroutine[];
}

interface PendingSubprogram {
  name: string | undefined;
  origin: number | undefined;
  ranges: AddressRange[];
}

/** Attributes of one DIE that matter here, raw. */
interface DieAttributes {
  name?: FormValue;
  lowPc?: FormValue;
  highPc?: FormValue;
  ranges?: FormValue;
  entryPc?: FormValue;
  callFile?: FormValue;
  callLine?: FormValue;
  stmtList?: FormValue;
  compDir?: FormValue;
  origin?: FormValue;
  strOffsetsBase?: FormValue;
  addrBase?: FormValue;
  rnglistsBase?: FormValue;
}

/** Which DieAttributes field each attribute this reader uses fills (abstract_origin and specification both lead to the origin). */
const attributeFields: ReadonlyMap<number, keyof DieAttributes> = new Map([
  [DW_AT.name, "name"],
  [DW_AT.low_pc, "lowPc"],
  [DW_AT.high_pc, "highPc"],
  [DW_AT.ranges, "ranges"],
  [DW_AT.entry_pc, "entryPc"],
  [DW_AT.call_file, "callFile"],
  [DW_AT.call_line, "callLine"],
  [DW_AT.stmt_list, "stmtList"],
  [DW_AT.comp_dir, "compDir"],
  [DW_AT.abstract_origin, "origin"],
  [DW_AT.specification, "origin"],
  [DW_AT.str_offsets_base, "strOffsetsBase"],
  [DW_AT.addr_base, "addrBase"],
  [DW_AT.GNU_addr_base, "addrBase"],
  [DW_AT.rnglists_base, "rnglistsBase"],
]);

function remember(attributes: DieAttributes, name: number, value: FormValue): void {
  const field = attributeFields.get(name);
  if (field !== undefined) attributes[field] = value;
}

function sectionOffset(value: FormValue | undefined): number | undefined {
  if (value?.kind === "secOffset") return value.value;
  if (value?.kind === "constant") return Number(value.value); // DWARF 2/3 used data4 for section offsets
  return undefined;
}

export function readUnitsAndFunctions(sections: DebugSections): UnitsAndFunctions {
  const units: CompileUnit[] = [];
  const pending: PendingSubprogram[] = [];
  const pendingInlined: (Omit<InlinedSubroutine, "name"> & { origin: number | undefined })[] = [];
  /** Name of every subprogram DIE by .debug_info offset, and where a nameless one points. */
  const names = new Map<number, string>();
  const origins = new Map<number, number>();
  const abbreviationCache = new Map<number, AbbreviationTable>();
  const r: ByteReader = new ByteReader(sections.info, ".debug_info");

  while (!r.atEnd) {
    const unitOffset = r.offset;
    const { offsetSize, end } = r.initialLength("compilation unit");
    const version = r.u16();
    if (version < 2 || version > 5) r.fail(`unsupported DWARF version ${version} in the unit at ${hexOffset(unitOffset)}`);
    let unitType = DW_UT_compile;
    let addressSize: number;
    let abbrevOffset: number;
    if (version >= 5) {
      unitType = r.u8();
      addressSize = r.u8();
      abbrevOffset = r.offsetField(offsetSize);
      if (unitType === DW_UT_skeleton || unitType === DW_UT_split_compile) r.skip(8);
      else if (unitType === DW_UT_type || unitType === DW_UT_split_type) r.skip(8 + offsetSize);
      else if (unitType !== DW_UT_compile && unitType !== DW_UT_partial) r.fail(`unknown unit type ${unitType}`);
    } else {
      abbrevOffset = r.offsetField(offsetSize);
      addressSize = r.u8();
    }
    if (addressSize !== 4 && addressSize !== 8) r.fail(`unsupported address size ${addressSize} in the unit at ${hexOffset(unitOffset)}`);
    let abbreviations = abbreviationCache.get(abbrevOffset);
    if (!abbreviations) {
      abbreviations = readAbbreviations(sections.abbrev, abbrevOffset);
      abbreviationCache.set(abbrevOffset, abbreviations);
    }
    const context: FormContext = { addressSize, offsetSize, unitOffset, version };
    const bases: UnitBases = { offsetSize, addressSize, strOffsetsBase: 8, addrBase: 8, rnglistsBase: 12 };
    let unit: CompileUnit | undefined;
    let unitBase = 0n;
    const unitSubprograms: { offset: number; attributes: DieAttributes }[] = [];
    const unitInlined: { attributes: DieAttributes; depth: number }[] = [];
    let depth = 0;

    while (r.offset < end) {
      const dieOffset = r.offset;
      const code = r.ulebNumber();
      if (code === 0) {
        depth--;
        continue;
      }
      const abbreviation = abbreviations.get(code);
      if (!abbreviation) r.fail(`unknown abbreviation code ${code} (table at .debug_abbrev ${hexOffset(abbrevOffset)})`, dieOffset);
      const attributes: DieAttributes = {};
      for (const spec of abbreviation.attributes) remember(attributes, spec.name, readForm(r, spec.form, context, spec.implicitConst));
      const tag = abbreviation.tag;
      if (depth === 0 && (tag === DW_TAG_compile_unit || tag === DW_TAG_partial_unit || tag === DW_TAG_skeleton_unit)) {
        // The unit DIE sets the bases every indexed form of the unit needs.
        bases.strOffsetsBase = sectionOffset(attributes.strOffsetsBase) ?? bases.strOffsetsBase;
        bases.addrBase = sectionOffset(attributes.addrBase) ?? bases.addrBase;
        bases.rnglistsBase = sectionOffset(attributes.rnglistsBase) ?? bases.rnglistsBase;
        unitBase = addressOf(sections, attributes.lowPc, bases) ?? 0n;
        unit = {
          offset: unitOffset,
          version,
          name: stringOf(sections, attributes.name, bases) ?? "",
          compDir: stringOf(sections, attributes.compDir, bases) ?? "",
          lineOffset: sectionOffset(attributes.stmtList),
        };
        units.push(unit);
      } else if (tag === DW_TAG_subprogram) {
        unitSubprograms.push({ offset: dieOffset, attributes });
      } else if (tag === DW_TAG_inlined_subroutine) {
        unitInlined.push({ attributes, depth });
      }
      if (abbreviation.hasChildren) depth++;
    }
    r.offset = end;

    for (const { offset, attributes } of unitSubprograms) {
      const name = stringOf(sections, attributes.name, bases);
      if (name !== undefined) names.set(offset, name);
      if (attributes.origin?.kind === "reference") origins.set(offset, attributes.origin.offset);
      const ranges = subprogramRanges(sections, attributes, bases, version, unitBase);
      if (ranges.length > 0) pending.push({ name, origin: attributes.origin?.kind === "reference" ? attributes.origin.offset : undefined, ranges });
    }
    for (const { attributes, depth } of unitInlined) {
      const ranges = subprogramRanges(sections, attributes, bases, version, unitBase);
      // An empty copy (high_pc 0) has no code left to stop in; gdb leaves it out too.
      if (ranges.length === 0) continue;
      const entry = entryPc(sections, attributes, bases, ranges);
      if (entry === undefined) continue;
      pendingInlined.push({
        origin: attributes.origin?.kind === "reference" ? attributes.origin.offset : undefined,
        entry,
        ranges,
        lineOffset: unit?.lineOffset,
        callFile: constantOf(attributes.callFile),
        callLine: constantOf(attributes.callLine),
        depth,
      });
    }
  }

  const nameThrough = (offset: number | undefined): string | undefined => {
    // Chains are short (concrete → abstract → declaration); the bound guards against cycles.
    for (let hops = 0; offset !== undefined && hops < 8; hops++) {
      const name = names.get(offset);
      if (name !== undefined) return name;
      offset = origins.get(offset);
    }
    return undefined;
  };
  const subprograms = pending.map((p) => ({ name: p.name ?? nameThrough(p.origin) ?? "", ranges: p.ranges }));
  const inlined = pendingInlined.map(({ origin, ...rest }) => ({ name: nameThrough(origin) ?? "", ...rest }));
  return { units, subprograms, inlined };
}

/**
 * DW_AT_entry_pc: an address, or (DWARF 5 constant class) an offset from the
 * copy's base (low_pc or the first range's start); without one, that base.
 * GCC sometimes names an entry just before the copy's code (the instruction
 * it shares with the caller): like gdb, such an entry pc is ignored for the base.
 */
function entryPc(sections: DebugSections, attributes: DieAttributes, bases: UnitBases, ranges: readonly AddressRange[]): bigint | undefined {
  const low = addressOf(sections, attributes.lowPc, bases) ?? ranges[0]?.low;
  const value = attributes.entryPc;
  const entry = value?.kind === "constant" ? (low === undefined ? undefined : low + value.value) : addressOf(sections, value, bases);
  return entry !== undefined && ranges.some((r) => entry >= r.low && entry < r.high) ? entry : low;
}

function constantOf(value: FormValue | undefined): number | undefined {
  return value?.kind === "constant" ? Number(value.value) : undefined;
}

function subprogramRanges(sections: DebugSections, attributes: DieAttributes, bases: UnitBases, version: number, unitBase: bigint): AddressRange[] {
  if (attributes.ranges) return readRanges(sections, attributes.ranges, bases, version, unitBase);
  const low = addressOf(sections, attributes.lowPc, bases);
  if (low === undefined || !attributes.highPc) return [];
  const high = attributes.highPc;
  // DWARF 4+: a constant-class high_pc is the size; an address-class one is the end.
  const end = high.kind === "constant" ? low + high.value : addressOf(sections, high, bases);
  if (end === undefined) throw new DwarfError(`.debug_info: DW_AT_high_pc of unexpected form ${high.kind}`);
  return end > low ? [{ low, high: end }] : [];
}
