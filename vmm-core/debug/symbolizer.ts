/**
 * Names code addresses after the nearest preceding ELF symbol, as GDB's
 * `<symbol+offset>` does, for stack frames and the disassembly view.
 */
import type { ElfSymbol } from "../loader/elf";

export interface SymbolLocation {
  name: string;
  offset: bigint;
}

/** Symbols that label code or data; section, file and assembler-local labels name nothing useful. */
function isUseful(symbol: ElfSymbol): boolean {
  if (symbol.name === "" || symbol.name.startsWith(".L") || symbol.name.startsWith("$")) return false;
  if (symbol.sectionIndex === 0) return false; // undefined
  return symbol.type === "func" || symbol.type === "object" || symbol.type === "notype";
}

export class Symbolizer {
  private readonly sorted: ElfSymbol[];

  constructor(symbols: readonly ElfSymbol[]) {
    // Among symbols at the same address, functions and globals win.
    const rank = (s: ElfSymbol): number => (s.type === "func" ? 0 : 2) + (s.bind === "local" ? 1 : 0);
    this.sorted = symbols.filter(isUseful).sort((a, b) => (a.value === b.value ? rank(a) - rank(b) : a.value < b.value ? -1 : 1));
  }

  /** The nearest symbol at or below `address`, if the address lies inside it or it has no size. */
  lookup(address: bigint): SymbolLocation | undefined {
    let low = 0;
    let high = this.sorted.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.sorted[middle].value <= address) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (found < 0) return undefined;
    // Step back over the run of symbols at that same address to the preferred one.
    const value = this.sorted[found].value;
    while (found > 0 && this.sorted[found - 1].value === value) found--;
    const symbol = this.sorted[found];
    const offset = address - symbol.value;
    if (symbol.size > 0 && offset >= BigInt(symbol.size) && symbol.type !== "notype") return undefined;
    return { name: symbol.name, offset };
  }

  /** "main+0x1c", "main", or the address in hex when no symbol covers it. */
  describe(address: bigint): string {
    const location = this.lookup(address);
    if (!location) return "0x" + address.toString(16);
    return location.offset === 0n ? location.name : `${location.name}+0x${location.offset.toString(16)}`;
  }
}
