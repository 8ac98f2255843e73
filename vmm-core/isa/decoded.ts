/**
 * One decoded instruction: the operands extracted once, so the hart's loop
 * (and later the translator) never re-decodes bits. Compressed instructions
 * decode to the operands of the base instruction they expand to.
 */
import type { Hart } from "../hart/hart";

/** Executes one instruction. Returns true when it wrote the pc itself (jumps, taken branches, traps returns). */
export type Handler = (hart: Hart, instruction: Decoded) => boolean | void;

/** Register-file slot that absorbs writes to x0 (after x0..x31, the pc and the scratch slot). */
export const sinkRegister = 34;

export type Format = "R" | "I" | "S" | "B" | "U" | "J" | "shift" | "csr" | "csri" | "amo" | "none" | "fence" | "sfence" | "hload" | "hstore";

export class Decoded {
  constructor(
    /** Mnemonic of the base instruction ("addi"), also for expanded compressed ones. */
    readonly name: string,
    readonly execute: Handler,
    readonly raw: number,
    readonly length: 2 | 4,
    readonly rd: number,
    readonly rs1: number,
    readonly rs2: number,
    /** Sign-extended immediate (shift amount, CSR immediate …) as a number … */
    readonly immediate: number,
    /** … and as a bigint, precomputed for 64-bit arithmetic. */
    readonly immediateBig: bigint,
    /** CSR address for Zicsr instructions. */
    readonly csr: number,
    /** Name of the compressed form ("c.addi") when this came from a 16-bit encoding. */
    readonly compressedName: string | undefined,
  ) {
    this.lengthBig = length === 2 ? 2n : 4n;
    this.destination = rd === 0 ? sinkRegister : rd;
  }

  /**
   * Where handlers write rd: x0's writes go to a sink slot of the register
   * file instead, so the loop never has to clear x0 after an instruction.
   */
  readonly destination: number;

  /** The length as a bigint, added to the pc after the instruction. */
  readonly lengthBig: bigint;

  /**
   * The translator's profile of a branch: the times it was taken and not
   * taken while the translator engine interpreted it (cold code). A trace
   * follows the direction it goes most.
   */
  taken = 0;
  notTaken = 0;
}
