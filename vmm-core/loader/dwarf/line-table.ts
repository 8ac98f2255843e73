/**
 * Queries over the line programs of every unit: pc → source location, and
 * source line → breakpoint addresses (through a per-file index built on
 * the first query for that file).
 */
import type { LineSequence, LineUnit } from "./line-program";
import { hasPathSuffix } from "./paths";

export interface LineLocation {
  file: string;
  line: number;
  column: number;
  address: bigint;
  isStatement: boolean;
}

interface Sequence {
  unit: LineUnit;
  rows: LineSequence;
  /** With the load offset applied. */
  start: bigint;
  end: bigint;
}

/** A row of one source file: where it sits (sequence, row) and its line. */
interface FileRow {
  sequence: number;
  row: number;
  line: number;
}

interface FileIndex {
  /** Sorted by line, then by position. */
  rows: FileRow[];
  /** Per block (function, else sequence): the lowest line of this file in it. */
  lowestLine: Map<string, number>;
}

export class LineTable {
  private readonly sequences: Sequence[] = [];
  private readonly allFiles: string[];
  private readonly byFile = new Map<string, FileIndex>();

  constructor(units: readonly LineUnit[], loadOffset: bigint) {
    const files = new Set<string>();
    for (const unit of units) {
      for (const file of unit.files) if (file !== "") files.add(file);
      for (const rows of unit.sequences) {
        if (rows.offsets.length > 0) this.sequences.push({ unit, rows, start: rows.start + loadOffset, end: rows.end + loadOffset });
      }
    }
    this.sequences.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    this.allFiles = [...files].sort();
  }

  get isEmpty(): boolean {
    return this.sequences.length === 0;
  }

  files(): string[] {
    return [...this.allFiles];
  }

  private location(sequence: Sequence, row: number): LineLocation {
    const rows = sequence.rows;
    return {
      file: sequence.unit.files[rows.files[row]] ?? "",
      line: rows.lines[row],
      column: rows.columns[row],
      address: sequence.start + BigInt(rows.offsets[row]),
      isStatement: rows.statements[row],
    };
  }

  locate(pc: bigint, preferStatement = false): LineLocation | undefined {
    // Sequences may overlap (code the linker discarded keeps its rows at address 0), so look back for one that covers pc.
    for (let i = lastAtOrBelow(this.sequences, pc, (s) => s.start); i >= 0; i--) {
      const sequence = this.sequences[i];
      if (pc >= sequence.end) continue;
      // The last row at the greatest address <= pc: of several rows at one address the last wins, as in addr2line.
      let row = lastNumberAtOrBelow(sequence.rows.offsets, Number(pc - sequence.start));
      if (row < 0) continue;
      if (preferStatement) {
        const offsets = sequence.rows.offsets;
        let candidate = row;
        while (candidate >= 0 && offsets[candidate] === offsets[row] && !sequence.rows.statements[candidate]) candidate--;
        if (candidate >= 0 && offsets[candidate] === offsets[row]) row = candidate;
      }
      return this.location(sequence, row);
    }
    return undefined;
  }

  /**
   * Breakpoint addresses for file:line: the first is_stmt address of every
   * run of rows for that line. A line without code moves to the next line
   * with code inside a block (`blockOf`: the function, else the sequence)
   * that also has code before the requested line.
   */
  addressesForLine(file: string, line: number, blockOf: (address: bigint) => bigint | undefined): { line: number; addresses: bigint[] } | undefined {
    const paths = this.allFiles.filter((path) => hasPathSuffix(path, file));
    if (paths.length === 0) return undefined;
    const indices = paths.map((path) => this.fileIndex(path, blockOf));

    let target: number | undefined;
    for (const index of indices) {
      for (let i = firstLineAtOrAbove(index.rows, line); i < index.rows.length; i++) {
        const entry = index.rows[i];
        if (target !== undefined && entry.line >= target) break;
        const sequence = this.sequences[entry.sequence];
        if (!sequence.rows.statements[entry.row]) continue;
        if (entry.line !== line && (index.lowestLine.get(this.blockKey(entry, blockOf)) ?? Infinity) > line) continue;
        target = entry.line;
      }
    }
    if (target === undefined) return { line, addresses: [] };

    const addresses = new Set<bigint>();
    for (const [n, index] of indices.entries()) {
      const path = paths[n];
      const first = firstLineAtOrAbove(index.rows, target);
      for (let i = first; i < index.rows.length && index.rows[i].line === target; i++) {
        const { sequence: s, row } = index.rows[i];
        const sequence = this.sequences[s];
        const rows = sequence.rows;
        const sameLine = (r: number): boolean => rows.lines[r] === target && sequence.unit.files[rows.files[r]] === path;
        // Only the start of a run of rows for this line yields an address: its first is_stmt row.
        if (row > 0 && sameLine(row - 1)) continue;
        for (let r = row; r < rows.offsets.length && sameLine(r); r++) {
          if (rows.statements[r]) {
            addresses.add(sequence.start + BigInt(rows.offsets[r]));
            break;
          }
        }
      }
    }
    return { line: target, addresses: [...addresses].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
  }

  private blockKey(entry: FileRow, blockOf: (address: bigint) => bigint | undefined): string {
    const sequence = this.sequences[entry.sequence];
    const low = blockOf(sequence.start + BigInt(sequence.rows.offsets[entry.row]));
    return low !== undefined ? `f${low}` : `s${entry.sequence}`;
  }

  private fileIndex(path: string, blockOf: (address: bigint) => bigint | undefined): FileIndex {
    let index = this.byFile.get(path);
    if (index) return index;
    const rows: FileRow[] = [];
    this.sequences.forEach((sequence, s) => {
      const files = sequence.unit.files;
      const lines = sequence.rows.lines;
      sequence.rows.files.forEach((fileNumber, row) => {
        if (files[fileNumber] === path && lines[row] !== 0) rows.push({ sequence: s, row, line: lines[row] });
      });
    });
    rows.sort((a, b) => a.line - b.line || a.sequence - b.sequence || a.row - b.row);
    const lowestLine = new Map<string, number>();
    for (const entry of rows) {
      const key = this.blockKey(entry, blockOf);
      // Rows are sorted by line, so the first row seen in a block has its lowest line.
      if (!lowestLine.has(key)) lowestLine.set(key, entry.line);
    }
    index = { rows, lowestLine };
    this.byFile.set(path, index);
    return index;
  }
}

/** Index of the last element whose key is <= value, or -1. */
export function lastAtOrBelow<T>(items: readonly T[], value: bigint, key: (item: T) => bigint): number {
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (key(items[middle]) <= value) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function lastNumberAtOrBelow(items: readonly number[], value: number): number {
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (items[middle] <= value) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

function firstLineAtOrAbove(rows: readonly FileRow[], line: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (rows[middle].line < line) low = middle + 1;
    else high = middle;
  }
  return low;
}
