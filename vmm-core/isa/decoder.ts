/**
 * Table-driven decoder: the encoding tables (32-bit and compressed) are
 * indexed once by major opcode; each instruction word is matched against
 * its opcode's rows and its operands are extracted by format.
 */
import { Decoded, type Format, type Handler } from "./decoded";
import { encodings, type Encoding } from "./encoding-table";
import { compressedEncodings, type CompressedEncoding } from "./compressed-table";
import { Exception } from "../hart/trap";
import { rv64iHandlers } from "./rv64i";
import { rv64mHandlers } from "./rv64m";
import { rv64aHandlers } from "./rv64a";
import { zicsrHandlers } from "./zicsr";
import { privilegedHandlers } from "./privileged";
import { rv64hHandlers } from "./rv64h";

const handlers: Record<string, Handler> = {
  ...rv64iHandlers,
  ...rv64mHandlers,
  ...rv64aHandlers,
  ...zicsrHandlers,
  ...privilegedHandlers,
  ...rv64hHandlers,
};

for (const encoding of encodings) {
  if (!handlers[encoding.name]) throw new Error(`no handler for ${encoding.name}`);
}

const byOpcode: Encoding[][] = Array.from({ length: 128 }, () => []);
for (const encoding of encodings) byOpcode[encoding.match & 0x7f].push(encoding);

/** Compressed rows by quadrant and funct3 (bits 1:0 and 15:13). */
const byQuadrant: CompressedEncoding[][] = Array.from({ length: 32 }, () => []);
for (const encoding of compressedEncodings) byQuadrant[((encoding.match >>> 13) << 2) | (encoding.match & 3)].push(encoding);

const signExtend = (value: number, width: number): number => (value << (32 - width)) >> (32 - width);

function immediateOf(raw: number, format: Format): number {
  switch (format) {
    case "I":
    case "csr":
    case "fence":
      return raw >> 20;
    case "S":
      return ((raw >> 25) << 5) | ((raw >>> 7) & 0x1f);
    case "B":
      return signExtend(((raw >>> 31) << 12) | (((raw >>> 7) & 1) << 11) | (((raw >>> 25) & 0x3f) << 5) | (((raw >>> 8) & 0xf) << 1), 13);
    case "U":
      return raw & 0xfffff000;
    case "J":
      return signExtend(((raw >>> 31) << 20) | (((raw >>> 12) & 0xff) << 12) | (((raw >>> 20) & 1) << 11) | (((raw >>> 21) & 0x3ff) << 1), 21);
    case "shift":
      return (raw >>> 20) & 0x3f;
    case "csri":
      return (raw >>> 15) & 0x1f;
    case "amo":
      return (raw >>> 25) & 3; // aq/rl
    default:
      return 0;
  }
}

const illegalHandler: Handler = (hart, instruction) => hart.raise(Exception.illegalInstruction, BigInt(instruction.raw >>> 0));

function illegal(raw: number, length: 2 | 4): Decoded {
  return new Decoded("illegal", illegalHandler, raw, length, 0, 0, 0, 0, 0n, 0, undefined);
}

export function findEncoding(raw: number): Encoding | undefined {
  for (const encoding of byOpcode[raw & 0x7f]) {
    if (((raw & encoding.mask) >>> 0) === encoding.match) return encoding;
  }
  return undefined;
}

export function findCompressed(half: number): CompressedEncoding | undefined {
  for (const encoding of byQuadrant[((half >>> 13) << 2) | (half & 3)]) {
    if ((half & encoding.mask) === encoding.match) return encoding;
  }
  return undefined;
}

/** Decodes a 32-bit instruction word (bits 1:0 = 11). */
export function decode32(raw: number): Decoded {
  raw >>>= 0;
  const encoding = findEncoding(raw);
  if (!encoding) return illegal(raw, 4);
  const immediate = immediateOf(raw, encoding.format);
  return new Decoded(
    encoding.name,
    handlers[encoding.name],
    raw,
    4,
    (raw >>> 7) & 0x1f,
    (raw >>> 15) & 0x1f,
    (raw >>> 20) & 0x1f,
    immediate,
    BigInt(immediate),
    encoding.format === "csr" || encoding.format === "csri" ? raw >>> 20 : 0,
    undefined,
  );
}

/** Decodes a 16-bit compressed instruction (bits 1:0 != 11). */
export function decode16(half: number): Decoded {
  half &= 0xffff;
  const encoding = findCompressed(half);
  const expansion = encoding?.expand(half);
  if (!encoding || !expansion) return illegal(half, 2);
  return new Decoded(
    expansion.base,
    handlers[expansion.base],
    half,
    2,
    expansion.rd,
    expansion.rs1,
    expansion.rs2,
    expansion.immediate,
    BigInt(expansion.immediate),
    0,
    encoding.name,
  );
}
