/** Runs a guest to power-off in vmscope's Machine, in this process, timing only the execution. */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Machine } from "../vmm-core/machine/machine";
import type { Engine } from "../vmm-core/hart/hart";
import type { Guest } from "./guests";

export interface VmscopeRun {
  output: string;
  /** Why the run ended: "poweroff" for a guest that finished. */
  reason: string;
  exitCode: number;
  /** Instructions retired, from machine.stats(). */
  instructions: number;
  /** Wall time of machine.run() calls only (construction and loading excluded). */
  wallMs: number;
  /** CPU time (user + system) of this process during those calls: less sensitive to a busy host. */
  cpuMs: number;
  /** Wall time to construct the machine and load the image. */
  setupMs: number;
}

/** Budget per machine.run() call; the loop stops when the guest powers off or halts. */
const slice = 50_000_000;

export function runInVmscope(guest: Guest, maxInstructions: number, engine?: Engine): VmscopeRun {
  const image = new Uint8Array(readFileSync(guest.elfPath));
  const chunks: Buffer[] = [];
  const setupStart = performance.now();
  const machine = new Machine({
    memory: 128 * 1024 * 1024,
    bios: undefined,
    biosName: "none",
    kernel: image,
    kernelName: guest.name,
    console: { write: (bytes: Uint8Array) => chunks.push(Buffer.from(bytes)) },
    engine,
  });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let reason = "budget";
  let executed = 0;
  while (reason === "budget" && executed < maxInstructions) {
    const result = machine.run(Math.min(slice, maxInstructions - executed));
    reason = result.reason;
    executed += result.instructions;
  }
  const end = performance.now();
  const cpu = process.cpuUsage(cpuStart);
  return {
    output: Buffer.concat(chunks).toString("latin1"),
    reason,
    exitCode: machine.power.exitCode,
    instructions: Number(machine.stats().instructions),
    wallMs: end - start,
    cpuMs: (cpu.user + cpu.system) / 1000,
    setupMs: start - setupStart,
  };
}
