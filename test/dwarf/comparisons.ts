/**
 * The comparisons every DWARF test makes against binutils, for any ELF:
 * line rows (readelf), per-instruction location and function (addr2line),
 * CFI rows (readelf frames-interp). Each returns how much it compared so a
 * test can insist that it compared something.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { CfaRule, RegisterRule } from "../../vmm-core/loader/dwarf/cfa-program";
import { FrameTable } from "../../vmm-core/loader/dwarf/frame-table";
import type { DebugInfo } from "../../vmm-core/loader/dwarf/index";
import { hasPathSuffix, normalize } from "../../vmm-core/loader/dwarf/paths";
import { parseElf } from "../../vmm-core/loader/elf";
import { addr2line, decodedLineSequences, framesInterp, instructionAddresses, rowCovering } from "./reference-output";

export const hex = (a: bigint): string => "0x" + a.toString(16);

/** Every address readelf's decoded line table lists: locate() gives the last row at that address. */
export function compareLineRows(elfPath: string, info: DebugInfo): number {
  let checked = 0;
  for (const { rows } of decodedLineSequences(elfPath)) {
    const last = new Map<bigint, (typeof rows)[number]>();
    for (const row of rows) last.set(row.address, row);
    for (const [address, row] of last) {
      const found = info.locate(address);
      assert.ok(found, `no location for ${hex(address)}`);
      assert.ok(hasPathSuffix(found.file, row.file), `file at ${hex(address)}: ${found.file}, readelf: ${row.file}`);
      assert.equal(found.line, row.line, `line at ${hex(address)}`);
      assert.equal(found.isStatement, row.isStatement, `is_stmt at ${hex(address)}`);
      assert.equal(found.address, address);
      checked++;
    }
  }
  return checked;
}

/**
 * Every instruction objdump -d lists: locate() against addr2line's line,
 * functionAt() against addr2line's outermost function (`-i`: inlined
 * callees are not functions of their own). `asmFunctions` are symbols
 * addr2line names from the symbol table, with no DW_TAG_subprogram.
 */
export function compareWithAddr2line(elfPath: string, info: DebugInfo, asmFunctions: readonly string[]): { checked: number; lost: number } {
  const addresses = instructionAddresses(elfPath);
  const reference = addr2line(elfPath, addresses);
  const sequences = decodedLineSequences(elfPath);
  let lost = 0;
  for (const address of addresses) {
    const expected = reference.get(address)!;
    const found = info.locate(address);
    const row = rowCovering(sequences, address);
    if (expected.file === undefined && row) {
      // binutils 2.40's addr2line loses a unit whose DW_AT_ranges starts with an empty range
      // (gcc -O2 puts main in .text.startup); readelf's rows are the reference there.
      lost++;
      assert.ok(found && hasPathSuffix(found.file, row.file), `file at ${hex(address)}`);
      assert.equal(found?.line, row.line, `line at ${hex(address)}`);
    } else if (expected.file === undefined) {
      assert.equal(found, undefined, `no line at ${hex(address)}`);
    } else {
      assert.equal(found?.file, normalize(expected.file), `file at ${hex(address)}`);
      assert.equal(found?.line, expected.line, `line at ${hex(address)}`);
    }
    const fn = info.functionAt(address);
    if (expected.function === undefined || asmFunctions.includes(expected.function)) {
      assert.equal(fn, undefined, `no DW_TAG_subprogram covers ${hex(address)}`);
    } else {
      assert.equal(fn?.name, expected.function, `function at ${hex(address)}`);
      assert.ok(fn && fn.low <= address && address < fn.high);
    }
  }
  assert.ok(lost < addresses.length / 2, `addr2line lost ${lost} of ${addresses.length} addresses`);
  return { checked: addresses.length, lost };
}

/** readelf's names for the DWARF registers of RISC-V. */
export const registerNames = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"];

function cfaText(rule: CfaRule): string {
  return rule.kind === "expression" ? "exp" : `${registerNames[rule.register]}${rule.offset < 0n ? "" : "+"}${rule.offset}`;
}

/** As readelf prints a rule; "u" also stands for "no rule" (a register restored to the CIE's nothing). */
function ruleText(rule: RegisterRule | undefined): string {
  if (!rule) return "u";
  switch (rule.kind) {
    case "undefined":
      return "u";
    case "sameValue":
      return "s";
    case "offset":
      return `c${rule.offset < 0n ? "" : "+"}${rule.offset}`;
    case "valOffset":
      return `v${rule.offset < 0n ? "" : "+"}${rule.offset}`;
    case "register":
      return `r${rule.register}`;
    case "expression":
      return "exp";
    case "valExpression":
      return "vexp";
  }
}

/** Every row readelf interprets for the section, against ours: CFA rule and every register column. */
export function compareFrameRows(elfPath: string, sectionName: ".eh_frame" | ".debug_frame"): number {
  const elf = parseElf(new Uint8Array(readFileSync(elfPath)), elfPath);
  const section = elf.findSection(sectionName);
  assert.ok(section, `${sectionName} missing`);
  const table = new FrameTable([{ bytes: section.data, name: sectionName, address: section.section.address }], 0n);
  const reference = framesInterp(elfPath);
  assert.ok(reference.length >= 1, "readelf shows no FDE");
  let rows = 0;
  for (const fde of reference) {
    assert.equal(table.entryFor(fde.low)?.low, fde.low);
    assert.equal(table.entryFor(fde.high - 1n)?.high, fde.high);
    for (const expected of fde.rows) {
      const row = table.rowFor(expected.address);
      const where = `at ${hex(expected.address)}`;
      assert.ok(row, `no row ${where}`);
      assert.equal(cfaText(row.cfa), expected.cfa, `CFA ${where}`);
      for (const [column, text] of expected.registers) {
        const register = registerNames.indexOf(column);
        assert.ok(register >= 0, `unknown column ${column}`);
        assert.equal(ruleText(row.registers.get(register)), text, `${column} ${where}`);
      }
      for (const register of row.registers.keys()) assert.ok(expected.registers.has(registerNames[register]), `extra rule for ${registerNames[register]} ${where}`);
      rows++;
    }
  }
  return rows;
}
