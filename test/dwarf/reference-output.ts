/**
 * Parsers for what binutils prints about a program's DWARF: decoded line
 * rows (readelf --debug-dump=decodedline), addr2line's function and
 * location per address, the CFI table (readelf --debug-dump=frames-interp)
 * and instruction addresses from objdump -d.
 */
import { run, toolchain } from "./guest-program";

export interface DecodedRow {
  /** The base name readelf prints. */
  file: string;
  line: number;
  address: bigint;
  isStatement: boolean;
}

export interface DecodedSequence {
  rows: DecodedRow[];
  /** Address of the end_sequence row (printed with line "-"). */
  end: bigint;
}

/** Line rows per sequence. */
export function decodedLineSequences(elf: string): DecodedSequence[] {
  const sequences: DecodedSequence[] = [];
  let current: DecodedRow[] = [];
  for (const text of run(toolchain.readelf, ["-W", "--debug-dump=decodedline", elf]).split("\n")) {
    const m = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+\d+)?(\s+x)?\s*$/.exec(text);
    if (!m) continue;
    if (m[2] === "-") {
      sequences.push({ rows: current, end: BigInt(m[3]) });
      current = [];
    } else {
      current.push({ file: m[1], line: Number(m[2]), address: BigInt(m[3]), isStatement: m[4] !== undefined });
    }
  }
  return sequences;
}

/** The row readelf's table gives for pc: the last row at the greatest address <= pc in the sequence covering pc. */
export function rowCovering(sequences: readonly DecodedSequence[], pc: bigint): DecodedRow | undefined {
  for (const { rows, end } of sequences) {
    if (rows.length === 0 || pc < rows[0].address || pc >= end) continue;
    let found: DecodedRow | undefined;
    for (const row of rows) if (row.address <= pc) found = row;
    return found;
  }
  return undefined;
}

export function instructionAddresses(elf: string): bigint[] {
  const addresses: bigint[] = [];
  for (const text of run(toolchain.objdump, ["-d", elf]).split("\n")) {
    const m = /^\s*([0-9a-f]+):\t/.exec(text);
    if (m) addresses.push(BigInt("0x" + m[1]));
  }
  return addresses;
}

export interface Addr2Line {
  /** The outermost function (the last of the inline chain), undefined for "??". */
  function: string | undefined;
  /** The line-table location (first of the chain), undefined for "??:?" / "??:0". */
  file: string | undefined;
  line: number | undefined;
}

/** addr2line -f -i -a for many addresses in one run. */
export function addr2line(elf: string, addresses: readonly bigint[]): Map<bigint, Addr2Line> {
  const result = new Map<bigint, Addr2Line>();
  const text = run(toolchain.addr2line, ["-e", elf, "-f", "-i", "-a", ...addresses.map((a) => "0x" + a.toString(16))]);
  const lines = text.split("\n").filter((l) => l !== "");
  let i = 0;
  while (i < lines.length) {
    const address = BigInt(lines[i++]);
    const chain: { function: string; location: string }[] = [];
    while (i < lines.length && !/^0x[0-9a-f]+$/.test(lines[i])) {
      chain.push({ function: lines[i], location: lines[i + 1] });
      i += 2;
    }
    const location = chain[0].location.replace(/ \(discriminator \d+\)$/, "");
    const m = /^(.*):(\d+|\?)$/.exec(location);
    const known = m && m[1] !== "??" && m[2] !== "?" && m[2] !== "0";
    const outermost = chain[chain.length - 1].function;
    result.set(address, {
      function: outermost === "??" ? undefined : outermost,
      file: known ? m[1] : undefined,
      line: known ? Number(m[2]) : undefined,
    });
  }
  return result;
}

export interface ReferenceFrameRow {
  address: bigint;
  /** "sp+16", "s0+0" … as readelf prints it. */
  cfa: string;
  /** Column name ("ra", "s0") → rule as readelf prints it ("c-8", "u", "s" …). */
  registers: Map<string, string>;
}

export interface ReferenceFde {
  low: bigint;
  high: bigint;
  rows: ReferenceFrameRow[];
}

/** Every FDE of .eh_frame and .debug_frame with its interpreted rows. */
export function framesInterp(elf: string): ReferenceFde[] {
  const fdes: ReferenceFde[] = [];
  let columns: string[] = [];
  let fde: ReferenceFde | undefined;
  for (const text of run(toolchain.readelf, ["-W", "--debug-dump=frames-interp", elf]).split("\n")) {
    const header = /FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.([0-9a-f]+)/.exec(text);
    if (header) {
      fde = { low: BigInt("0x" + header[1]), high: BigInt("0x" + header[2]), rows: [] };
      fdes.push(fde);
      continue;
    }
    if (/ CIE /.test(text)) {
      fde = undefined;
      continue;
    }
    if (/^\s+LOC\s+CFA/.test(text)) {
      columns = text.trim().split(/\s+/).slice(2);
      continue;
    }
    // "r5 (t0)" (register rule) is one cell.
    const row = /^([0-9a-f]{8,16}) (.*)$/.exec(text.replace(/\b(r\d+) \(\w+\)/g, "$1"));
    if (row && fde) {
      const [cfa, ...rules] = row[2].trim().split(/\s+/);
      fde.rows.push({ address: BigInt("0x" + row[1]), cfa, registers: new Map(columns.map((c, i) => [c, rules[i]])) });
    }
  }
  return fdes;
}
