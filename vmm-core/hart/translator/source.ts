/**
 * Pieces of generated JavaScript shared by the emitters. A block's function
 * works on the register file's 32-bit halves (`r32`): x[n] is r32[2n] (low)
 * and r32[2n+1] (high), so 64-bit arithmetic is done on int32 numbers and
 * no bigint is allocated on the common paths. x0 reads as the constant 0.
 */

/** The pc's halves in r32 (slot 32 of the register file). */
export const pcLow = 64;
export const pcHigh = 65;

/** Low half of x[n] as an int32 expression. */
export const low = (n: number): string => (n === 0 ? "0" : `r32[${n * 2}]`);
/** High half of x[n] as an int32 expression. */
export const high = (n: number): string => (n === 0 ? "0" : `r32[${n * 2 + 1}]`);

/** Writes both halves of x[rd] (nothing for x0). */
export const write = (rd: number, lowExpression: string, highExpression: string): string =>
  rd === 0 ? "" : `r32[${rd * 2}]=${lowExpression};r32[${rd * 2 + 1}]=${highExpression};`;

/** The halves of a 64-bit constant, as int32 literals. */
export function halves(value: bigint): [number, number] {
  return [Number(BigInt.asIntN(32, value)), Number(BigInt.asIntN(32, value >> 32n))];
}

/** Writes a 64-bit constant into x[rd]. */
export function writeConstant(rd: number, value: bigint): string {
  const [lo, hi] = halves(value);
  return write(rd, String(lo), String(hi));
}

/** Sets the pc to a constant. */
export function setPc(value: bigint): string {
  const [lo, hi] = halves(value);
  return `r32[${pcLow}]=${lo};r32[${pcHigh}]=${hi};`;
}

/**
 * Leaves the region at a constant pc with `retired` instructions of the
 * current basic block retired. A region's function returns how many
 * instructions it executed: i0 is the instret the current basic block
 * started at, I the one the call started at.
 */
export function exitTo(pc: bigint, retired: number): string {
  return `${setPc(pc)}h.instret=i0+${retired};return i0-I+${retired};`;
}

/** Where one instruction sits in its basic block and region. */
export interface Site {
  /** Index in the basic block: the instructions before it (in this block) have retired when it runs. */
  index: number;
  /** Its virtual address and the next instruction's (fall-through). */
  pc: bigint;
  next: bigint;
  /**
   * Control goes to a constant address after `retired` instructions of
   * this basic block: inside the region, on to that basic block (when the
   * budget allows all of it); else out of the region's function. `last`:
   * nothing of this basic block follows, so the next basic block may be
   * reached by falling through the switch.
   */
  transfer(target: bigint, retired: number, last: boolean): string;
  /** Index of the instruction in the region's lists D (Decoded) and E (handlers), for calling the interpreter's handler. */
  handler: number;
}

/**
 * Makes the hart's state exact before a call that may trap, read the
 * pc/instret (devices read the clock from instret) or stop the hart:
 * the instructions before this one retired, the pc at this one.
 */
export function synchronize(site: Site): string {
  return `h.instret=i0+${site.index};${setPc(site.pc)}`;
}

/**
 * After a call that went to the bus or ran a handler: leave the block if
 * the call dropped this block's code (a store into it), asked for an
 * interrupt check, a stop or WFI — as the interpreter leaves its loop.
 * The TLB's arrays are read again: the call may have refilled or flushed it.
 */
export function afterCall(site: Site): string {
  return `if(!B.valid||h.interruptCheck||h.waiting||h.stopRequested){${exitTo(site.next, site.index + 1)}}G=tlb.generation;`;
}
