/**
 * The machine's debug services: breakpoints by guest-virtual pc (never by
 * patching guest memory), watchpoints on guest-virtual ranges, and catch
 * filters for traps (caught before they are taken), SBI ecalls and VM exits. While anything is armed every
 * hart runs through the checked loop (checked-loop.ts); with nothing armed
 * `hart.debug` is undefined and the hart's fast path runs untouched.
 */
import { PC, type Hart } from "../hart/hart";
import type { Decoded } from "../isa/decoded";
import type { ExitLog } from "../hypervisor/exit-log";
import type { ExitRecord } from "../hypervisor/exit-record";
import type { DebugStop, PendingTrap } from "./debug-stop";
import type { HartDebugHooks } from "./hart-debug-hooks";
import { runChecked } from "./checked-loop";
import { pendingTrap, TrapOccurrence } from "./trap-catch";

export interface Breakpoint {
  id: number;
  address: bigint;
  /** Only this hart; every hart when undefined. */
  hart?: number;
  /** Condition, hit count and log point logic: false lets the hart run on. */
  test?: (hart: Hart) => boolean;
}

export interface Watchpoint {
  id: number;
  address: bigint;
  length: number;
  read: boolean;
  write: boolean;
  /** Extra condition evaluated after the access; false lets the hart run on. */
  test?: (hart: Hart, stop: Extract<DebugStop, { kind: "watchpoint" }>) => boolean;
}

/** Called after every retired instruction of `hart`; true stops the machine (a step completed). */
export type StepPredicate = (hart: Hart, executed: Decoded, pcBefore: bigint) => boolean;

/** What the debugger needs of the board. */
export interface DebuggableMachine {
  readonly harts: Hart[];
  /** The monitor's exit log, in the virtualized modes. */
  readonly monitor?: { readonly exits: ExitLog } | undefined;
}

export class MachineDebugger implements HartDebugHooks {
  /** Breakpoints by the low 32 bits of their address: one Map lookup on a number per instruction. */
  readonly breakpointsByLow = new Map<number, Breakpoint[]>();
  watchpoints: Watchpoint[] = [];
  /** Stops before the hart takes a matching trap (holdTrap), the faulting instruction not yet committed. */
  catchTrap: ((trap: PendingTrap, hart: Hart) => boolean) | undefined;
  catchEcall: ((hart: Hart) => boolean) | undefined;
  private catchExitPredicate: ((exit: ExitRecord) => boolean) | undefined;
  stepper: { hart: number; predicate: StepPredicate } | undefined;
  /** The stop the machine is waiting to report; cleared by resume(). */
  stop: DebugStop | undefined;
  /** Per hart: the trap occurrence last stopped on, taken without stopping when execution resumes. */
  private readonly heldTraps: TrapOccurrence[];
  /** Per hart: the instruction at the resume pc runs without pre-execution checks, once. */
  readonly resumeInstret: number[];
  readonly resumePcLow: number[];
  private stopExitListener: (() => void) | undefined;
  private attached = false;

  constructor(private readonly machine: DebuggableMachine) {
    this.heldTraps = machine.harts.map(() => new TrapOccurrence());
    this.resumeInstret = machine.harts.map(() => -1);
    this.resumePcLow = machine.harts.map(() => 0);
  }

  get stopPending(): boolean {
    return this.stop !== undefined;
  }

  runChecked(hart: Hart, count: number): void {
    runChecked(this, hart, count);
  }

  holdTrap(hart: Hart, cause: number, interrupt: boolean, tval: bigint): boolean {
    if (this.catchTrap === undefined) return false;
    const held = this.heldTraps[hart.hartId];
    if (held === undefined || held.takeIfSame(hart, cause, interrupt)) return false;
    const trap = pendingTrap(hart, cause, interrupt, tval);
    if (!this.catchTrap(trap, hart)) return false;
    if (this.stop !== undefined) {
      // Another hart's stop is being reported: hold this trap too, to be caught (and reported) when execution resumes.
      hart.stopRequested = true;
      return true;
    }
    held.remember(hart, cause, interrupt);
    this.requestStop({ kind: "trap", hart: hart.hartId, trap }, hart);
    return true;
  }

