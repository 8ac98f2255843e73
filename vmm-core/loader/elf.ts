/**
 * ELF64 reader for RISC-V guest images (System V gABI, RISC-V psABI).
 * It reads what a loader and a debugger need: the entry point, the PT_LOAD
 * segments, the section headers and the symbols. Anything that cannot be
 * an RV64 executable is refused with a LoadError that names the file, the
 * problem and, where possible, the fix.
 */
import { LoadError } from "../machine/errors";

export interface ElfSegment {
  /** p_paddr: where QEMU's -bios/-kernel put the segment. */
  physicalAddress: bigint;
  /** p_vaddr: where the guest sees it once its MMU is on. */
  virtualAddress: bigint;
  /** The p_filesz bytes of the file (a view, not a copy). */
  data: Uint8Array;
  /** p_memsz; bytes past data.length are zero (.bss). */
  memorySize: number;
  /** p_flags: PF_X = 1, PF_W = 2, PF_R = 4. */
  flags: number;
}

export interface ElfSection {
  name: string;
  type: number;
  address: bigint;
  offset: number;
  size: number;
  flags: number;
}

export type ElfSymbolType = "func" | "object" | "notype" | "section" | "file" | "other";
export type ElfSymbolBind = "local" | "global" | "weak" | "other";

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: number;
  type: ElfSymbolType;
  bind: ElfSymbolBind;
  /** st_shndx: 0 = undefined, 0xfff1 = absolute, 0xfff2 = common. */
  sectionIndex: number;
}

export interface ElfImage {
  fileName: string;
  /** ET_EXEC or ET_DYN. */
  fileType: "exec" | "dyn";
  entry: bigint;
  /** e_flags (RVC, float ABI …). */
  flags: number;
  segments: ElfSegment[];
  sections: ElfSection[];
  /** From .symtab, or from .dynsym when the file is stripped. */
  symbols: ElfSymbol[];
  /** A global or weak symbol of that name if there is one, else a local one. */
  findSymbol(name: string): ElfSymbol | undefined;
  /** The first section of that name (".debug_line" …) and its file bytes (empty for SHT_NOBITS); undefined when absent. */
  findSection(name: string): { section: ElfSection; data: Uint8Array } | undefined;
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ELFDATA2MSB = 2;
const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const ET_CORE = 4;
export const EM_RISCV = 243;
const EHDR64_SIZE = 64;
const PHDR64_SIZE = 56;
const SHDR64_SIZE = 64;
const SYM64_SIZE = 24;
export const PT_LOAD = 1;
/** e_phnum value meaning "the real count is in section 0's sh_info". */
const PN_XNUM = 0xffff;
const SHN_XINDEX = 0xffff;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;

/** e_machine values a user is likely to feed us by mistake. */
const machineNames: Record<number, string> = {
  2: "SPARC",
  3: "x86 (i386)",
  8: "MIPS",
  20: "PowerPC",
  21: "PowerPC64",
  22: "S/390",
  40: "ARM",
  43: "SPARC V9",
  62: "x86-64",
  183: "AArch64",
  243: "RISC-V",
  258: "LoongArch",
};

const symbolTypes: readonly ElfSymbolType[] = ["notype", "object", "func", "section", "file"];
const symbolBinds: readonly ElfSymbolBind[] = ["local", "global", "weak"];

/** True when the bytes start with the ELF magic (\x7fELF). */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ELF_MAGIC.every((b, i) => bytes[i] === b);
}

function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

