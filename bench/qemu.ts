/**
 * QEMU TCG as the yardstick: a guest is timed from spawn to exit, and QEMU's
 * own start-up and shutdown (measured with a trivial guest) is subtracted.
 * QEMU is run exactly as the reference tests run it (test/reference/qemu.ts).
 */
import { performance } from "node:perf_hooks";
import { runQemu } from "../test/reference/qemu";
import type { Guest } from "./guests";

export interface QemuRun {
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  /** Spawn to exit, including QEMU's start-up. */
  wallMs: number;
}

export async function runInQemu(guest: Guest, timeoutMs: number): Promise<QemuRun> {
  const start = performance.now();
  const result = await runQemu(guest.elfPath, { timeoutMs });
  const wallMs = performance.now() - start;
  return { output: result.stdout.toString("latin1"), exitCode: result.exitCode, timedOut: result.timedOut, wallMs };
}

/** Runs a guest `count` times, one after the other (never in parallel: they would compete for cores). */
export async function repeatInQemu(guest: Guest, count: number, timeoutMs: number): Promise<QemuRun[]> {
  const runs: QemuRun[] = [];
  for (let i = 0; i < count; i++) runs.push(await runInQemu(guest, timeoutMs));
  return runs;
}
