/**
 * The debugger benchmark: how fast `pause` answers while the guest spins
 * (median and maximum over 20 pauses, with and without a breakpoint armed,
 * counted from when the request was due, so the slice in flight counts),
 * and what debugging costs in speed — the adapter's runtime continuing with
 * no breakpoints against machine.run() on the same CPU-bound guest (target:
 * within 10 %), and with one breakpoint armed (the checked loop); and a
 * timer-driven guest that mostly waits (samples/minikernel's scripted shell
 * session) under the adapter's runtime against the loop `vmscope run` uses.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Machine } from "../vmm-core/machine/machine";
import { MachineRuntime, type RuntimeStop } from "../debug-adapter/runtime";
import { buildElf, code, rv } from "../test/support/elf-builder";
import { computeGuest } from "./guests";
import { spreadOf } from "./stats";
import { row, type BenchOptions, type BenchResult } from "./types";

const memory = 128 * 1024 * 1024;
const minikernel = join(import.meta.dirname, "..", "samples", "minikernel", "minikernel.elf");
/** The shell session samples/minikernel's test types (minikernel.test.ts). */
const minikernelInput = "help\nps\nrun hello\nrun count\nrun spin\nrun nosuch\nbogus\nexit\n";
/** As cli/run.ts: instructions per machine.run() call, with the event loop in between. */
const cliSliceInstructions = 2_000_000;
const pauses = 20;
/** An address no guest here executes: arms the checked loop without ever stopping. */
const unusedAddress = 0x8700_0000n;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Wraps the runtime's stopped callback in promises. */
function startRuntime(kernel: Uint8Array): { runtime: MachineRuntime; nextStop: () => Promise<RuntimeStop> } {
  let waiting: ((stop: RuntimeStop) => void) | undefined;
  const runtime = new MachineRuntime(
    { memory, kernel, kernelName: "bench guest" },
    {
      stopped: (stop) => waiting?.(stop),
      output: () => {},
      terminated: () => waiting?.({ kind: "pause", hart: -1 }),
    },
  );
  return { runtime, nextStop: () => new Promise((done) => (waiting = done)) };
}

/** Milliseconds from pause() to the stopped event, `pauses` times while the guest spins. */
async function pauseLatencies(withBreakpoint: boolean): Promise<number[]> {
  const spin = buildElf({ entry: 0x8000_0000n, segments: [{ address: 0x8000_0000n, data: code([rv.addi(5, 5, 1), rv.jal(0, -4)]) }] });
  const { runtime, nextStop } = startRuntime(spin);
  if (withBreakpoint) runtime.debugger.setBreakpoints([{ id: 1, address: unusedAddress }]);
  const latencies: number[] = [];
  // One untimed round first: the first slices include compiling the loops.
  runtime.continue();
  await delay(50);
  const warm = nextStop();
  runtime.pause();
  await warm;
  for (let i = 0; i < pauses; i++) {
    runtime.continue();
    const wait = 20 + ((i * 7) % 30);
    // Counted from when the request was due, not when the timer got its turn: a client's request
    // waits for the slice in flight just as this timer does.
    const asked = performance.now() + wait;
    await delay(wait);
    const stopped = nextStop();
    runtime.pause();
    const stop = await stopped;
    if (stop.kind !== "pause") break;
    latencies.push(performance.now() - asked);
  }
  runtime.dispose();
  return latencies;
}

/** Milliseconds from pause() to the stopped event while every hart waits in WFI with nothing to wake it (the runtime sleeps). */
async function haltedPauseLatencies(): Promise<number[]> {
  const wfi = 0x10500073;
  const idle = buildElf({ entry: 0x8000_0000n, segments: [{ address: 0x8000_0000n, data: code([wfi, rv.jal(0, -4)]) }] });
  const { runtime, nextStop } = startRuntime(idle);
  const latencies: number[] = [];
  for (let i = 0; i < pauses / 2; i++) {
    runtime.continue();
    await delay(20 + ((i * 7) % 30));
    if (!runtime.sleeping) break;
    const stopped = nextStop();
    const asked = performance.now();
    runtime.pause();
    if ((await stopped).kind !== "pause") break;
    latencies.push(performance.now() - asked);
  }
  runtime.dispose();
  return latencies;
}

