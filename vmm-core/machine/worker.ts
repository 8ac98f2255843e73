/**
 * A worker_threads entry that runs one Machine off the host's main thread,
 * in slices, so the host (an editor, a UI) never blocks on the guest.
 * Requests and responses are in worker-protocol.ts.
 */
import { parentPort } from "node:worker_threads";
import { UserInputError } from "./errors";
import { Machine } from "./machine";
import type { HartState, WorkerRequest, WorkerResponse } from "./worker-protocol";

/** Slices short enough that a pause message waits at most a few milliseconds. */
const sliceInstructions = 200_000;
const idleRetryMs = 10;

const port = parentPort;
if (!port) throw new Error("worker.ts must run as a worker thread");

let machine: Machine | undefined;
let running = false;
let pauseRequested = false;
let remaining = Infinity;
let output: Uint8Array[] = [];

function post(message: WorkerResponse): void {
  port?.postMessage(message);
}

function flushOutput(): void {
  if (output.length === 0) return;
  const bytes = output.length === 1 ? output[0] : new Uint8Array(Buffer.concat(output));
  output = [];
  post({ type: "output", bytes });
}

function hartStates(m: Machine): HartState[] {
  return m.harts.map((hart, index) => ({ hart: index, pc: hart.pc, priv: hart.priv, instret: hart.instret }));
}

/** Reports the end of the guest once; true when it has ended. */
function reportEnd(m: Machine): boolean {
  const power = m.power;
  if (power.state === "running") return false;
  running = false;
  post({ type: "exited", reason: power.state === "off" ? "poweroff" : "reset", exitCode: power.exitCode, source: power.source });
  return true;
}

function stop(m: Machine, reason: "pause" | "budget" | "step"): void {
  running = false;
  post({ type: "stopped", reason, harts: hartStates(m) });
}

function slice(): void {
  try {
    runSlice();
  } catch (error) {
    running = false;
    report(error);
  }
}

function runSlice(): void {
  const m = machine;
  if (!m || !running) return;
  if (pauseRequested) return stop(m, "pause");
  const result = m.run(Math.min(sliceInstructions, remaining));
  remaining -= result.instructions;
  flushOutput();
  if (reportEnd(m)) return;
  if (remaining <= 0) return stop(m, "budget");
  if (result.reason === "halted") setTimeout(slice, idleRetryMs);
  else setImmediate(slice);
}

function requireMachine(): Machine {
  if (!machine) throw new UserInputError("no machine: send a start message first");
  return machine;
}

function handle(request: WorkerRequest): void {
  switch (request.type) {
    case "start":
      machine = new Machine({ ...request.options, console: { write: (bytes) => output.push(bytes.slice()) } });
      post({ type: "started", harts: machine.harts.length });
      return;
    case "run":
      requireMachine();
      if (running) return;
      running = true;
      pauseRequested = false;
      remaining = request.maxInstructions ?? Infinity;
      setImmediate(slice);
      return;
    case "pause":
      if (running) pauseRequested = true;
      return;
    case "step": {
      const m = requireMachine();
      if (running) return;
      m.step(request.hart);
      flushOutput();
      if (!reportEnd(m)) stop(m, "step");
      return;
    }
    case "input":
      requireMachine().input.push(request.bytes);
      return;
    case "stats":
      post({ type: "stats", stats: requireMachine().stats() });
      return;
    case "registers": {
      const hart = requireMachine().harts[request.hart];
      if (!hart) throw new UserInputError(`no hart ${request.hart}`);
      post({ type: "registers", hart: request.hart, pc: hart.pc, x: Array.from(hart.x) });
      return;
    }
  }
}

function report(error: unknown): void {
  const user = error instanceof UserInputError;
  const message = user ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  post({ type: "error", message, user });
}

port.on("message", (request: WorkerRequest) => {
  try {
    handle(request);
  } catch (error) {
    report(error);
  }
});
