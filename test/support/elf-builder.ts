/**
 * Builds tiny ELF files in memory for tests: a few hand-encoded RISC-V
 * instructions in PT_LOAD segments, or deliberately wrong files (ELF32,
 * another machine). No toolchain needed, every byte known.
 */

export interface SegmentSpec {
  address: bigint;
  data: Uint8Array;
  /** Defaults to data.length; larger means zero-filled (bss). */
  memorySize?: number;
}

export interface ElfSpec {
  entry: bigint;
  segments: SegmentSpec[];
  /** 64 (default) or 32. */
  elfClass?: 32 | 64;
  /** e_machine; default EM_RISCV (243). */
  machine?: number;
}

const PT_LOAD = 1;

/** An ET_EXEC little-endian ELF with program headers only (no sections, no symbols). */
export function buildElf(spec: ElfSpec): Uint8Array {
  const is64 = (spec.elfClass ?? 64) === 64;
  const headerSize = is64 ? 64 : 52;
  const phSize = is64 ? 56 : 32;
  let offset = headerSize + phSize * spec.segments.length;
  const placed = spec.segments.map((segment) => {
    offset = (offset + 15) & ~15;
    const at = offset;
    offset += segment.data.length;
    return { ...segment, offset: at };
  });
  const bytes = new Uint8Array(offset);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, 1, 1], 0); // magic, class, LSB, version
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, spec.machine ?? 243, true);
  view.setUint32(20, 1, true); // EV_CURRENT
  if (is64) {
    view.setBigUint64(24, spec.entry, true);
    view.setBigUint64(32, BigInt(headerSize), true); // e_phoff
    view.setUint16(52, headerSize, true);
    view.setUint16(54, phSize, true);
    view.setUint16(56, spec.segments.length, true);
    view.setUint16(58, 64, true); // e_shentsize
  } else {
    view.setUint32(24, Number(spec.entry), true);
    view.setUint32(28, headerSize, true);
    view.setUint16(40, headerSize, true);
    view.setUint16(42, phSize, true);
    view.setUint16(44, spec.segments.length, true);
    view.setUint16(46, 40, true);
  }
  placed.forEach((segment, index) => {
    const ph = headerSize + index * phSize;
    const memorySize = BigInt(segment.memorySize ?? segment.data.length);
    if (is64) {
      view.setUint32(ph, PT_LOAD, true);
      view.setUint32(ph + 4, 7, true); // RWX
      view.setBigUint64(ph + 8, BigInt(segment.offset), true);
      view.setBigUint64(ph + 16, segment.address, true);
      view.setBigUint64(ph + 24, segment.address, true);
      view.setBigUint64(ph + 32, BigInt(segment.data.length), true);
      view.setBigUint64(ph + 40, memorySize, true);
      view.setBigUint64(ph + 48, 16n, true);
    } else {
      view.setUint32(ph, PT_LOAD, true);
      view.setUint32(ph + 4, segment.offset, true);
      view.setUint32(ph + 8, Number(segment.address), true);
      view.setUint32(ph + 12, Number(segment.address), true);
      view.setUint32(ph + 16, segment.data.length, true);
      view.setUint32(ph + 20, Number(memorySize), true);
      view.setUint32(ph + 24, 7, true);
      view.setUint32(ph + 28, 16, true);
    }
    bytes.set(segment.data, segment.offset);
  });
  return bytes;
}