/** Instructions per second of machine.run() alone, over about `ms` of wall time. */
function machineMips(kernel: Uint8Array, ms: number): number {
  const machine = new Machine({ memory, kernel, kernelName: computeGuest.name });
  const start = performance.now();
  let instructions = 0;
  while (performance.now() - start < ms && machine.power.state === "running") instructions += machine.run(1_000_000).instructions;
  return instructions / ((performance.now() - start) * 1000);
}

/** Instructions per second of the runtime continuing for about `ms`, then pausing. */
async function runtimeMips(kernel: Uint8Array, ms: number, withBreakpoint: boolean): Promise<number> {
  const { runtime, nextStop } = startRuntime(kernel);
  if (withBreakpoint) runtime.debugger.setBreakpoints([{ id: 1, address: unusedAddress }]);
  const stopped = nextStop();
  const start = performance.now();
  runtime.continue();
  await delay(ms);
  runtime.pause();
  await stopped;
  const elapsed = performance.now() - start;
  const instructions = runtime.machine.stats().instructions;
  runtime.dispose();
  return instructions / (elapsed * 1000);
}

interface SessionRun {
  ms: number;
  instructions: number;
  poweredOff: boolean;
}

/** The minikernel session as `vmscope run` runs it: machine.run() slices until power-off, the input queued up front. */
async function sessionLikeRun(kernel: Uint8Array): Promise<SessionRun> {
  const machine = new Machine({ memory, kernel, kernelName: "minikernel.elf", mode: "trap-and-emulate", console: { write: () => {} } });
  machine.input.push(minikernelInput);
  const start = performance.now();
  let instructions = 0;
  for (let slices = 0; machine.power.state === "running" && slices < 10_000; slices++) {
    const result = machine.run(cliSliceInstructions);
    instructions += result.instructions;
    if (result.reason === "halted") break;
    await new Promise<void>((done) => setImmediate(done));
  }
  return { ms: performance.now() - start, instructions, poweredOff: machine.power.state === "off" };
}

/** The same session under the adapter's runtime: continue until the guest powers off. */
async function sessionUnderAdapter(kernel: Uint8Array): Promise<SessionRun> {
  let ended: (poweredOff: boolean) => void = () => {};
  const done = new Promise<boolean>((resolve) => (ended = resolve));
  const runtime = new MachineRuntime(
    { memory, kernel, kernelName: "minikernel.elf", mode: "trap-and-emulate" },
    { stopped: () => ended(false), output: () => {}, terminated: (exit) => ended(exit.reason === "poweroff") },
  );
  runtime.machine.input.push(minikernelInput);
  const timeout = setTimeout(() => runtime.pause(), 60_000);
  const start = performance.now();
  runtime.continue();
  const poweredOff = await done;
  const ms = performance.now() - start;
  clearTimeout(timeout);
  const instructions = runtime.machine.stats().instructions;
  runtime.dispose();
  return { ms, instructions, poweredOff };
}

