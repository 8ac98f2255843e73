/**
 * View latency: how long after a stop each view's data arrives over the
 * Debug Adapter Protocol. The paging guest (the largest test guest: user
 * processes, demand paging, two address spaces) runs in each mode under a
 * debug session served in this process over a loopback socket and driven
 * by DebugClient; it stops at every system call (a function breakpoint on
 * do_syscall). After each stop, every request a view makes is timed from
 * send to response, cold (nothing cached since the guest ran): the
 * Variables view (stack trace, scopes, registers, CSRs), the page-table
 * views (guest root and one subtree, shadow or nested), VM exits, devices
 * and the hypervisor overview. Target: 100 ms each. The table shows the
 * median over the stops, the notes the worst (host load shows there first).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { debianFirmware, hasTool } from "../test/support/reference";
import { launchStopped, startHarness } from "../debug-adapter/inspection/testing/dap-harness";
import type { PageTablesResponse } from "../debug-adapter/protocol";
import { row, type BenchOptions, type BenchResult } from "./types";

export const targetViewMilliseconds = 100;
const guest = join(import.meta.dirname, "..", "test", "guests", "paging", "paging.elf");
type Mode = "none" | "trap-and-emulate" | "hardware-assisted";

/**
 * Wall time and this process's CPU time (client and adapter both run here):
 * on a loaded host the wall time shows the other processes, the CPU time
 * shows what the request itself cost.
 */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { value, ms, cpuMs: (used.user + used.system) / 1000 };
}

/** Every view's requests after one stop; milliseconds by view. */
async function measureStop(client: DebugClient, mode: Mode): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const stack = await timed(() => client.stackTraceRequest({ threadId: 1 }));
  figures["stack trace"] = stack.ms;
  const variables = await timed(async () => {
    const scopes = await client.scopesRequest({ frameId: stack.value.body.stackFrames[0].id });
    for (const scope of scopes.body.scopes.filter((s) => s.name === "Registers" || s.name === "CSRs")) {
      await client.variablesRequest({ variablesReference: scope.variablesReference });
    }
  });
  figures["variables (scopes, registers, CSRs)"] = variables.ms;
  const guestRoot = await timed(() => client.customRequest("vmscope/pageTables", { root: "guest", ranges: true }));
  figures["pageTables guest (root + ranges)"] = guestRoot.ms;
  const table = (guestRoot.value.body as PageTablesResponse).entries.find((entry) => entry.kind === "table");
  if (table) {
    figures["pageTables guest (one subtree)"] = (await timed(() => client.customRequest("vmscope/pageTables", { root: "guest", table: table.target, level: table.level - 1 }))).ms;
  }
  if (mode === "trap-and-emulate") figures["pageTables shadow"] = (await timed(() => client.customRequest("vmscope/pageTables", { root: "shadow", ranges: true }))).ms;
  if (mode === "hardware-assisted") figures["pageTables nested"] = (await timed(() => client.customRequest("vmscope/pageTables", { root: "nested", ranges: true }))).ms;
  // What the exits view asks first (the newest thousand), and the whole ring (4096 records).
  const next = ((await client.customRequest("vmscope/exits", { since: Number.MAX_SAFE_INTEGER })).body as { next: number }).next;
  const newest = await timed(() => client.customRequest("vmscope/exits", { since: Math.max(0, next - 1000) }));
  figures["exits (newest 1000)"] = newest.ms;
  figures["exits (newest 1000), CPU"] = newest.cpuMs;
  const ring = await timed(() => client.customRequest("vmscope/exits", { since: 0 }));
  figures["exits (whole ring)"] = ring.ms;
  figures["exits (whole ring), CPU"] = ring.cpuMs;
  figures["devices"] = (await timed(() => client.customRequest("vmscope/devices", {}))).ms;
  figures["hypervisor"] = (await timed(() => client.customRequest("vmscope/hypervisor", {}))).ms;
  return figures;
}

async function runMode(mode: Mode, stops: number, options: BenchOptions): Promise<{ samples: Record<string, number[]>; stopped: number }> {
  const harness = await startHarness();
  const samples: Record<string, number[]> = {};
  let stopped = 0;
  try {
    const client = harness.client;
    await launchStopped(client, { program: guest, mode, stopOnEntry: true, ...(mode === "none" ? { bios: debianFirmware.openSbiFwJump } : {}) });
    await client.setFunctionBreakpointsRequest({ breakpoints: [{ name: "do_syscall" }] });
    for (let i = 0; i < stops; i++) {
      const next = Promise.race([client.waitForEvent("stopped", 60_000).then(() => "stopped"), client.waitForEvent("terminated", 60_000).then(() => "ended")]);
      await client.continueRequest({ threadId: 1 });
      if ((await next) !== "stopped") break;
      stopped++;
      for (const [view, ms] of Object.entries(await measureStop(client, mode))) (samples[view] ??= []).push(ms);
    }
    options.log(`views ${mode}: ${stopped} stops measured`);
  } finally {
    await harness.close();
  }
  return { samples, stopped };
}

export async function viewsBenchmark(options: BenchOptions): Promise<BenchResult> {
  const result: BenchResult = { name: "view latency (DAP, paging guest, median of the stops)", rows: [], checks: [], notes: [] };
  const stops = options.quick ? 3 : 10;
  const modes: Mode[] = ["trap-and-emulate", "hardware-assisted"];
  if (hasTool(debianFirmware.openSbiFwJump)) modes.unshift("none");
  else result.notes.push(`mode none skipped: ${debianFirmware.openSbiFwJump} is missing (apt-get install opensbi)`);
  if (!existsSync(guest)) throw new Error(`${guest} is missing`);
  for (const mode of modes) {
    const { samples, stopped } = await runMode(mode, stops, options);
    result.checks.push({ name: `${mode}: stops at system calls`, ok: stopped > 0, detail: `${stopped} of ${stops} stops` });
    for (const [view, times] of Object.entries(samples)) {
      const sorted = [...times].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      result.rows.push(row(`${mode}: ${view}`, "ms", Math.round(median * 10) / 10, undefined, targetViewMilliseconds));
      result.notes.push(`${mode}: ${view}: worst ${sorted[sorted.length - 1].toFixed(1)} ms of ${sorted.length} stops`);
    }
  }
  const slow = result.rows.filter((r) => (r.vmscope ?? 0) > targetViewMilliseconds);
  result.notes.push(slow.length === 0 ? `every view answered within ${targetViewMilliseconds} ms` : `over ${targetViewMilliseconds} ms: ${slow.map((r) => r.metric).join("; ")}`);
  return result;
}
