/**
 * Names addresses the way objdump does in "<sym+0x1c>": the nearest symbol
 * at or below the address (or the lowest symbol, with a negative offset,
 * when the address is below every symbol). Among symbols at the same
 * address objdump's compare_symbols order decides: functions first, then
 * data objects, then global before weak before local, then larger size,
 * then names that do not start with '.', then by name.
 */
import type { ElfSymbol } from "../loader/elf";
import type { Symbolizer } from "./disassembler";

const SHN_UNDEF = 0;
const SHN_COMMON = 0xfff2;

/** RISC-V mapping symbols ($x, $d, $xrv64i2p1…) mark code and data, they are not names. */
export function isMappingSymbol(name: string): boolean {
  return /^\$[xd](\.|$)/.test(name) || name.startsWith("$xrv");
}

function bindRank(symbol: ElfSymbol): number {
  return symbol.bind === "global" ? 0 : symbol.bind === "weak" ? 1 : 2;
}

function compareSymbols(a: ElfSymbol, b: ElfSymbol): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  const aFunction = a.type === "func" ? 0 : 1;
  const bFunction = b.type === "func" ? 0 : 1;
  if (aFunction !== bFunction) return aFunction - bFunction;
  const aObject = a.type === "object" ? 0 : 1;
  const bObject = b.type === "object" ? 0 : 1;
  if (aObject !== bObject) return aObject - bObject;
  if (bindRank(a) !== bindRank(b)) return bindRank(a) - bindRank(b);
  if (a.size !== b.size) return b.size - a.size;
  const aDot = a.name.startsWith(".") ? 1 : 0;
  const bDot = b.name.startsWith(".") ? 1 : 0;
  if (aDot !== bDot) return aDot - bDot;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Symbols objdump can name an address with, in its sorted order. */
export function labelSymbols(symbols: readonly ElfSymbol[]): ElfSymbol[] {
  return symbols
    .filter(
      (symbol) =>
        symbol.name !== "" &&
        symbol.type !== "section" &&
        symbol.type !== "file" &&
        symbol.sectionIndex !== SHN_UNDEF &&
        symbol.sectionIndex !== SHN_COMMON &&
        !isMappingSymbol(symbol.name),
    )
    .sort(compareSymbols);
}

export function objdumpSymbolizer(symbols: readonly ElfSymbol[]): Symbolizer {
  const sorted = labelSymbols(symbols);
  return (address) => {
    if (sorted.length === 0) return undefined;
    // Last symbol with value <= address, then the first of those sharing its value.
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle].value <= address) low = middle + 1;
      else high = middle;
    }
    let index = Math.max(0, low - 1);
    while (index > 0 && sorted[index - 1].value === sorted[index].value) index--;
    const symbol = sorted[index];
    const offset = address - symbol.value;
    if (offset === 0n) return symbol.name;
    return offset > 0n ? `${symbol.name}+0x${offset.toString(16)}` : `${symbol.name}-0x${(-offset).toString(16)}`;
  };
}