export async function debuggerBenchmark(options: BenchOptions): Promise<BenchResult> {
  const result: BenchResult = { name: "debugger", rows: [], checks: [], notes: [] };
  for (const withBreakpoint of [false, true]) {
    const latencies = await pauseLatencies(withBreakpoint);
    const label = withBreakpoint ? ", one breakpoint armed" : "";
    options.log(`pause latency${label}: ${latencies.map((l) => l.toFixed(1)).join(" ")} ms`);
    result.checks.push({ name: `every pause answered${label}`, ok: latencies.length === pauses, detail: `${latencies.length}/${pauses} pauses stopped the guest` });
    if (latencies.length === 0) continue;
    result.rows.push(row(`pause latency, median${label}`, "ms", median(latencies), undefined, 50));
    result.rows.push(row(`pause latency, max${label}`, "ms", Math.max(...latencies), undefined, 50));
  }

  const halted = await haltedPauseLatencies();
  options.log(`pause latency, halted: ${halted.map((l) => l.toFixed(1)).join(" ")} ms`);
  result.checks.push({ name: "every pause answered while halted", ok: halted.length === pauses / 2, detail: `${halted.length}/${pauses / 2} pauses of a sleeping runtime stopped the guest` });
  if (halted.length > 0) result.rows.push(row("pause latency, max, every hart halted", "ms", Math.max(...halted), undefined, 50));

  // The compute guest runs far longer than these windows: every figure is a steady state.
  const kernel = new Uint8Array(readFileSync(computeGuest.elfPath));
  const windowMs = options.quick ? 1000 : 2000;
  const repetitions = options.quick ? 1 : 3;
  const bare: number[] = [];
  const free: number[] = [];
  const armed: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    bare.push(machineMips(kernel, windowMs));
    free.push(await runtimeMips(kernel, windowMs, false));
    armed.push(await runtimeMips(kernel, windowMs, true));
    options.log(`MIPS: machine.run ${bare[i].toFixed(1)}, runtime ${free[i].toFixed(1)}, one breakpoint ${armed[i].toFixed(1)}`);
  }
  // spreadOf's "best" is the smallest value (it is made for times): for speeds the worst is the fastest.
  const fastest = (values: number[]) => spreadOf(values).worst;
  const bareMips = fastest(bare);
  const freeMips = fastest(free);
  const armedMips = fastest(armed);
  result.rows.push(row("machine.run() alone", "MIPS", bareMips));
  result.rows.push(row("runtime continue, no breakpoints", "MIPS", freeMips));
  result.rows.push(row("slowdown without breakpoints", "%", (1 - freeMips / bareMips) * 100, undefined, 10));
  result.rows.push(row("runtime continue, one breakpoint", "MIPS", armedMips));
  result.rows.push(row("slowdown with one breakpoint", "x", bareMips / armedMips));
  const session = new Uint8Array(readFileSync(minikernel));
  const cliRuns: SessionRun[] = [];
  const adapterRuns: SessionRun[] = [];
  // A session is short (tens of ms): one untimed run of each first, so neither side pays for compiling the other's code.
  await sessionLikeRun(session);
  await sessionUnderAdapter(session);
  const sessions = options.quick ? 3 : 7;
  for (let i = 0; i < sessions; i++) {
    cliRuns.push(await sessionLikeRun(session));
    adapterRuns.push(await sessionUnderAdapter(session));
    options.log(`minikernel session: as vmscope run ${cliRuns[i].ms.toFixed(0)} ms, under the adapter ${adapterRuns[i].ms.toFixed(0)} ms`);
  }
  result.checks.push({
    name: "minikernel session powers off under both",
    ok: [...cliRuns, ...adapterRuns].every((run) => run.poweredOff),
    detail: `${[...cliRuns, ...adapterRuns].filter((run) => run.poweredOff).length}/${2 * sessions} runs powered off`,
  });
  const cliBest = cliRuns.reduce((a, b) => (a.ms <= b.ms ? a : b));
  const adapterBest = adapterRuns.reduce((a, b) => (a.ms <= b.ms ? a : b));
  result.rows.push(row("minikernel session, as vmscope run", "MIPS", cliBest.instructions / (cliBest.ms * 1000)));
  result.rows.push(row("minikernel session, under the adapter", "MIPS", adapterBest.instructions / (adapterBest.ms * 1000)));
  result.rows.push(row("minikernel session, adapter / vmscope run time", "x", adapterBest.ms / cliBest.ms));
  result.notes.push("The minikernel session (trap-and-emulate, its test's shell input queued up front) mostly waits on timer ticks: guest time skips to each deadline in both; MIPS here is instructions over wall time, best of the runs.");
  result.notes.push("Slowdown without breakpoints compares the adapter's time-sliced runtime with machine.run() on bench/guests/compute (best of the runs); a breakpoint switches every hart to the checked interpreter loop.");
  return result;
}
