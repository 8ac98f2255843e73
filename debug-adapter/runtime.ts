/**
 * The debuggee: owns a Machine and runs it in short slices with the event
 * loop in between, so a pause request is answered within one slice. It knows
 * neither DAP nor VS Code (vscode-mock-debug's runtime plays the same part).
 */
import { Machine } from "../vmm-core/machine/machine";

export type MachineOptions = ConstructorParameters<typeof Machine>[0];

export type StopReason = "entry" | "pause" | "step";

export interface GuestExit {
  /** What ended the guest: power-off through a device, or a reset request. */
  reason: "poweroff" | "reset";
  exitCode: number;
  source: string;
}

export interface RuntimeEvents {
  stopped(reason: StopReason, hartId: number): void;
  /** Console bytes, batched per slice. */
  output(bytes: Uint8Array): void;
  terminated(exit: GuestExit): void;
}

/** About 10 ms of guest work: pause latency stays well under what a person notices. */
const sliceInstructions = 200_000;
/** How long a slice waits before retrying when every hart is halted. */
const idleRetryMs = 10;

export class MachineRuntime {
  readonly machine: Machine;
  private running = false;
  private pauseRequested = false;
  private ended = false;
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private pendingOutput: Uint8Array[] = [];

  /** Throws UserInputError/LoadError when the images or options are bad. */
  constructor(options: Omit<MachineOptions, "console">, private readonly events: RuntimeEvents) {
    this.machine = new Machine({
      ...options,
      console: { write: (bytes: Uint8Array) => this.pendingOutput.push(bytes.slice()) },
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** Reports the entry stop (no instruction has run yet). */
  stopOnEntry(): void {
    this.events.stopped("entry", 0);
  }

  /** Runs until paused or the guest ends. */
  continue(): void {
    if (this.ended || this.running) return;
    this.running = true;
    this.pauseRequested = false;
    this.schedule(0);
  }

  /** Asks for a stop; `stopped("pause")` follows after the current slice. */
  pause(): void {
    if (!this.running) return;
    this.pauseRequested = true;
    // A slice waiting out an idle period can stop right away.
    this.cancelScheduled();
    this.schedule(0);
  }

  /** Executes exactly one instruction on a hart, then reports a step stop (or the end). */
  step(hartId: number): void {
    if (this.ended || this.running) return;
    this.machine.step(hartId);
    this.flushOutput();
    if (!this.checkEnded()) this.events.stopped("step", hartId);
  }

  /** Stops everything; no event follows. */
  dispose(): void {
    this.ended = true;
    this.running = false;
    this.cancelScheduled();
  }

  private schedule(delayMs: number): void {
    this.scheduled = delayMs === 0 ? setImmediate(() => this.slice()) : setTimeout(() => this.slice(), delayMs);
  }

  private cancelScheduled(): void {
    if (this.scheduled === undefined) return;
    clearImmediate(this.scheduled as NodeJS.Immediate);
    clearTimeout(this.scheduled as NodeJS.Timeout);
    this.scheduled = undefined;
  }

  private slice(): void {
    this.scheduled = undefined;
    if (!this.running || this.ended) return;
    if (this.pauseRequested) {
      this.running = false;
      this.pauseRequested = false;
      this.events.stopped("pause", 0);
      return;
    }
    const result = this.machine.run(sliceInstructions);
    this.flushOutput();
    if (this.checkEnded()) return;
    this.schedule(result.reason === "halted" ? idleRetryMs : 0);
  }

  private flushOutput(): void {
    if (this.pendingOutput.length === 0) return;
    const chunks = this.pendingOutput;
    this.pendingOutput = [];
    this.events.output(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
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
