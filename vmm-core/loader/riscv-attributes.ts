/**
 * The `.riscv.attributes` section (RISC-V ELF psABI, "Attributes"): the ISA
 * string and the privileged-spec version a program was built for. objdump
 * names CSRs by that version (senvcfg is a number in a 1.11 program, ustatus
 * a number in a 1.12 one), so a disassembly that matches objdump needs it.
 */
import type { ElfImage } from "./elf";
import type { LoadableImage } from "./image";

export interface RiscvAttributes {
  arch?: string;
  /** Tag_RISCV_priv_spec . Tag_RISCV_priv_spec_minor, e.g. "1.11". */
  privilegedSpec?: string;
}

const tags = { file: 1, arch: 5, privSpec: 8, privSpecMinor: 10 } as const;

function readUleb(data: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (at >= data.length) throw new RangeError("truncated ULEB128");
    const byte = data[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, at];
  }
}

/** What the section says; empty when there is none or it is malformed (objdump then uses its defaults). */
export function readRiscvAttributes(elf: ElfImage | undefined): RiscvAttributes {
  const data = elf?.findSection(".riscv.attributes")?.data;
  if (!data || data.length < 1 || data[0] !== 0x41 /* 'A' */) return {};
  try {
    return parseSubsections(data);
  } catch {
    return {};
  }
}

function parseSubsections(data: Uint8Array): RiscvAttributes {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const found: RiscvAttributes = {};
  let major: number | undefined;
  let minor = 0;
  let at = 1;
  while (at + 4 <= data.length) {
    const length = view.getUint32(at, true);
    const end = at + length;
    if (length < 5 || end > data.length) break;
    let cursor = at + 4;
    const vendorEnd = data.indexOf(0, cursor);
    const vendor = new TextDecoder().decode(data.subarray(cursor, vendorEnd));
    cursor = vendorEnd + 1;
    while (vendor === "riscv" && cursor + 5 <= end) {
      const tag = data[cursor];
      const subLength = view.getUint32(cursor + 1, true);
      const subEnd = cursor + subLength;
      if (subLength < 5 || subEnd > end) break;
      cursor += 5;
      while (tag === tags.file && cursor < subEnd) {
        let attribute: number;
        [attribute, cursor] = readUleb(data, cursor);
        // Odd tags hold NUL-terminated strings, even ones ULEB128 numbers (psABI).
        if (attribute % 2 === 1) {
          const stringEnd = data.indexOf(0, cursor);
          if (stringEnd < 0 || stringEnd >= subEnd) throw new RangeError("unterminated attribute string");
          if (attribute === tags.arch) found.arch = new TextDecoder().decode(data.subarray(cursor, stringEnd));
          cursor = stringEnd + 1;
        } else {
          let value: number;
          [value, cursor] = readUleb(data, cursor);
          if (attribute === tags.privSpec) major = value;
          if (attribute === tags.privSpecMinor) minor = value;
        }
      }
      cursor = subEnd;
    }
    at = end;
  }
  if (major !== undefined) found.privilegedSpec = `${major}.${minor}`;
  return found;
}

/**
 * The privileged spec of the loaded image whose segments hold `address`,
 * else of the last image loaded (the kernel; a virtual address in a paged
 * kernel matches no segment), else undefined (objdump's default).
 */
export function privilegedSpecAt(images: readonly LoadableImage[], address: bigint): string | undefined {
  const holder = images.find((image) => image.segments.some((segment) => address >= segment.address && address < segment.address + BigInt(segment.memorySize)));
  return readRiscvAttributes((holder ?? images[images.length - 1])?.elf).privilegedSpec;
}