/** Hand encoders for the handful of RV64I instructions test guests use. */
export const rv = {
  lui: (rd: number, imm20: number) => ((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37,
  addi: (rd: number, rs1: number, imm12: number) => ((imm12 & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13,
  sb: (rs2: number, rs1: number, offset: number) =>
    (((offset >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (0 << 12) | ((offset & 0x1f) << 7) | 0x23,
  sw: (rs2: number, rs1: number, offset: number) =>
    (((offset >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (2 << 12) | ((offset & 0x1f) << 7) | 0x23,
  lbu: (rd: number, rs1: number, offset: number) => ((offset & 0xfff) << 20) | (rs1 << 15) | (4 << 12) | (rd << 7) | 0x03,
  andi: (rd: number, rs1: number, imm12: number) => ((imm12 & 0xfff) << 20) | (rs1 << 15) | (7 << 12) | (rd << 7) | 0x13,
  beq: (rs1: number, rs2: number, offset: number) => branch(0, rs1, rs2, offset),
  jal: (rd: number, offset: number) =>
    (((offset >> 20) & 1) << 31) | (((offset >> 1) & 0x3ff) << 21) | (((offset >> 11) & 1) << 20) |
    (((offset >> 12) & 0xff) << 12) | (rd << 7) | 0x6f,
  /** jal x0, 0: spin in place. */
  spin: () => 0x0000006f,
};

function branch(funct3: number, rs1: number, rs2: number, offset: number): number {
  return (((offset >> 12) & 1) << 31) | (((offset >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) |
    (funct3 << 12) | (((offset >> 1) & 0xf) << 8) | (((offset >> 11) & 1) << 7) | 0x63;
}

/** Little-endian instruction words as bytes. */
export function code(words: number[]): Uint8Array {
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((word, i) => view.setUint32(i * 4, word >>> 0, true));
  return bytes;
}

const t0 = 5;
const t1 = 6;
const t2 = 7;

/** lui + addi + sw of the sifive_test word: 0x5555 for code 0, else 0x3333 | code << 16. */
function powerOff(exitCode: number): number[] {
  const value = exitCode === 0 ? 0x5555 : ((exitCode << 16) | 0x3333) >>> 0;
  // addi sign-extends its 12 bits: compensate in the upper part.
  const low = value & 0xfff;
  const high = ((value >>> 12) + (low >= 0x800 ? 1 : 0)) & 0xfffff;
  return [rv.lui(t0, 0x100), rv.lui(t1, high), rv.addi(t1, t1, low >= 0x800 ? low - 0x1000 : low), rv.sw(t1, t0, 0), rv.spin()];
}

/**
 * A bare-machine guest at 0x8000_0000: prints `text` on the UART (0x1000_0000),
 * then writes `0x3333 | code << 16` (fail) or 0x5555 (pass, code 0) to sifive_test.
 */
export function uartGuest(text: string, exitCode: number, address = 0x8000_0000n): Uint8Array {
  const words = [rv.lui(t0, 0x10000)];
  for (const ch of new TextEncoder().encode(text)) words.push(rv.addi(t1, 0, ch), rv.sb(t1, t0, 0));
  words.push(...powerOff(exitCode));
  return buildElf({ entry: address, segments: [{ address, data: code(words) }] });
}

/** A guest that spins forever at `address`. */
export function spinningGuest(address = 0x8000_0000n): Uint8Array {
  return buildElf({ entry: address, segments: [{ address, data: code([rv.spin()]) }] });
}

/**
 * Echoes UART input back (polling LSR.DR) until it reads 'q', then powers
 * off with code 0: proves console input reaches the guest.
 */
export function echoGuest(address = 0x8000_0000n): Uint8Array {
  const words = [
    rv.lui(t0, 0x10000), //          0: UART base
    rv.addi(t2, 0, 0x71), //         4: 'q'
    rv.lbu(t1, t0, 5), //            8: loop: LSR
    rv.andi(t1, t1, 1), //          12: DR, data ready
    rv.beq(t1, 0, -8), //           16: nothing yet: poll again
    rv.lbu(t1, t0, 0), //           20: RBR
    rv.beq(t1, t2, 12), //          24: 'q' ends the run
    rv.sb(t1, t0, 0), //            28: THR
    rv.jal(0, -24), //              32: back to loop
    ...powerOff(0), //              36
  ];
  return buildElf({ entry: address, segments: [{ address, data: code(words) }] });
}
