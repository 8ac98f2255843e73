/**
 * The debuggee: owns a Machine and its MachineDebugger and runs it in
 * time-bounded slices with the event loop in between, so a pause request is
 * answered within one slice (about 10 ms) even when the guest spins. Guest
 * time skips ahead to the next timer deadline when every hart waits
 * (Machine.run does that, as under `vmscope run`); only when nothing but
 * outside input can wake a hart does the runtime sleep, until wake() —
 * console input, any state change — or pause(). It knows neither DAP nor
 * VS Code (vscode-mock-debug's runtime plays the same part); stepping
 * predicates come from stepping.ts.
 */
import { performance } from "node:perf_hooks";
import { Machine } from "../vmm-core/machine/machine";
import { MachineDebugger, type StepPredicate } from "../vmm-core/debug/machine-debugger";
import type { DebugStop } from "../vmm-core/debug/debug-stop";
import { ConsoleBuffer } from "../vmm-core/machine/console-buffer";

export type MachineOptions = ConstructorParameters<typeof Machine>[0];

/** Stops the runtime reports besides the debugger's own (breakpoints, watchpoints, catches, steps). */
export type RuntimeStop =
  | { kind: "entry"; hart: number }
  | { kind: "pause"; hart: number }
  | DebugStop;

export interface GuestExit {
  /** What ended the guest: power-off through a device, or a reset request. */
  reason: "poweroff" | "reset";
  exitCode: number;
  source: string;
}

export interface RuntimeEvents {
  stopped(stop: RuntimeStop): void;
  /** Console bytes, batched per slice. */
  output(bytes: Uint8Array): void;
  terminated(exit: GuestExit): void;
  /** After every run slice while running (the inspection side batches vmscope/exitsAvailable events). */
  slice?(): void;
}

/** Wall time a slice may take before the event loop gets its turn: pause answers within about this. */
export const sliceMilliseconds = 10;
/** First chunk size; adapted so one chunk takes about a fifth of a slice at the current speed. */
const initialChunk = 20_000;
/**
 * How long the runtime sleeps when every hart is halted before it looks
 * again unasked: input and pause wake it at once, this only covers a change
 * that came some other way.
 */
const idleRecheckMs = 100;

export class MachineRuntime {
  readonly machine: Machine;
  readonly debugger: MachineDebugger;
  private running = false;
  private pauseRequested = false;
  private ended = false;
  /** The next slice: an immediate while the guest runs, a timer while it sleeps halted. */
  private scheduled: { immediate: NodeJS.Immediate } | { timer: NodeJS.Timeout } | undefined;
  /** Console output of the current slice, bounded: a flooding guest loses bytes (with a marker), never the adapter's memory. */
  private readonly pendingOutput: ConsoleBuffer;
  private chunk = initialChunk;
  /** The stop last reported (exceptionInfo describes it). */
  lastStop: RuntimeStop | undefined;

  /** Throws UserInputError/LoadError when the images or options are bad. */
  constructor(options: Omit<MachineOptions, "console">, private readonly events: RuntimeEvents, consoleBufferBytes?: number) {
    this.pendingOutput = new ConsoleBuffer(consoleBufferBytes);
    this.machine = new Machine({
      ...options,
      console: { write: (bytes: Uint8Array) => this.pendingOutput.write(bytes) },
    });
    this.debugger = new MachineDebugger(this.machine);
  }

