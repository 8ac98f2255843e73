/**
 * The trap filter's side of the debugger: the trap a hart is about to take,
 * described before anything changes (where delegation would send it), and
 * the occurrence the debugger last stopped on, so that continuing or
 * stepping takes that same trap instead of stopping on it again — as
 * resuming from a breakpoint runs the instruction under it.
 */
import { PC, type Hart } from "../hart/hart";
import { trapTarget } from "../hart/take-trap";
import type { PendingTrap } from "./debug-stop";

export function pendingTrap(hart: Hart, cause: number, interrupt: boolean, tval: bigint): PendingTrap {
  const target = trapTarget(hart, cause, interrupt);
  return {
    cause,
    interrupt,
    pc: hart.pc,
    tval: BigInt.asUintN(64, tval),
    from: hart.priv,
    to: target.to,
    fromVirtual: hart.virt,
    toVirtual: target.toVirtualSupervisor,
    instret: hart.instret,
  };
}

/** One hart's trap occurrence: the same cause at the same pc with nothing retired since. */
export class TrapOccurrence {
  private instret = -1;
  private pcLow = 0;
  private pcHigh = 0;
  private cause = -1;
  private interrupt = false;

  remember(hart: Hart, cause: number, interrupt: boolean): void {
    this.instret = hart.instret;
    this.pcLow = hart.r32[PC * 2];
    this.pcHigh = hart.r32[PC * 2 + 1];
    this.cause = cause;
    this.interrupt = interrupt;
  }

  forget(): void {
    this.instret = -1;
  }

  /** True, once, for the remembered occurrence; any other trap of the hart forgets it. */
  takeIfSame(hart: Hart, cause: number, interrupt: boolean): boolean {
    if (this.instret < 0) return false;
    const same =
      this.instret === hart.instret && this.pcLow === hart.r32[PC * 2] && this.pcHigh === hart.r32[PC * 2 + 1] && this.cause === cause && this.interrupt === interrupt;
    this.instret = -1;
    return same;
  }
}
