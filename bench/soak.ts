/**
 * The soak (issue 10, acceptance 3): does a long debug session keep its
 * memory flat? samples/minikernel runs under trap-and-emulate with its
 * shell idle — the kernel sits in wfi and the timer preempts it for ever,
 * about eight VM exits per tick, so the exit log, the statistics and the
 * runtime's slices all turn over millions of times — served in this
 * process over a loopback socket and driven by DebugClient, as a VS Code
 * window with every vmscope view open would: every 250 ms the views'
 * requests (exits since the last seen, exit statistics, hypervisor,
 * devices, guest and shadow page tables); every 5 s a pause, the stack
 * trace, scopes and every scope's variables, and continue. It runs until
 * 10^9 guest instructions have retired (10^8 with --quick) and samples
 * process.memoryUsage() every 10 s, after a full garbage collection.
 *
 * Verdict "flat": the heap at the end is at most the heap at the start
 * (after launch and a first round of every request) plus 32 MiB. The heap
 * and rss of this process include the client's side too: both run here.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { launchStopped, startHarness } from "../debug-adapter/inspection/testing/dap-harness";
import { customRequests, type ExitsResponse, type HypervisorResponse } from "../debug-adapter/protocol";
import { row, type BenchOptions, type BenchResult } from "./types";

const guest = join(import.meta.dirname, "..", "samples", "minikernel", "minikernel.elf");
export const soakFlatThresholdMiB = 32;
const pollMs = 250;
const pauseEveryMs = 5_000;
const memoryEveryMs = 10_000;
const MiB = 1024 * 1024;

interface MemorySample {
  seconds: number;
  instret: number;
  heapUsed: number;
  rss: number;
}

/** global.gc, exposed at run time when node was not started with --expose-gc. */
function garbageCollector(): { collect: () => void; how: string } {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return { collect: exposed, how: "--expose-gc" };
  try {
    // V8 reads the flag when a context is made: a new context gets gc even though this one did not.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    return { collect: gc, how: "v8.setFlagsFromString('--expose-gc')" };
  } catch {
    return { collect: () => {}, how: "none (heap measured without a collection first)" };
  }
}

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** What the views ask while the guest runs; returns the exits' next sequence and the guest's instret. */
async function pollViews(client: DebugClient, since: number): Promise<{ next: number; instret: number; exits: number }> {
  const exits = (await client.customRequest(customRequests.exits, { since })).body as ExitsResponse;
  await client.customRequest(customRequests.exitStats, {});
  const hypervisor = (await client.customRequest(customRequests.hypervisor, {})).body as HypervisorResponse;
  await client.customRequest(customRequests.devices, {});
  await client.customRequest(customRequests.pageTables, { root: "guest", ranges: true });
  await client.customRequest(customRequests.pageTables, { root: "shadow", ranges: true });
  return { next: exits.next, instret: hypervisor.instret, exits: hypervisor.exits };
}

/** Pause, what the Variables and Call Stack views fetch at a stop, continue. */
async function inspectStop(client: DebugClient): Promise<void> {
  const stopped = client.waitForEvent("stopped", 30_000);
  await client.pauseRequest({ threadId: 1 });
  await stopped;
  const stack = await client.stackTraceRequest({ threadId: 1 });
  const scopes = await client.scopesRequest({ frameId: stack.body.stackFrames[0].id });
  for (const scope of scopes.body.scopes) await client.variablesRequest({ variablesReference: scope.variablesReference });
  await client.continueRequest({ threadId: 1 });
}