  get isRunning(): boolean {
    return this.running;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** Reports the entry stop (no instruction has run yet). */
  stopOnEntry(): void {
    this.report({ kind: "entry", hart: 0 });
  }

  /** Runs until a debugger stop, a pause, or the end of the guest. */
  continue(): void {
    if (this.ended || this.running) return;
    this.debugger.setStepper(undefined);
    this.start();
  }

  /** Runs until `predicate` approves an instruction retired on `hartId` (or anything else stops the machine). */
  stepUntil(hartId: number, predicate: StepPredicate): void {
    if (this.ended || this.running) return;
    this.debugger.setStepper({ hart: hartId, predicate });
    this.start();
  }

  /** Executes exactly one instruction (or the trap it raises) on a hart, then reports a step stop (or the end). */
  stepInstruction(hartId: number): void {
    if (this.ended || this.running) return;
    this.debugger.setStepper(undefined);
    this.debugger.resume();
    this.machine.step(hartId);
    this.flushOutput();
    if (this.checkEnded()) return;
    // A watchpoint or catch filter may have fired on that very instruction: report it rather than a plain step.
    const stop = this.debugger.stop;
    this.report(stop ?? { kind: "step", hart: hartId });
  }

  /** Asks for a stop; `stopped(pause)` follows after the current slice. */
  pause(): void {
    if (!this.running) return;
    this.pauseRequested = true;
    this.wake();
  }

  /** Something outside the guest may have woken a hart (console input, a device or memory change): a sleeping runtime runs again now. */
  wake(): void {
    if (!this.running || this.scheduled === undefined || "immediate" in this.scheduled) return;
    this.cancelScheduled();
    this.schedule(0);
  }

  /** A snapshot replaced the machine's state: the last stop no longer describes it; a running guest goes on from the new state. */
  snapshotLoaded(): void {
    this.lastStop = undefined;
    this.debugger.stateReplaced();
    this.wake();
  }

  /** Whether every hart is halted and the runtime sleeps until input or a pause. */
  get sleeping(): boolean {
    return this.running && this.scheduled !== undefined && "timer" in this.scheduled;
  }

  /** Stops everything; no event follows. */
  dispose(): void {
    this.ended = true;
    this.running = false;
    this.cancelScheduled();
    this.debugger.dispose();
  }

  private start(): void {
    this.debugger.resume();
    this.running = true;
    this.pauseRequested = false;
    this.schedule(0);
  }

  private report(stop: RuntimeStop): void {
    this.lastStop = stop;
    this.events.stopped(stop);
  }

  private schedule(delayMs: number): void {
    this.scheduled = delayMs === 0 ? { immediate: setImmediate(() => this.slice()) } : { timer: setTimeout(() => this.slice(), delayMs) };
  }

  private cancelScheduled(): void {
    const scheduled = this.scheduled;
    this.scheduled = undefined;
    // Each handle to its own clear function: clearImmediate on a timer corrupts Node's count of pending immediates.
    if (scheduled === undefined) return;
    if ("immediate" in scheduled) clearImmediate(scheduled.immediate);
    else clearTimeout(scheduled.timer);
  }

  /** Runs chunks until the slice's time is used up, the debugger stops the machine, or every hart halts. */
  private slice(): void {
    this.scheduled = undefined;
    if (!this.running || this.ended) return;
    if (this.pauseRequested) {
      this.stopRunning();
      this.report({ kind: "pause", hart: 0 });
      return;
    }
    const started = performance.now();
    let halted = false;
    for (;;) {
      const chunkStarted = performance.now();
      const result = this.machine.run(this.chunk);
      const now = performance.now();
      this.adaptChunk(result.instructions, now - chunkStarted);
      if (result.reason === "debug") {
        this.flushOutput();
        const stop = this.debugger.stop;
        this.stopRunning();
        if (stop) this.report(stop);
        return;
      }
      if (result.reason !== "budget") {
        halted = result.reason === "halted";
        break;
      }
      if (now - started >= sliceMilliseconds) break;
    }
    this.flushOutput();
    this.events.slice?.();
    if (this.checkEnded()) return;
    // Halted: no timer will fire, only input or a pause can change that (both wake this at once).
    this.schedule(halted ? idleRecheckMs : 0);
  }

  /** Keeps one chunk near a fifth of a slice: the checked loop is slower than the fast path, and speed varies by guest. */
  private adaptChunk(instructions: number, milliseconds: number): void {
    if (instructions < this.chunk || milliseconds <= 0) return;
    const perMillisecond = instructions / milliseconds;
    const target = Math.round((perMillisecond * sliceMilliseconds) / 5);
    this.chunk = Math.max(1000, Math.min(2_000_000, Math.round((this.chunk + target) / 2)));
  }

  private stopRunning(): void {
    this.running = false;
    this.pauseRequested = false;
    this.debugger.setStepper(undefined);
  }

  private flushOutput(): void {
    const bytes = this.pendingOutput.take();
    if (bytes) this.events.output(bytes);
  }

  /** True (and reports it once) when the guest has powered off or asked for a reset. */
  private checkEnded(): boolean {
    const power = this.machine.power;
    if (power.state === "running") return false;
    this.dispose();
    this.events.terminated({
      reason: power.state === "off" ? "poweroff" : "reset",
      exitCode: power.exitCode,
      source: power.source,
    });
    return true;
  }
}
