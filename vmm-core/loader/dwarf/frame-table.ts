/**
 * The FDEs of .eh_frame and .debug_frame in one address-sorted index, and
 * the step that applies a row: from the registers of a frame to the CFA,
 * the return address and the registers of its caller.
 */
import { frameRows, type FrameRow } from "./cfa-program";
import { readFrameEntries, type FrameDescriptionEntry, type FrameSection } from "./frame-entries";
import { lastAtOrBelow } from "./line-table";

export interface UnwoundRegisters {
  /** The return address: where the caller resumes. */
  pc: bigint;
  cfa: bigint;
  registers: Map<number, bigint>;
}

/** x0..x31 are DWARF registers 0..31 on RISC-V (psABI "DWARF Register Numbers"). */
const GENERAL_REGISTERS = 32;
const SP = 2;

interface IndexedEntry {
  fde: FrameDescriptionEntry;
  low: bigint;
  high: bigint;
  rows: FrameRow[];
}

export class FrameTable {
  private readonly fdes: IndexedEntry[];

  /**
   * Runs every FDE's instructions now: malformed CFI is reported when the
   * file is read (a DwarfError), not in the middle of a stack trace, and
   * each unwind step is a binary search.
   */
  constructor(sections: readonly FrameSection[], private readonly loadOffset: bigint) {
    this.fdes = sections
      .filter((s) => s.bytes.length > 0)
      .flatMap((s) => readFrameEntries(s))
      .filter((fde) => fde.high > fde.low)
      .map((fde) => ({ fde, low: fde.low, high: fde.high, rows: frameRows(fde) }))
      .sort((a, b) => (a.low < b.low ? -1 : a.low > b.low ? 1 : 0));
  }

  get isEmpty(): boolean {
    return this.fdes.length === 0;
  }

  /** The FDE covering pc (pc in load-offset terms). */
  entryFor(pc: bigint): FrameDescriptionEntry | undefined {
    return this.indexed(pc)?.fde;
  }

  private indexed(pc: bigint): IndexedEntry | undefined {
    const address = pc - this.loadOffset;
    // .eh_frame and .debug_frame may both describe a function: any covering FDE will do.
    const first = lastAtOrBelow(this.fdes, address, (f) => f.low);
    for (let i = first; i >= 0 && i > first - 64; i--) {
      if (address < this.fdes[i].high) return this.fdes[i];
    }
    return undefined;
  }

  rowFor(pc: bigint): FrameRow | undefined {
    const entry = this.indexed(pc);
    return entry ? entry.rows[lastAtOrBelow(entry.rows, pc - this.loadOffset, (r) => r.address)] : undefined;
  }

  unwind(pc: bigint, register: (n: number) => bigint, readU64: (address: bigint) => bigint | undefined): UnwoundRegisters | undefined {
    const fde = this.entryFor(pc);
    const row = this.rowFor(pc);
    if (!fde || !row) return undefined;
    if (row.cfa.kind !== "registerOffset" || row.cfa.register >= GENERAL_REGISTERS) return undefined;
    const cfa = BigInt.asUintN(64, register(row.cfa.register) + row.cfa.offset);
    const registers = new Map<number, bigint>();
    for (let n = 0; n < GENERAL_REGISTERS; n++) {
      const rule = row.registers.get(n);
      let value: bigint | undefined;
      if (!rule || rule.kind === "sameValue") value = register(n);
      else if (rule.kind === "offset") value = readU64(BigInt.asUintN(64, cfa + rule.offset));
      else if (rule.kind === "valOffset") value = BigInt.asUintN(64, cfa + rule.offset);
      else if (rule.kind === "register") value = rule.register < GENERAL_REGISTERS ? register(rule.register) : undefined;
      else if (rule.kind === "undefined") value = undefined;
      else return undefined; // DWARF expressions: not evaluated
      if (n === fde.cie.returnAddressRegister && value === undefined) return undefined; // outermost frame or unreadable
      if (value !== undefined) registers.set(n, value);
    }
    const returnAddress = registers.get(fde.cie.returnAddressRegister);
    if (returnAddress === undefined) return undefined;
    // The caller's sp is the CFA by definition (unless a rule says otherwise).
    if (!row.registers.has(SP)) registers.set(SP, cfa);
    registers.set(0, 0n);
    return { pc: returnAddress, cfa, registers };
  }
}