export async function soakBenchmark(options: BenchOptions): Promise<BenchResult> {
  const target = options.quick ? 1e8 : 1e9;
  const result: BenchResult = { name: `soak (minikernel idle shell, trap-and-emulate, views polling, ${target.toExponential(0)} instructions)`, rows: [], checks: [], notes: [] };
  if (!existsSync(guest)) throw new Error(`${guest} is missing: make -C samples/minikernel`);
  const gc = garbageCollector();
  const started = performance.now();
  const samples: MemorySample[] = [];
  const sample = (instret: number) => {
    gc.collect();
    const usage = process.memoryUsage();
    samples.push({ seconds: (performance.now() - started) / 1000, instret, heapUsed: usage.heapUsed, rss: usage.rss });
    options.log(`soak: ${(instret / 1e6).toFixed(0)}M instructions, heap ${(usage.heapUsed / MiB).toFixed(1)} MiB, rss ${(usage.rss / MiB).toFixed(1)} MiB`);
  };

  const harness = await startHarness();
  let ended = false;
  let polls = 0;
  let stops = 0;
  let failures = 0;
  let last = { next: 0, instret: 0, exits: 0 };
  let runStarted = 0;
  let runEnded = 0;
  try {
    const client = harness.client;
    client.on("terminated", () => (ended = true));
    await launchStopped(client, { program: guest, mode: "trap-and-emulate", stopOnEntry: true });
    // Start figure: launched, and every request answered once (their caches and code exist).
    last = await pollViews(client, 0);
    sample(last.instret);
    const startInstret = last.instret;
    runStarted = performance.now();
    await client.continueRequest({ threadId: 1 });
    let nextPause = runStarted + pauseEveryMs;
    let nextMemory = runStarted + memoryEveryMs;
    while (!ended && last.instret - startInstret < target) {
      await delay(pollMs);
      try {
        last = await pollViews(client, last.next);
        polls++;
        const now = performance.now();
        if (now >= nextPause) {
          await inspectStop(client);
          stops++;
          nextPause = now + pauseEveryMs;
        }
        if (now >= nextMemory) {
          sample(last.instret);
          nextMemory = now + memoryEveryMs;
        }
      } catch (error) {
        // A request that fails is a soak failure too, but the run goes on to see whether it recovers.
        failures++;
        if (failures <= 3) options.log(`soak: request failed: ${(error as Error).message}`);
      }
    }
    // Stop the guest so the instruction count is final, then the end figure.
    if (!ended) {
      const stopped = client.waitForEvent("stopped", 30_000);
      await client.pauseRequest({ threadId: 1 });
      await stopped;
    }
    runEnded = performance.now();
    last = await pollViews(client, last.next);
    sample(last.instret);
  } finally {
    await harness.close();
  }

  const first = samples[0];
  const end = samples[samples.length - 1];
  const seconds = (runEnded - runStarted) / 1000;
  const instructions = end.instret - first.instret;
  const maxHeap = Math.max(...samples.map((s) => s.heapUsed));
  const flat = end.heapUsed <= first.heapUsed + soakFlatThresholdMiB * MiB;
  result.rows.push(row("guest instructions retired", "M", instructions / 1e6, undefined, target / 1e6));
  result.rows.push(row("wall time (guest running, polled)", "s", seconds));
  result.rows.push(row("speed", "MIPS", instructions / (seconds * 1e6)));
  result.rows.push(row("VM exits", "M", last.exits / 1e6));
  result.rows.push(row("heap used at start", "MiB", first.heapUsed / MiB));
  result.rows.push(row("heap used at end", "MiB", end.heapUsed / MiB, undefined, first.heapUsed / MiB + soakFlatThresholdMiB));
  result.rows.push(row("heap used, max of samples", "MiB", maxHeap / MiB));
  result.rows.push(row("rss at start", "MiB", first.rss / MiB));
  result.rows.push(row("rss at end", "MiB", end.rss / MiB));
  result.rows.push(row("view poll rounds (250 ms between rounds)", "count", polls));
  result.rows.push(row("pause-inspect-continue rounds", "count", stops));
  result.checks.push({ name: "guest ran the whole soak", ok: !ended && instructions >= target, detail: `${(instructions / 1e6).toFixed(0)}M of ${(target / 1e6).toFixed(0)}M instructions${ended ? "; the guest ended early" : ""}` });
  result.checks.push({ name: "every view request answered", ok: failures === 0, detail: `${failures} failed of ${polls + failures} poll rounds` });
  result.checks.push({
    name: `memory flat (heap at end <= heap at start + ${soakFlatThresholdMiB} MiB)`,
    ok: flat,
    detail: `${flat ? "flat" : "NOT flat"}: ${(first.heapUsed / MiB).toFixed(1)} → ${(end.heapUsed / MiB).toFixed(1)} MiB`,
  });
  result.notes.push(`garbage collection before each sample: ${gc.how}`);
  result.notes.push(`heap by sample (s: MiB): ${samples.map((s) => `${s.seconds.toFixed(0)}: ${(s.heapUsed / MiB).toFixed(1)}`).join(", ")}`);
  result.notes.push(`${pollMs} ms after each poll round: exits since the last seen, exitStats, hypervisor, devices, pageTables guest and shadow; every ${pauseEveryMs / 1000} s: pause, stackTrace, scopes, variables of every scope, continue`);
  return result;
}