  // ---- configuration ---------------------------------------------------

  setBreakpoints(breakpoints: readonly Breakpoint[]): void {
    this.breakpointsByLow.clear();
    for (const breakpoint of breakpoints) {
      const low = Number(BigInt.asIntN(32, breakpoint.address));
      const list = this.breakpointsByLow.get(low);
      if (list) list.push(breakpoint);
      else this.breakpointsByLow.set(low, [breakpoint]);
    }
    this.update();
  }

  get breakpoints(): Breakpoint[] {
    return [...this.breakpointsByLow.values()].flat();
  }

  setWatchpoints(watchpoints: readonly Watchpoint[]): void {
    for (const watch of watchpoints) {
      if (!Number.isInteger(watch.length) || watch.length < 1) throw new RangeError(`watchpoint ${watch.id}: length must be a positive integer`);
    }
    this.watchpoints = [...watchpoints];
    this.update();
  }

  setCatchTrap(predicate: ((trap: PendingTrap, hart: Hart) => boolean) | undefined): void {
    this.catchTrap = predicate;
    for (const held of this.heldTraps) held.forget();
    this.update();
  }

  setCatchEcall(predicate: ((hart: Hart) => boolean) | undefined): void {
    this.catchEcall = predicate;
    this.update();
  }

  /** Stops after the monitor has logged and handled a matching exit (virtualized modes only). */
  setCatchExit(predicate: ((exit: ExitRecord) => boolean) | undefined): void {
    this.catchExitPredicate = predicate;
    this.stopExitListener?.();
    this.stopExitListener = undefined;
    const exits = this.machine.monitor?.exits;
    if (predicate && exits) this.stopExitListener = exits.onRecord((record) => this.onExit(record));
    this.update();
  }

  setStepper(stepper: { hart: number; predicate: StepPredicate } | undefined): void {
    this.stepper = stepper;
    this.update();
  }

  /** Clears a reported stop and lets every hart run again, skipping the checks at the pcs they stand on once. */
  resume(): void {
    this.stop = undefined;
    this.machine.harts.forEach((hart, id) => {
      this.resumeInstret[id] = hart.instret;
      this.resumePcLow[id] = hart.r32[PC * 2];
    });
  }

  /** The machine's state was replaced (a snapshot was loaded): no trap occurrence stopped on before is the current one. */
  stateReplaced(): void {
    for (const held of this.heldTraps) held.forget();
  }

  /** Records a stop and asks the hart to leave its loop at the next instruction boundary. */
  requestStop(stop: DebugStop, hart: Hart): void {
    if (this.stop === undefined) this.stop = stop;
    hart.stopRequested = true;
  }

  /** Whether anything needs the checked loop. */
  get armed(): boolean {
    return (
      this.breakpointsByLow.size > 0 ||
      this.watchpoints.length > 0 ||
      this.catchTrap !== undefined ||
      this.catchEcall !== undefined ||
      this.catchExitPredicate !== undefined ||
      this.stepper !== undefined
    );
  }

  /** Installs or removes the hooks on every hart. */
  private update(): void {
    this.attached = this.armed;
    for (const hart of this.machine.harts) hart.debug = this.attached ? this : undefined;
  }

  /** Removes every hook (the session ends). */
  dispose(): void {
    this.stopExitListener?.();
    this.stopExitListener = undefined;
    this.breakpointsByLow.clear();
    this.watchpoints = [];
    this.catchTrap = undefined;
    this.catchEcall = undefined;
    this.catchExitPredicate = undefined;
    this.stepper = undefined;
    this.update();
  }

  private onExit(record: ExitRecord): void {
    if (!this.catchExitPredicate || this.stop !== undefined) return;
    if (!this.catchExitPredicate(record)) return;
    const hart = this.machine.harts[record.vcpu];
    if (hart) this.requestStop({ kind: "exit", hart: record.vcpu, exit: record }, hart);
  }
}
