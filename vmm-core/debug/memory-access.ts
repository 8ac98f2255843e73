/**
 * Which instructions touch memory, how wide, and at what address, derived
 * from the encoding table once: the debugger's checked loop uses it to find
 * a load's or store's effective address before the instruction runs, so a
 * watchpoint can report the old value and the access without hooking the
 * TLB's hot path.
 */
import type { Decoded } from "../isa/decoded";
import type { Hart } from "../hart/hart";
import { encodings } from "../isa/encoding-table";

export interface MemoryAccessShape {
  read: boolean;
  write: boolean;
  size: 1 | 2 | 4 | 8;
  /** Loads and stores add the immediate to x[rs1]; AMOs and hypervisor loads/stores use x[rs1] alone. */
  displaced: boolean;
}

const sizeBySuffix: Record<string, 1 | 2 | 4 | 8> = { b: 1, h: 2, w: 4, d: 8 };

function shapeOf(name: string, format: string, match: number): MemoryAccessShape | undefined {
  // The width is the last letter of the mnemonic once an unsigned "u" is dropped (lbu, hlv.wu, amoadd.w).
  const size = sizeBySuffix[name.replace(/u$/, "").slice(-1)];
  const opcode = match & 0x7f;
  if (format === "I" && opcode === 0x03) return { read: true, write: false, size, displaced: true };
  if (format === "S") return { read: false, write: true, size, displaced: true };
  if (format === "hload") return { read: true, write: false, size, displaced: false };
  if (format === "hstore") return { read: false, write: true, size, displaced: false };
  if (format === "amo") {
    if (name.startsWith("lr.")) return { read: true, write: false, size, displaced: false };
    if (name.startsWith("sc.")) return { read: false, write: true, size, displaced: false };
    return { read: true, write: true, size, displaced: false };
  }
  return undefined;
}

/** Mnemonic → shape; compressed loads and stores decode to these base names too. */
const shapes = new Map<string, MemoryAccessShape>();
for (const encoding of encodings) {
  const shape = shapeOf(encoding.name, encoding.format, encoding.match);
  if (shape) shapes.set(encoding.name, shape);
}

export function memoryAccessOf(instruction: Decoded): MemoryAccessShape | undefined {
  return shapes.get(instruction.name);
}

/** The guest-virtual address the instruction will access, with the registers as they are now. */
export function effectiveAddress(hart: Hart, instruction: Decoded, shape: MemoryAccessShape): bigint {
  const base = hart.x[instruction.rs1];
  return BigInt.asUintN(64, shape.displaced ? base + instruction.immediateBig : base);
}
