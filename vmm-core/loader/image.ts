/**
 * Turns a guest file into what the machine copies into RAM, the way QEMU's
 * -bios/-kernel do: an ELF loads at its segments' physical addresses and
 * starts at its entry point; any other file is a raw binary placed at a
 * fixed address and entered at its first byte.
 */
import { LoadError } from "../machine/errors";
import { isElf, parseElf, type ElfImage, type ElfSymbol } from "./elf";

export interface LoadableSegment {
  /** Guest-physical address of the first byte. */
  address: bigint;
  /** Bytes to copy; the rest up to memorySize is zero. */
  data: Uint8Array;
  memorySize: number;
}

export interface LoadableImage {
  kind: "elf" | "raw";
  fileName: string;
  entry: bigint;
  segments: LoadableSegment[];
  symbols: ElfSymbol[];
  elf?: ElfImage;
}

export function loadImage(bytes: Uint8Array, fileName: string, rawLoadAddress: bigint): LoadableImage {
  if (bytes.length === 0) throw new LoadError(`${fileName}: the file is empty; give a kernel ELF or a raw binary image`);
  // A file with the ELF magic that fails to parse is a broken ELF, never a raw image.
  if (isElf(bytes)) {
    const elf = parseElf(bytes, fileName);
    return {
      kind: "elf",
      fileName,
      entry: elf.entry,
      segments: elf.segments
        .filter((s) => s.memorySize > 0)
        .map((s) => ({ address: s.physicalAddress, data: s.data, memorySize: s.memorySize })),
      symbols: elf.symbols,
      elf,
    };
  }
  return {
    kind: "raw",
    fileName,
    entry: rawLoadAddress,
    segments: [{ address: rawLoadAddress, data: bytes, memorySize: bytes.length }],
    symbols: [],
  };
}

/** A half-open range [start, end) written the way the messages show it. */
export function formatRange(start: bigint, end: bigint): string {
  return `0x${start.toString(16)}-0x${(end - 1n).toString(16)}`;
}

const MiB = 1n << 20n;

/**
 * Refuses images that do not fit the machine: a segment (partly) outside
 * RAM, or two segments (of one file or of two) that overlap.
 */
export function checkPlacement(images: LoadableImage[], ram: { base: bigint; size: bigint }): void {
  const ramEnd = ram.base + ram.size;
  const placed: { fileName: string; start: bigint; end: bigint }[] = [];
  for (const image of images) {
    for (const segment of image.segments) {
      if (segment.memorySize === 0) continue;
      const start = segment.address;
      const end = start + BigInt(segment.memorySize);
      if (start < ram.base || end > ramEnd) {
        const where = `${image.fileName}: segment ${formatRange(start, end)} lies outside RAM ${formatRange(ram.base, ramEnd)}`;
        if (start >= ram.base) {
          const needed = (end - ram.base + MiB - 1n) / MiB;
          throw new LoadError(`${where}; give the guest more memory with --memory (at least --memory ${needed}M)`);
        }
        throw new LoadError(`${where}; link it at or above 0x${ram.base.toString(16)} (RAM starts there; --memory only grows RAM upwards)`);
      }
      placed.push({ fileName: image.fileName, start, end });
    }
  }
  placed.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < placed.length; i++) {
    const previous = placed[i - 1]!;
    const current = placed[i]!;
    if (current.start < previous.end) {
      throw new LoadError(
        `${current.fileName}: segment ${formatRange(current.start, current.end)} overlaps ${previous.fileName} segment ${formatRange(previous.start, previous.end)}; load one of them elsewhere`,
      );
    }
  }
}
