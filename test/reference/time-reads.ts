/**
 * Instructions whose result depends on when they run rather than on the
 * program: reads of the `time`/`cycle`/`instret` counters and of the CLINT's
 * mtime register, and reads of mip/sip (their timer bits follow mtime).
 * Unless QEMU runs with a deterministic clock these differ between QEMU
 * (host clock) and vmscope (instructions retired), so the lockstep driver
 * copies QEMU's result into vmscope's destination register after such an
 * instruction, and counts every copy.
 */
import { memoryMap } from "../../vmm-core/machine/memory-map";

/** CSRs whose value follows a clock. Names as in the privileged spec. */
export const clockCsrs: ReadonlyMap<number, string> = new Map([
  [0xc00, "cycle"],
  [0xc01, "time"],
  [0xc02, "instret"],
  [0xb00, "mcycle"],
  [0xb02, "minstret"],
  [0x344, "mip"],
  [0x144, "sip"],
]);

/** mtime inside the CLINT (ACLINT MTIMER: mtime at offset 0xbff8). */
export const mtimeAddress = memoryMap.clint.base + 0xbff8n;

export interface ClockRead {
  /** Destination register. */
  rd: number;
  /** What is read: a CSR name or "mtime". */
  source: string;
}

const signExtend = (value: number, bits: number): number => (value << (32 - bits)) >> (32 - bits);

/**
 * The clock read `word` performs, if any. `register(i)` gives x[i] before the
 * instruction (to form load addresses); `bare` says whether addresses are
 * physical (M-mode or satp.MODE = Bare), the only case where a load address
 * can be matched with the CLINT.
 */
export function clockRead(word: number, register: (i: number) => bigint, bare: boolean): ClockRead | undefined {
  if ((word & 3) !== 3) return compressedClockRead(word & 0xffff, register, bare);
  const opcode = word & 0x7f;
  const rd = (word >>> 7) & 0x1f;
  const funct3 = (word >>> 12) & 7;
  const rs1 = (word >>> 15) & 0x1f;
  if (opcode === 0x73 && funct3 !== 0 && funct3 !== 4) {
    const source = clockCsrs.get(word >>> 20);
    return source !== undefined && rd !== 0 ? { rd, source } : undefined;
  }
  if (opcode === 0x03 && rd !== 0 && bare) {
    const address = BigInt.asUintN(64, register(rs1) + BigInt(signExtend(word >>> 20, 12)));
    const size = 1n << BigInt(funct3 & 3);
    if (overlapsMtime(address, size)) return { rd, source: "mtime" };
  }
  return undefined;
}

function compressedClockRead(half: number, register: (i: number) => bigint, bare: boolean): ClockRead | undefined {
  // Quadrant 0: c.lw (funct3 010) and c.ld (011), rd' and rs1' are x8..x15.
  if ((half & 3) !== 0 || !bare) return undefined;
  const funct3 = half >>> 13;
  if (funct3 !== 2 && funct3 !== 3) return undefined;
  const rd = 8 + ((half >>> 2) & 7);
  const rs1 = 8 + ((half >>> 7) & 7);
  const offset =
    funct3 === 2
      ? (((half >>> 10) & 7) << 3) | (((half >>> 6) & 1) << 2) | (((half >>> 5) & 1) << 6)
      : (((half >>> 10) & 7) << 3) | (((half >>> 5) & 3) << 6);
  const address = BigInt.asUintN(64, register(rs1) + BigInt(offset));
  return overlapsMtime(address, funct3 === 2 ? 4n : 8n) ? { rd, source: "mtime" } : undefined;
}

function overlapsMtime(address: bigint, size: bigint): boolean {
  return address < mtimeAddress + 8n && address + size > mtimeAddress;
}
