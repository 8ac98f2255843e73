/**
 * The boot benchmark: Debian's OpenSBI (fw_jump.elf) + U-Boot (S-mode,
 * uboot.elf) from power-on to U-Boot's prompt, on vmscope with each engine
 * (in this process) and on QEMU TCG (spawned), the same two ELFs on both.
 * The clock starts before the machine is built (QEMU's start-up is part of
 * its boot, so vmscope's construction and loading are part of its own) and
 * stops when "=> " reaches the console. U-Boot's autoboot countdown is cut
 * short on both sides the same way: a newline typed as soon as "autoboot:"
 * appears, as a user would (and as test/firmware feeds one up front).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Machine } from "../vmm-core/machine/machine";
import { engines, type Engine } from "../vmm-core/hart/hart";
import { debianFirmware, hasTool } from "../test/support/reference";
import { qemuArgs, qemuBinary } from "../test/reference/qemu";
import { childrenCpuMs } from "./qemu";
import { spreadOf } from "./stats";
import { row, type BenchOptions, type BenchResult } from "./types";

/** The issue's goal: boot to the prompt in at most 5× QEMU's time. */
export const bootTargetRatio = 5;
/** The boot takes about 225 M instructions; far beyond that, something is wrong. */
const maxInstructions = 1_000_000_000;
/** Budget per machine.run() call: the prompt is noticed within this many instructions (U-Boot's own polling quantum). */
const slice = 100_000;
const qemuTimeoutMs = 60_000;
const autobootMarker = "autoboot:";
const promptMarker = "=> ";

/**
 * Watches a U-Boot console as it arrives, in chunks of any size: says once
 * when to type a key (the autoboot countdown began) and when the prompt
 * appeared (after the countdown, when there is one).
 */
export class BootConsoleWatcher {
  private text = "";
  private promptFrom = 0;
  keyTyped = false;
  prompted = false;

  /** Feeds the next console bytes (latin1); returns whether a key should be typed now. */
  feed(chunk: string): { typeKey: boolean } {
    // A marker may straddle two chunks: each search starts just far enough back.
    const before = this.text.length;
    this.text += chunk;
    let typeKey = false;
    if (!this.keyTyped) {
      const autoboot = this.text.indexOf(autobootMarker, Math.max(0, before - autobootMarker.length + 1));
      if (autoboot >= 0) {
        this.keyTyped = typeKey = true;
        this.promptFrom = autoboot + autobootMarker.length;
      }
    }
    if (!this.prompted && this.text.indexOf(promptMarker, Math.max(this.promptFrom, before - promptMarker.length + 1)) >= 0) this.prompted = true;
    return { typeKey };
  }

  get console(): string {
    return this.text;
  }
}

export interface BootRun {
  prompted: boolean;
  console: string;
  /** Power-on to the prompt. */
  wallMs: number;
  cpuMs?: number;
  /** Instructions retired to the prompt (vmscope only). */
  instructions?: number;
  failure?: string;
}

export function bootInVmscope(engine: Engine): BootRun {
  const watcher = new BootConsoleWatcher();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const machine: Machine = new Machine({
    memory: 128 * 1024 * 1024,
    bios: new Uint8Array(readFileSync(debianFirmware.openSbiFwJump)),
    biosName: "fw_jump.elf",
    kernel: new Uint8Array(readFileSync(debianFirmware.uBootSmode)),
    kernelName: "uboot.elf",
    console: {
      write: (bytes: Uint8Array) => {
        if (watcher.feed(Buffer.from(bytes).toString("latin1")).typeKey) machine.input.push("\n");
      },
    },
    engine,
  });
  let reason = "budget";
  let executed = 0;
  while (!watcher.prompted && reason === "budget" && executed < maxInstructions) {
    const result = machine.run(slice);
    reason = result.reason;
    executed += result.instructions;
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const run: BootRun = { prompted: watcher.prompted, console: watcher.console, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, instructions: Number(machine.stats().instructions) };
  if (!watcher.prompted) run.failure = `no prompt after ${executed} instructions (${reason})`;
  return run;
}

/** Spawns QEMU, types the key at the countdown, stops the clock at the prompt, then kills it. */
function bootInQemu(): Promise<BootRun> {
  const watcher = new BootConsoleWatcher();
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const child = spawn(qemuBinary, qemuArgs({ bios: debianFirmware.openSbiFwJump, kernel: debianFirmware.uBootSmode }), { stdio: ["pipe", "pipe", "pipe"] });
  let wallMs: number | undefined;
  const stderr: Buffer[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), qemuTimeoutMs);
    child.stdin.on("error", () => undefined);
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdout.on("data", (chunk: Buffer) => {
      if (wallMs !== undefined) return;
      if (watcher.feed(chunk.toString("latin1")).typeKey) child.stdin.write("\n");
      if (watcher.prompted) {
        wallMs = performance.now() - start;
        child.kill("SIGKILL");
      }
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const cpuAfter = childrenCpuMs();
      const run: BootRun = { prompted: watcher.prompted, console: watcher.console, wallMs: wallMs ?? performance.now() - start };
      // Includes the few milliseconds between the prompt and the kill.
      if (cpuBefore !== undefined && cpuAfter !== undefined) run.cpuMs = cpuAfter - cpuBefore;
      if (!watcher.prompted) run.failure = `no prompt (exit ${code}${wallMs === undefined && run.wallMs >= qemuTimeoutMs ? ", timed out" : ""}): ${Buffer.concat(stderr).toString("utf8").trim().slice(0, 200)}`;
      resolve(run);
    });
  });
}