function byteList(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Little-endian field reads with bounds already checked by the caller. */
class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(at: number): number {
    return this.view.getUint8(at);
  }
  u16(at: number): number {
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  u64(at: number): bigint {
    return this.view.getBigUint64(at, true);
  }
  /** NUL-terminated string inside [start, end). */
  cString(start: number, end: number): string {
    let stop = start;
    while (stop < end && this.bytes[stop] !== 0) stop++;
    return new TextDecoder().decode(this.bytes.subarray(start, stop));
  }
}

export function parseElf(bytes: Uint8Array, fileName: string): ElfImage {
  const fail = (problem: string): never => {
    throw new LoadError(`${fileName}: ${problem}`);
  };
  if (bytes.length === 0) fail("the file is empty");
  if (!isElf(bytes)) {
    fail(`not an ELF file (starts with ${byteList(bytes.subarray(0, 4))}, expected 7f 45 4c 46)`);
  }
  if (bytes.length < 16) fail(`truncated ELF file (${bytes.length} bytes, shorter than the ELF identification)`);
  const elfClass = bytes[4];
  const data = bytes[5];
  if (data === ELFDATA2MSB) fail("big-endian ELF: RISC-V guests are little-endian; rebuild for riscv64 (little-endian)");
  if (data !== ELFDATA2LSB) fail(`unknown ELF data encoding ${data} (expected 1, little-endian)`);
  if (elfClass === ELFCLASS32) {
    fail("32-bit ELF: vmscope runs RV64 guests; build with -march=rv64imac_zicsr_zifencei -mabi=lp64");
  }
  if (elfClass !== ELFCLASS64) fail(`unknown ELF class ${elfClass} (expected 2, ELF64)`);
  if (bytes.length < EHDR64_SIZE) {
    fail(`truncated ELF file (${bytes.length} bytes, shorter than the 64-byte ELF header)`);
  }

  const r = new Reader(bytes);
  const type = r.u16(16);
  const machine = r.u16(18);
  if (machine !== EM_RISCV) {
    const name = machineNames[machine] ?? `unknown machine ${machine}`;
    fail(`built for ${name}, not RISC-V (e_machine ${machine}, expected ${EM_RISCV}); build with riscv64-unknown-elf-gcc`);
  }
  if (type === ET_REL) fail("a relocatable object (.o), not an executable; link it first (e.g. riscv64-unknown-elf-gcc -nostdlib -T link.ld)");
  if (type === ET_CORE) fail("a core dump, not an executable");
  if (type !== ET_EXEC && type !== ET_DYN) fail(`ELF type ${type} is not an executable (ET_EXEC or ET_DYN)`);

  const entry = r.u64(24);
  const phoff = r.u64(32);
  const shoff = r.u64(40);
  const flags = r.u32(48);
  const phentsize = r.u16(54);
  let phnum = r.u16(56);
  const shentsize = r.u16(58);
  let shnum = r.u16(60);
  let shstrndx = r.u16(62);

  /** [offset, offset + size) must lie inside the file. */
  const inFile = (offset: bigint, size: bigint, what: string): number => {
    if (offset + size > BigInt(bytes.length)) {
      fail(`truncated ELF file: ${what} at offset ${hex(offset)} (${size} bytes) runs past the end of the file (${bytes.length} bytes)`);
    }
    return Number(offset);
  };

  // Section 0 holds the real counts when they do not fit the header fields.
  if (shoff !== 0n) {
    if (shentsize < SHDR64_SIZE) fail(`bad section header size ${shentsize} (expected ${SHDR64_SIZE})`);
    const first = inFile(shoff, BigInt(SHDR64_SIZE), "section header 0");
    if (shnum === 0) shnum = Number(r.u64(first + 32));
    if (shstrndx === SHN_XINDEX) shstrndx = r.u32(first + 40);
    if (phnum === PN_XNUM) phnum = r.u32(first + 44);
  }

  if (phnum === 0) fail("no program headers, so nothing to load; link it as an executable");
  if (phentsize < PHDR64_SIZE) fail(`bad program header size ${phentsize} (expected ${PHDR64_SIZE})`);
  const phTable = inFile(phoff, BigInt(phnum) * BigInt(phentsize), "program header table");

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phTable + i * phentsize;
    if (r.u32(at) !== PT_LOAD) continue;
    const segFlags = r.u32(at + 4);
    const offset = r.u64(at + 8);
    const virtualAddress = r.u64(at + 16);
    const physicalAddress = r.u64(at + 24);
    const fileSize = r.u64(at + 32);
    const memorySize = r.u64(at + 40);
    if (fileSize > memorySize) {
      fail(`segment ${i} has p_filesz ${hex(fileSize)} larger than p_memsz ${hex(memorySize)}`);
    }
    if (memorySize > BigInt(Number.MAX_SAFE_INTEGER)) fail(`segment ${i} is impossibly large (p_memsz ${hex(memorySize)})`);
    const start = inFile(offset, fileSize, `segment ${i} data`);
    segments.push({
      physicalAddress,
      virtualAddress,
      data: bytes.subarray(start, start + Number(fileSize)),
      memorySize: Number(memorySize),
      flags: segFlags,
    });
  }
  if (segments.length === 0) fail("no loadable (PT_LOAD) segments; link it as an executable");

  const sections = shoff === 0n ? [] : readSections(r, inFile, Number(shoff), shentsize, shnum, shstrndx, fail);
  const symbols = readSymbols(r, sections, inFile, fail);
  let index: Map<string, ElfSymbol> | undefined;
  const findSymbol = (name: string): ElfSymbol | undefined => {
    if (!index) {
      index = new Map();
      for (const s of symbols) {
        const seen = index.get(s.name);
        if (!seen || (seen.bind === "local" && s.bind !== "local")) index.set(s.name, s);
      }
    }
    return index.get(name);
  };

  const findSection = (name: string): { section: ElfSection; data: Uint8Array } | undefined => {
    const section = sections.find((s) => s.name === name);
    if (!section) return undefined;
    if (section.type === SHT_NOBITS) return { section, data: new Uint8Array(0) };
    const start = inFile(BigInt(section.offset), BigInt(section.size), `section ${name}`);
    return { section, data: bytes.subarray(start, start + section.size) };
  };

  return {
    fileName,
    fileType: type === ET_EXEC ? "exec" : "dyn",
    entry,
    flags,
    segments,
    sections: sections.map(({ link: _link, entrySize: _entrySize, ...s }) => s),
    symbols,
    findSymbol,
    findSection,
  };
}

