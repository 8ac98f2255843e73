/**
 * Test support: runs binutils' readelf on a file and parses its output, so
 * tests compare parseElf against an independent reader rather than itself.
 */
import { execFileSync } from "node:child_process";

export const READELF = "riscv64-unknown-elf-readelf";

export interface ReadelfSegment {
  type: string;
  offset: bigint;
  virtualAddress: bigint;
  physicalAddress: bigint;
  fileSize: bigint;
  memorySize: bigint;
  /** readelf's letters, e.g. "RWE" or "R E". */
  flags: string;
}

export interface ReadelfSymbol {
  value: bigint;
  size: number;
  type: string;
  bind: string;
  ndx: string;
  name: string;
}

export interface ReadelfReport {
  type: string;
  entry: bigint;
  segments: ReadelfSegment[];
  /** Symbol tables by name (".symtab", ".dynsym"), entry 0 included. */
  symbolTables: Map<string, ReadelfSymbol[]>;
}

/** readelf prints sizes in decimal, or in hex with 0x when they are large. */
function number(text: string): bigint {
  return BigInt(text.startsWith("0x") ? text : `${text}`);
}

export function readelf(path: string): ReadelfReport {
  const text = execFileSync(READELF, ["-h", "-l", "-s", "-W", path], { encoding: "utf8" });
  const entry = /Entry point address:\s+(0x[0-9a-f]+)/.exec(text);
  const type = /^\s*Type:\s+(\S+)/m.exec(text);
  if (!entry || !type) throw new Error(`readelf output for ${path} has no ELF header`);
  const segments: ReadelfSegment[] = [];
  const segmentLine =
    /^\s+([A-Z_]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+([RWE ]{3})\s+0x[0-9a-f]+$/gm;
  for (const m of text.matchAll(segmentLine)) {
    segments.push({
      type: m[1]!,
      offset: BigInt(m[2]!),
      virtualAddress: BigInt(m[3]!),
      physicalAddress: BigInt(m[4]!),
      fileSize: BigInt(m[5]!),
      memorySize: BigInt(m[6]!),
      flags: m[7]!,
    });
  }
  const symbolTables = new Map<string, ReadelfSymbol[]>();
  let current: ReadelfSymbol[] | undefined;
  for (const line of text.split("\n")) {
    const table = /^Symbol table '([^']+)' contains \d+ entr/.exec(line);
    if (table) {
      current = [];
      symbolTables.set(table[1]!, current);
      continue;
    }
    const symbol = /^\s*\d+:\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)\s?(.*)$/.exec(line);
    if (current && symbol) {
      current.push({
        value: BigInt(`0x${symbol[1]!}`),
        size: Number(number(symbol[2]!)),
        type: symbol[3]!,
        bind: symbol[4]!,
        ndx: symbol[5]!,
        name: symbol[6]!,
      });
    } else if (line.trim() === "") {
      current = undefined;
    }
  }
  return { type: type[1]!, entry: BigInt(entry[1]!), segments, symbolTables };
}
