/**
 * The contract between the hart and the debugger. While `hart.debug` is
 * undefined the hart runs its fast path unchanged (and any faster engine);
 * when set, hart.run() executes through `runChecked`, the interpreter loop
 * that checks breakpoints, watchpoints and catch filters per instruction,
 * and the hart asks `holdTrap` before it takes a trap.
 */
import type { Hart } from "../hart/hart";

export interface HartDebugHooks {
  /**
   * Executes up to `count` instructions as Hart.runStraight does (traps are
   * thrown to run()), returning early when an interrupt may be takeable,
   * on WFI, on a stop request, or when the debugger stops the machine.
   */
  runChecked(hart: Hart, count: number): void;
  /**
   * Called before the hart takes a trap (an exception raised or thrown by
   * the instruction at the pc, or an interrupt at this boundary) while the
   * hooks are installed. True holds the trap back: the hart leaves its loop
   * with nothing committed, the pc still at the faulting instruction.
   */
  holdTrap(hart: Hart, cause: number, interrupt: boolean, tval: bigint): boolean;
  /** True once the debugger has decided to stop: Machine.run returns at once. */
  readonly stopPending: boolean;
}
