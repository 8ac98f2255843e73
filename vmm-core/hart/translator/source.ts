/**
 * Pieces of generated JavaScript shared by the emitters. A trace's
 * function keeps the guest registers it uses in JavaScript locals, x[n] as
 * two int32 halves `xNl` (low) and `xNh` (high): loaded from the register
 * file (`r32`, x[n] at r32[2n] and r32[2n+1]) on entry, written back on
 * every exit and before every call that may read them, trap or stop the
 * hart. 64-bit arithmetic is done on int32 numbers, so no bigint is
 * allocated on the common paths. x0 reads as the constant 0.
 */

/** The pc's halves in r32 (slot 32 of the register file). */
export const pcLow = 64;
export const pcHigh = 65;

/** Low half of x[n] as an int32 expression. */
export const low = (n: number): string => (n === 0 ? "0" : `x${n}l`);
/** High half of x[n] as an int32 expression. */
export const high = (n: number): string => (n === 0 ? "0" : `x${n}h`);

/** Writes both halves of x[rd] (nothing for x0). The low half is written first: `highExpression` must not read rd's low half. */
export const write = (rd: number, lowExpression: string, highExpression: string): string =>
  rd === 0 ? "" : `x${rd}l=${lowExpression};x${rd}h=${highExpression};`;

/**
 * Placeholders the region replaces once it knows which locals its code
 * uses: `spill` writes every local the trace assigns back to r32, `reload`
 * reads every local it uses from r32 (after a call that may have written
 * any register: an interpreter handler, the monitor's emulation).
 */
export const spill = "@spill@";
export const reload = "@reload@";

/** Writes the locals of the named registers to r32 (before a call that reads only those). */
export const spillRegisters = (registers: readonly number[]): string =>
  [...new Set(registers)].filter((n) => n !== 0).map((n) => `r32[${n * 2}]=x${n}l;r32[${n * 2 + 1}]=x${n}h;`).join("");

/** Reads x[rd]'s locals back from r32 (after a call that wrote only rd). */
export const reloadRegister = (rd: number): string => (rd === 0 ? "" : `x${rd}l=r32[${rd * 2}];x${rd}h=r32[${rd * 2 + 1}];`);

/** The halves of a 64-bit constant, as int32 literals. */
export function halves(value: bigint): [number, number] {
  return [Number(BigInt.asIntN(32, value)), Number(BigInt.asIntN(32, value >> 32n))];
}

/** Writes a 64-bit constant into x[rd]. */
export function writeConstant(rd: number, value: bigint): string {
  const [lo, hi] = halves(value);
  return write(rd, String(lo), String(hi));
}

/** Sets the hart's pc to a constant. */
function setPc(value: bigint): string {
  const [lo, hi] = halves(value);
  return `r32[${pcLow}]=${lo};r32[${pcHigh}]=${hi};`;
}

/**
 * Leaves the trace at a constant pc with `retired` instructions of the
 * current basic block retired: i0 is the instret the current basic block
 * started at. The exit path (the region's epilogue, after the `out`
 * label) writes the locals back, sets the pc from pl:ph and instret.
 */
export function exitTo(pc: bigint, retired: number): string {
  const [lo, hi] = halves(pc);
  return `i0+=${retired};pl=${lo};ph=${hi};break out;`;
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
   * this basic block: inside the trace, on to that instruction (a forward
   * skip, or another pass of a loop when the budget allows it); else out
   * of the function. `fallThrough`: the code emitted next is the not-taken
   * path, so reaching the instruction that follows in the trace needs no jump.
   */
  transfer(target: bigint, retired: number, fallThrough: boolean): string;
  /** Index of the instruction in the region's lists D (Decoded) and E (handlers), for calling the interpreter's handler. */
  handler: number;
  /** A JALR's predicted target, where the trace goes on when the jump goes there. */
  predicted?: bigint;
  /** A conditional branch whose target is the next instruction of the trace (its fall-through leaves or jumps). */
  followsTaken?: boolean;
}

/**
 * Makes the hart's state exact before a call that may trap, read the
 * pc/instret (devices read the clock from instret), read registers or stop
 * the hart: the instructions before this one retired, the pc at this one,
 * the registers written back — all of them, or only `reads` for a call
 * known to read no others and never to run a trap handler inside it (a
 * thrown trap is fine: the region writes every register back as it
 * unwinds).
 */
export function synchronize(site: Site, reads?: readonly number[]): string {
  return `h.instret=i0+${site.index};${setPc(site.pc)}${reads === undefined ? spill : spillRegisters(reads)}`;
}

/**
 * After a call that went to the bus or ran a handler: leave the trace if
 * the call dropped its code (a store into it), asked for an interrupt
 * check, a stop or WFI — as the interpreter leaves its loop.
 * The TLB's generation is read again: the call may have refilled or flushed it.
 */
export function afterCall(site: Site): string {
  return `if(!B.valid||h.interruptCheck||h.waiting||h.stopRequested){${exitTo(site.next, site.index + 1)}}G=tlb.generation;`;
}
