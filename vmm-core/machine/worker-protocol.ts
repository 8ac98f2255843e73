/**
 * Messages between a host thread and the machine worker (worker.ts). Plain
 * structured-clone data: bigints and Uint8Arrays travel as they are.
 */

/** Machine options without the console (output comes back as messages). */
export interface WorkerMachineOptions {
  memory: number;
  harts?: number;
  bios?: Uint8Array;
  biosName?: string;
  kernel?: Uint8Array;
  kernelName?: string;
  append?: string;
  dtb?: Uint8Array;
  instructionsPerTick?: number;
}

export type WorkerRequest =
  | { type: "start"; options: WorkerMachineOptions }
  /** Run in slices until paused, the guest ends, or `maxInstructions` more have retired. */
  | { type: "run"; maxInstructions?: number }
  | { type: "pause" }
  | { type: "step"; hart: number }
  | { type: "input"; bytes: Uint8Array }
  | { type: "stats" }
  | { type: "registers"; hart: number };

export interface HartState {
  hart: number;
  pc: bigint;
  priv: number;
  instret: number;
}

export type WorkerStopReason = "pause" | "step" | "budget";

export type WorkerResponse =
  | { type: "started"; harts: number }
  | { type: "output"; bytes: Uint8Array }
  | { type: "stopped"; reason: WorkerStopReason; harts: HartState[] }
  | { type: "exited"; reason: "poweroff" | "reset"; exitCode: number; source: string }
  | { type: "stats"; stats: unknown }
  | { type: "registers"; hart: number; pc: bigint; x: bigint[] }
  /** `user` errors are bad input (a one-line message); others are bugs. */
  | { type: "error"; message: string; user: boolean };