interface RawSection extends ElfSection {
  link: number;
  entrySize: number;
}

type InFile = (offset: bigint, size: bigint, what: string) => number;
type Fail = (problem: string) => never;

function readSections(
  r: Reader,
  inFile: InFile,
  shoff: number,
  shentsize: number,
  shnum: number,
  shstrndx: number,
  fail: Fail,
): RawSection[] {
  const table = inFile(BigInt(shoff), BigInt(shnum) * BigInt(shentsize), "section header table");
  const raw: (RawSection & { nameOffset: number })[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = table + i * shentsize;
    raw.push({
      nameOffset: r.u32(at),
      name: "",
      type: r.u32(at + 4),
      flags: Number(r.u64(at + 8)),
      address: r.u64(at + 16),
      offset: Number(r.u64(at + 24)),
      size: Number(r.u64(at + 32)),
      link: r.u32(at + 40),
      entrySize: Number(r.u64(at + 56)),
    });
  }
  const names = raw[shstrndx];
  if (shstrndx !== 0 && names) {
    const start = inFile(BigInt(names.offset), BigInt(names.size), "section name table");
    for (const s of raw) {
      if (s.nameOffset < names.size) s.name = r.cString(start + s.nameOffset, start + names.size);
    }
  } else if (shstrndx !== 0) {
    fail(`section name table index ${shstrndx} is beyond the ${shnum} sections`);
  }
  return raw.map(({ nameOffset: _nameOffset, ...s }) => s);
}

function readSymbols(r: Reader, sections: RawSection[], inFile: InFile, fail: Fail): ElfSymbol[] {
  const table = sections.find((s) => s.type === SHT_SYMTAB) ?? sections.find((s) => s.type === SHT_DYNSYM);
  if (!table) return [];
  const strings = sections[table.link];
  if (!strings || strings.type !== SHT_STRTAB) fail(`symbol table ${table.name} has no string table (sh_link ${table.link})`);
  const entrySize = table.entrySize >= SYM64_SIZE ? table.entrySize : SYM64_SIZE;
  const start = inFile(BigInt(table.offset), BigInt(table.size), `symbol table ${table.name}`);
  const strStart = inFile(BigInt(strings!.offset), BigInt(strings!.size), `string table ${strings!.name}`);
  const strEnd = strStart + strings!.size;
  const count = Math.floor(table.size / entrySize);
  const symbols: ElfSymbol[] = [];
  // Entry 0 is the reserved null symbol.
  for (let i = 1; i < count; i++) {
    const at = start + i * entrySize;
    const nameOffset = r.u32(at);
    const info = r.u8(at + 4);
    symbols.push({
      name: nameOffset < strings!.size ? r.cString(strStart + nameOffset, strEnd) : "",
      value: r.u64(at + 8),
      size: Number(r.u64(at + 16)),
      type: symbolTypes[info & 0xf] ?? "other",
      bind: symbolBinds[info >> 4] ?? "other",
      sectionIndex: r.u16(at + 6),
    });
  }
  return symbols;
}
