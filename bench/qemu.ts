/**
 * QEMU TCG as the yardstick: a guest is timed from spawn to exit, and QEMU's
 * own start-up and shutdown (measured with a trivial guest) is subtracted.
 * QEMU is run exactly as the reference tests run it (test/reference/qemu.ts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { runQemu } from "../test/reference/qemu";
import type { Guest } from "./guests";

export interface QemuRun {
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  /** Spawn to exit, including QEMU's start-up. */
  wallMs: number;
  /** CPU time QEMU used (all its threads), when the host tells (Linux /proc); undefined otherwise. */
  cpuMs?: number;
}

let ticksPerSecond: number | undefined;

/**
 * CPU time of this process's reaped children, from /proc/self/stat
 * (cutime + cstime, in clock ticks). Node reaps each QEMU when it exits,
 * so the difference around one run is that QEMU's CPU time.
 */
export function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "latin1");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[13]) + Number(fields[14]); // cutime, cstime (fields 16, 17)
    ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "latin1" }).trim()) || 100;
    return Number.isFinite(ticks) ? (ticks * 1000) / ticksPerSecond : undefined;
  } catch {
    return undefined;
  }
}

export async function runInQemu(guest: Guest, timeoutMs: number): Promise<QemuRun> {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const result = await runQemu(guest.elfPath, { timeoutMs });
  const wallMs = performance.now() - start;
  const cpuAfter = childrenCpuMs();
  const run: QemuRun = { output: result.stdout.toString("latin1"), exitCode: result.exitCode, timedOut: result.timedOut, wallMs };
  if (cpuBefore !== undefined && cpuAfter !== undefined) run.cpuMs = cpuAfter - cpuBefore;
  return run;
}

/**
 * Runs `guest` and `baseline` alternately, `count` times each, one at a time
 * (never in parallel: they would compete for cores), so a burst of load on
 * the host hits both alike.
 */
export async function alternateInQemu(guest: Guest, baseline: Guest, count: number, timeoutMs: number): Promise<{ runs: QemuRun[]; baselineRuns: QemuRun[] }> {
  const runs: QemuRun[] = [];
  const baselineRuns: QemuRun[] = [];
  for (let i = 0; i < count; i++) {
    baselineRuns.push(await runInQemu(baseline, timeoutMs));
    runs.push(await runInQemu(guest, timeoutMs));
  }
  return { runs, baselineRuns };
}
