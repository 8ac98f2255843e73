/**
 * Source-level knowledge of the whole guest: the program's DWARF plus that
 * of every symbol file (firmware, user programs), each at its load offset,
 * and the ELF symbols of all of them. Breakpoints, stepping and stack
 * frames ask this one place.
 */
import { isAbsolute, join, relative } from "node:path";
import { parseElf, type ElfSymbol } from "../vmm-core/loader/elf";
import { readDebugInfo, DwarfError, type DebugInfo } from "../vmm-core/loader/dwarf";
import { LoadError } from "../vmm-core/machine/errors";
import { Symbolizer } from "./symbolizer";

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  address: bigint;
  isStatement: boolean;
}

export interface FunctionRange {
  name: string;
  low: bigint;
  /** Exclusive. */
  high: bigint;
}

export interface DebugInfoFile {
  /** The ELF's name, for messages. */
  name: string;
  info: DebugInfo | undefined;
  /**
   * The host folder relative DWARF paths start from: a build with
   * -ffile-prefix-map=$(CURDIR)=. (reproducible, as the samples are) names
   * its sources relative to the folder it was built in, the ELF's own.
   */
  folder?: string;
  /** Why there is no DWARF, when there is none. */
  problem?: string;
}

export class ProgramDebugInfo {
  readonly symbolizer: Symbolizer;

  constructor(
    readonly files: readonly DebugInfoFile[],
    readonly symbols: readonly ElfSymbol[],
  ) {
    this.symbolizer = new Symbolizer(symbols);
  }

  get hasLineInfo(): boolean {
    return this.files.some((file) => file.info?.hasLineInfo === true);
  }

  /** The source line of pc as gdb names it (see LocateOptions), its path as the host can open it. */
  locate(pc: bigint): SourceLocation | undefined {
    for (const file of this.files) {
      const location = file.info?.locate(pc, { preferStatement: true });
      if (location) return file.folder && !isAbsolute(location.file) ? { ...location, file: join(file.folder, location.file) } : location;
    }
    return undefined;
  }

  /** The DWARF of every file that has some (for the unwinder). */
  get debugInfos(): DebugInfo[] {
    return this.files.flatMap((file) => (file.info ? [file.info] : []));
  }

  /** The DWARF subprogram covering pc, without the ELF-symbol fallback. */
  sourceFunctionAt(pc: bigint): FunctionRange | undefined {
    for (const file of this.files) {
      const range = file.info?.functionAt(pc);
      if (range) return range;
    }
    return undefined;
  }

  /**
   * A stack frame's display name, as gdb shows an inlined function as its
   * own frame: inside an inlined copy, the innermost inlined function
   * ("page_fault (inlined into sample_trap)"); elsewhere `containing`.
   */
  frameName(pc: bigint, containing: string): string {
    for (const file of this.files) {
      const [innermost] = file.info?.inlinedAt(pc) ?? [];
      if (innermost) return `${innermost.name} (inlined into ${containing})`;
    }
    return containing;
  }

  functionAt(pc: bigint): FunctionRange | undefined {
    for (const file of this.files) {
      const range = file.info?.functionAt(pc);
      if (range) return range;
    }
    // ELF symbols stand in where there is no DWARF (assembly, stripped firmware).
    const symbol = this.symbolizer.lookup(pc);
    if (!symbol) return undefined;
    const elf = this.symbols.find((s) => s.name === symbol.name && s.value === pc - symbol.offset);
    return { name: symbol.name, low: pc - symbol.offset, high: pc - symbol.offset + BigInt(Math.max(elf?.size ?? 0, 0)) };
  }

  /**
   * Breakpoint addresses for a source line: the first file whose line table
   * has code at or after that line. `line` is the line that really has code.
   */
  addressesForLine(path: string, line: number): { line: number; addresses: bigint[] } | undefined {
    for (const file of this.files) {
      // A host path may be named relative to the ELF's folder in DWARF, also from a sibling folder ("../common/sbi.c").
      const inFolder = file.folder && isAbsolute(path) ? relative(file.folder, path) : undefined;
      const candidates = inFolder ? [path, inFolder] : [path];
      for (const candidate of candidates) {
        const found = file.info?.addressesForLine(candidate, line);
        if (found && found.addresses.length > 0) return found;
      }
    }
    return undefined;
  }

  /**
   * Entry addresses of the functions called `name`: DWARF subprograms, every
   * copy the compiler inlined (as gdb's `break name` binds each), and ELF
   * function symbols.
   */
  functionAddresses(name: string): bigint[] {
    const addresses = new Set<bigint>();
    for (const file of this.files) for (const range of file.info?.functionsNamed(name) ?? []) addresses.add(range.low);
    for (const file of this.files) for (const copy of file.info?.inlinedNamed(name) ?? []) addresses.add(copy.entry);
    for (const symbol of this.symbols) {
      if (symbol.name === name && symbol.sectionIndex !== 0 && (symbol.type === "func" || symbol.type === "notype")) addresses.add(symbol.value);
    }
    return [...addresses].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The value of an ELF symbol (for expressions), preferring data and functions over labels. */
  symbolValue(name: string): bigint | undefined {
    const matches = this.symbols.filter((s) => s.name === name && s.sectionIndex !== 0);
    const best = matches.find((s) => s.type === "object" || s.type === "func") ?? matches[0];
    return best?.value;
  }

  symbol(name: string): ElfSymbol | undefined {
    return this.symbols.find((s) => s.name === name && s.sectionIndex !== 0 && s.type === "object") ?? this.symbols.find((s) => s.name === name && s.sectionIndex !== 0);
  }
}

export interface DebugInfoSource {
  name: string;
  bytes: Uint8Array;
  /** Where it runs minus where it was linked. */
  offset: bigint;
  /** Symbol files bring their own symbols; the program's and firmware's come from the machine. */
  addSymbols: boolean;
  /** The ELF's host folder (see DebugInfoFile.folder). */
  folder?: string;
}

/**
 * Reads the DWARF of every image; one that has none (a raw image, a stripped
 * firmware) or broken DWARF keeps its problem for the Debug Console and
 * leaves the others working.
 */
export function loadProgramDebugInfo(sources: readonly DebugInfoSource[], machineSymbols: readonly ElfSymbol[]): ProgramDebugInfo {
  const files: DebugInfoFile[] = [];
  const symbols = [...machineSymbols];
  for (const source of sources) {
    try {
      files.push({ name: source.name, info: readDebugInfo(source.bytes, { loadOffset: source.offset }), folder: source.folder });
    } catch (error) {
      if (!(error instanceof DwarfError) && !(error instanceof LoadError)) throw error;
      files.push({ name: source.name, info: undefined, problem: error.message });
    }
    if (!source.addSymbols) continue;
    try {
      for (const symbol of parseElf(source.bytes, source.name).symbols) symbols.push({ ...symbol, value: symbol.value + source.offset });
    } catch (error) {
      if (!(error instanceof LoadError)) throw error;
    }
  }
  return new ProgramDebugInfo(files, symbols);
}
