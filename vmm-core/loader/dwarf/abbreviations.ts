/**
 * .debug_abbrev (DWARF 5 §7.5.3): per unit, a table from abbreviation code
 * to tag, children flag and the (attribute, form) list its DIEs follow.
 */
import { ByteReader } from "./byte-reader";
import { DW_FORM } from "./forms";

export interface AttributeSpec {
  name: number;
  form: number;
  /** Only for DW_FORM_implicit_const: the value lives here, not in the DIE. */
  implicitConst: bigint;
}

export interface Abbreviation {
  code: number;
  tag: number;
  hasChildren: boolean;
  attributes: AttributeSpec[];
}

export type AbbreviationTable = Map<number, Abbreviation>;

/** Parses the table at `offset`; tables are shared between units, so callers cache by offset. */
export function readAbbreviations(section: Uint8Array, offset: number): AbbreviationTable {
  const r = new ByteReader(section, ".debug_abbrev", offset);
  if (offset >= section.length) r.fail(`abbreviation table offset is beyond the section (${section.length} bytes)`);
  const table: AbbreviationTable = new Map();
  for (;;) {
    const code = r.ulebNumber();
    if (code === 0) return table;
    const tag = r.ulebNumber();
    const hasChildren = r.u8() !== 0;
    const attributes: AttributeSpec[] = [];
    for (;;) {
      const name = r.ulebNumber();
      const form = r.ulebNumber();
      if (name === 0 && form === 0) break;
      const implicitConst = form === DW_FORM.implicit_const ? r.sleb() : 0n;
      attributes.push({ name, form, implicitConst });
    }
    table.set(code, { code, tag, hasChildren, attributes });
  }
}
