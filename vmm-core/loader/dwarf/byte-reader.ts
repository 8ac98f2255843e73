/**
 * A cursor over one debug section: little-endian fixed-size fields, LEB128
 * (DWARF 5 §7.6), NUL-terminated strings and the initial length that tells
 * 32-bit from 64-bit DWARF (§7.4). Every read is bounds-checked and a short
 * section becomes a DwarfError naming the section and the offset.
 */
import { DwarfError, hexOffset } from "./errors";

const decoder = new TextDecoder();

export class ByteReader {
  private readonly view: DataView;
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    /** For error messages: ".debug_line" and so on. */
    readonly section: string,
    offset = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }

  get atEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  fail(problem: string, at = this.offset): never {
    throw new DwarfError(`${this.section} at offset ${hexOffset(at)}: ${problem}`);
  }

  private need(size: number): number {
    const at = this.offset;
    if (at + size > this.bytes.length) this.fail(`truncated: ${size} byte(s) needed, the section ends at ${hexOffset(this.bytes.length)}`);
    this.offset = at + size;
    return at;
  }

  u8(): number {
    const at = this.offset;
    if (at >= this.bytes.length) this.need(1); // throws with the section and offset
    this.offset = at + 1;
    return this.bytes[at];
  }
  i8(): number {
    return this.view.getInt8(this.need(1));
  }
  u16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  i16(): number {
    return this.view.getInt16(this.need(2), true);
  }
  u24(): number {
    const at = this.need(3);
    return this.bytes[at] | (this.bytes[at + 1] << 8) | (this.bytes[at + 2] << 16);
  }
  u32(): number {
    return this.view.getUint32(this.need(4), true);
  }
  i32(): number {
    return this.view.getInt32(this.need(4), true);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.need(8), true);
  }
  i64(): bigint {
    return this.view.getBigInt64(this.need(8), true);
  }

  /** An unsigned field of `size` bytes (1, 2, 4 or 8) as a bigint. */
  unsigned(size: number): bigint {
    switch (size) {
      case 1:
        return BigInt(this.u8());
      case 2:
        return BigInt(this.u16());
      case 4:
        return BigInt(this.u32());
      case 8:
        return this.u64();
      default:
        return this.fail(`unsupported field size ${size}`);
    }
  }

  /** An offset into another section: 4 bytes in 32-bit DWARF, 8 in 64-bit DWARF. */
  offsetField(offsetSize: 4 | 8): number {
    return offsetSize === 4 ? this.u32() : this.safeNumber(this.u64(), "offset");
  }

  safeNumber(value: bigint, what: string): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${hexOffset(value)} is impossibly large`);
    return Number(value);
  }

  uleb(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.u8();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) return result;
    }
  }

  sleb(): bigint {
    let result = 0n;
    let shift = 0n;
    let byte: number;
    do {
      byte = this.u8();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    if (byte & 0x40) result -= 1n << shift;
    return result;
  }

  /** A ULEB128 that must fit a JS number (counts, indices, lengths); number arithmetic, as line programs are full of them. */
  ulebNumber(): number {
    const at = this.offset;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const byte = this.u8();
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    // Eight bytes or more: over 2^49, rare enough for the BigInt path.
    this.offset = at;
    const value = this.uleb();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`LEB128 value ${hexOffset(value)} is too large`, at);
    return Number(value);
  }

  slebNumber(): number {
    const at = this.offset;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const byte = this.u8();
      result += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return byte & 0x40 ? result - scale : result;
    }
    this.offset = at;
    const value = this.sleb();
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`LEB128 value ${value} is too large`, at);
    return Number(value);
  }

  cString(): string {
    const start = this.offset;
    let stop = start;
    while (stop < this.bytes.length && this.bytes[stop] !== 0) stop++;
    if (stop >= this.bytes.length) this.fail("string runs past the end of the section", start);
    this.offset = stop + 1;
    return decoder.decode(this.bytes.subarray(start, stop));
  }

  take(length: number): Uint8Array {
    const at = this.need(length);
    return this.bytes.subarray(at, at + length);
  }

  skip(length: number): void {
    this.need(length);
  }

  /**
   * The unit_length field (§7.4): 0xffffffff announces 64-bit DWARF.
   * Returns the offset size and the offset just past the unit, checked
   * against the section's end.
   */
  initialLength(what: string): { offsetSize: 4 | 8; end: number } {
    const at = this.offset;
    let length: number;
    let offsetSize: 4 | 8 = 4;
    const first = this.u32();
    if (first === 0xffffffff) {
      offsetSize = 8;
      length = this.safeNumber(this.u64(), `${what} length`);
    } else if (first >= 0xfffffff0) {
      return this.fail(`${what} has reserved initial length ${hexOffset(first)}`, at);
    } else {
      length = first;
    }
    const end = this.offset + length;
    if (end > this.bytes.length) this.fail(`${what} length ${hexOffset(length)} runs past the end of the section (${hexOffset(this.bytes.length)})`, at);
    return { offsetSize, end };
  }
}

/** A NUL-terminated string at `offset` of a string section (.debug_str, .debug_line_str). */
export function stringAt(section: Uint8Array, name: string, offset: number): string {
  if (offset >= section.length) throw new DwarfError(`${name}: string offset ${hexOffset(offset)} is beyond the section (${hexOffset(section.length)} bytes)`);
  return new ByteReader(section, name, offset).cString();
}