const seconds = (runs: BootRun[], key: "wallMs" | "cpuMs"): number | undefined => {
  const samples = runs.filter((run) => run.prompted && run[key] !== undefined).map((run) => run[key] as number);
  return samples.length > 0 ? spreadOf(samples).best / 1000 : undefined;
};

const listed = (runs: BootRun[]) => runs.map((run) => (run.prompted ? (run.wallMs / 1000).toFixed(2) : "failed")).join(", ");

export async function bootBenchmark(options: BenchOptions): Promise<BenchResult> {
  const result: BenchResult = { name: "boot: OpenSBI + U-Boot to the prompt", rows: [], checks: [], notes: [] };
  const missing = [debianFirmware.openSbiFwJump, debianFirmware.uBootSmode].filter((path) => !hasTool(path));
  if (missing.length > 0) {
    result.notes.push(`firmware not found: ${missing.join(", ")} (Debian packages opensbi, u-boot-qemu): no boot figures`);
    return result;
  }
  const count = options.quick ? 1 : 3;
  const runs: Record<Engine, BootRun[]> = { interpreter: [], translator: [] };
  // Interleaved, so a burst of load on the host hits both engines.
  for (let i = 0; i < count; i++) {
    for (const engine of engines) {
      const run = bootInVmscope(engine);
      options.log(`boot, ${engine} ${i + 1}/${count}: ${run.prompted ? `${(run.wallMs / 1000).toFixed(2)} s, ${run.instructions} instructions` : run.failure}`);
      runs[engine].push(run);
    }
  }
  const qemuRuns: BootRun[] = [];
  if (hasTool(qemuBinary)) {
    const qemuCount = options.quick ? 3 : 5;
    for (let i = 0; i < qemuCount; i++) {
      const run = await bootInQemu();
      options.log(`boot, QEMU ${i + 1}/${qemuCount}: ${run.prompted ? `${(run.wallMs / 1000).toFixed(2)} s` : run.failure}`);
      qemuRuns.push(run);
    }
    result.notes.push(`QEMU: ${qemuBinary} -M virt (test/reference/qemu.ts's invocation), spawn to prompt, start-up included, best of ${qemuCount}: ${listed(qemuRuns)} s`);
  } else {
    result.notes.push(`${qemuBinary} not found: no QEMU column`);
  }

  const qemuWall = seconds(qemuRuns, "wallMs");
  const qemuCpu = seconds(qemuRuns, "cpuMs");
  for (const engine of engines) {
    const wall = seconds(runs[engine], "wallMs");
    const cpu = seconds(runs[engine], "cpuMs");
    result.rows.push(row(`${engine}: power-on to prompt, wall`, "s", wall, qemuWall));
    result.rows.push(row(`${engine}: power-on to prompt, CPU time`, "s", cpu, qemuCpu));
    if (wall !== undefined && qemuWall !== undefined) result.rows.push(row(`${engine} / QEMU, wall`, "×", wall / qemuWall, undefined, bootTargetRatio));
    if (cpu !== undefined && qemuCpu !== undefined) result.rows.push(row(`${engine} / QEMU, CPU time`, "×", cpu / qemuCpu, undefined, bootTargetRatio));
    // Later runs in this process start with V8's optimized code (and the translator's cached region factories): the first is a user's cold start.
    const first = runs[engine][0];
    if (first.prompted && qemuWall !== undefined) result.rows.push(row(`${engine} / QEMU, wall, first run in the process`, "×", first.wallMs / 1000 / qemuWall, undefined, bootTargetRatio));
    result.notes.push(`${engine}: wall ${listed(runs[engine])} s`);
  }
  const all = [...runs.interpreter, ...runs.translator];
  const instructions = all[0].instructions;
  result.rows.push(row("instructions to the prompt", "", instructions));

  result.checks.push({
    name: "both engines reach the prompt with the same console and instruction count",
    ok: all.every((run) => run.prompted && run.console === all[0].console && run.instructions === instructions),
    detail: all.map((run) => run.failure ?? String(run.instructions)).join(", "),
  });
  if (qemuRuns.length > 0) {
    result.checks.push({
      name: "QEMU reaches the prompt every run",
      ok: qemuRuns.every((run) => run.prompted),
      detail: qemuRuns.map((run) => run.failure ?? "prompt").join(", "),
    });
  }
  result.notes.push(`the prompt is noticed within ${slice} instructions of its printing; U-Boot's autoboot is stopped by a newline typed at "autoboot:"`);
  return result;
}
