/**
 * DWARF for the debugger: line tables (v4 and v5), subprogram ranges and
 * inlined copies from .debug_info and call frame information from .debug_frame and .eh_frame,
 * read from a linked RISC-V executable. This module is the public face;
 * each part lives in its own file beside it.
 */
import { LoadError } from "../../machine/errors";
import { parseElf } from "../elf";
import { readUnitsAndFunctions, type CompileUnit } from "./compile-units";
import { DwarfError } from "./errors";
import { FrameTable } from "./frame-table";
import { FunctionIndex } from "./functions";
import { InlineIndex, type InlinedFunction } from "./inlined";
import { readLineUnit, type LineUnit } from "./line-program";
import { LineTable } from "./line-table";
import { debugSections, type DebugSections } from "./sections";

export { DwarfError } from "./errors";
export type { InlinedFunction } from "./inlined";

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  address: bigint;
  isStatement: boolean;
}
export interface FunctionInfo {
  name: string;
  low: bigint;
  high: bigint /* exclusive */;
}
export interface UnwoundFrame {
  pc: bigint /* return address */;
  cfa: bigint;
  registers: Map<number, bigint> /* x-register number → value in the caller */;
}
export interface LocateOptions {
  /**
   * Of several rows at pc's address, take the last is_stmt one, as gdb does
   * (a breakpoint on line 65 stops "at line 65"), instead of addr2line's last row.
   */
  preferStatement?: boolean;
}
export interface DebugInfo {
  readonly hasLineInfo: boolean;
  readonly hasFrameInfo: boolean;
  /** The line-table row covering pc (greatest row address <= pc within its sequence, pc < sequence end). `file` is the full path as DWARF names it (comp dir + dir + name joined, normalized). */
  locate(pc: bigint, options?: LocateOptions): SourceLocation | undefined;
  /** is_stmt addresses for file:line (file matched by full path or by path suffix on '/' boundaries, e.g. "kernel.c" or "src/kernel.c"); when the line has no code, the next line that has (within the same function/sequence); undefined if the file is unknown. Addresses sorted, deduplicated, lowest first-of-each-block. */
  addressesForLine(file: string, line: number): { line: number; addresses: bigint[] } | undefined;
  /** Every source file named by the line tables (full paths). */
  files(): string[];
  functionAt(pc: bigint): FunctionInfo | undefined;
  functionsNamed(name: string): FunctionInfo[];
  /** The copies of `name` the compiler inlined (DW_TAG_inlined_subroutine), each with its entry pc; functionsNamed has only out-of-line code. */
  inlinedNamed(name: string): InlinedFunction[];
  /** The inlined copies whose ranges cover pc, innermost first; empty outside inlined code. */
  inlinedAt(pc: bigint): InlinedFunction[];
  /** Applies the CFI row for pc: caller's registers (ra → pc) given the current ones; undefined when no FDE covers pc or a rule can't be evaluated. */
  unwind(pc: bigint, register: (n: number) => bigint, readU64: (address: bigint) => bigint | undefined): UnwoundFrame | undefined;
}

/** Reads whatever debug sections the ELF has; never throws on missing sections (empty answers); throws DwarfError (a clear message naming the section and offset) on malformed data — callers show it and continue without DWARF. `loadOffset` is added to every address (symbolFiles loaded elsewhere). */
export function readDebugInfo(elf: Uint8Array, options?: { loadOffset?: bigint }): DebugInfo {
  const loadOffset = options?.loadOffset ?? 0n;
  let sections: DebugSections;
  try {
    sections = debugSections(parseElf(elf, "debug information file"));
  } catch (error) {
    if (error instanceof LoadError) throw new DwarfError(error.message);
    throw error;
  }
  const { units, subprograms, inlined } = sections.info.length > 0 ? readUnitsAndFunctions(sections) : { units: [], subprograms: [], inlined: [] };
  const lineUnits = readLineUnits(sections, units);
  const lines = new LineTable(lineUnits, loadOffset);
  const functions = new FunctionIndex(subprograms, loadOffset);
  const inlinedCopies = new InlineIndex(inlined, lineUnits, loadOffset);
  const frames = new FrameTable(
    [
      { bytes: sections.ehFrame, name: ".eh_frame", address: sections.ehFrameAddress },
      { bytes: sections.frame, name: ".debug_frame", address: 0n },
    ],
    loadOffset,
  );
  return {
    hasLineInfo: !lines.isEmpty,
    hasFrameInfo: !frames.isEmpty,
    locate: (pc, options) => lines.locate(pc, options?.preferStatement === true),
    addressesForLine: (file, line) =>
      lines.addressesForLine(file, line, (address) => functions.at(address)?.low),
    files: () => lines.files(),
    functionAt: (pc) => functions.at(pc),
    functionsNamed: (name) => functions.named(name),
    inlinedNamed: (name) => inlinedCopies.named(name),
    inlinedAt: (pc) => inlinedCopies.at(pc),
    unwind: (pc, register, readU64) => frames.unwind(pc, register, readU64),
  };
}

/**
 * The line programs the units name (with their compilation directory, which
 * DWARF 4 headers lack); without units, every program in .debug_line in
 * turn. Going by the units' offsets also steps over any padding a linker
 * leaves between programs.
 */
function readLineUnits(sections: DebugSections, units: readonly CompileUnit[]): LineUnit[] {
  const compDirs = new Map<number, string>();
  for (const unit of units) if (unit.lineOffset !== undefined && !compDirs.has(unit.lineOffset)) compDirs.set(unit.lineOffset, unit.compDir);
  if (compDirs.size > 0) return [...compDirs].map(([offset, compDir]) => readLineUnit(sections, offset, compDir));
  const result: LineUnit[] = [];
  for (let offset = 0; offset < sections.line.length; offset = result[result.length - 1].end) {
    result.push(readLineUnit(sections, offset, ""));
  }
  return result;
}
