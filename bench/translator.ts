/**
 * The translator benchmark: the two engines side by side on the same
 * guests, in this process, runs interleaved (interpreter, translator,
 * interpreter …) so a burst of load on the host hits both: MIPS of each on
 * the compute guest against QEMU's TCG on the same ELF, and on the S-mode
 * guests under the trap-and-emulate monitor. Both engines must print the
 * same and retire the same number of instructions (they are exact).
 */
import { computeGuest, computeSmodeGuest, expectedOutput, helloGuest, privilegedGuest, syscallsGuest, type KernelGuest } from "./guests";
import { alternateInQemu } from "./qemu";
import { spreadOf } from "./stats";
import { row, type BenchOptions, type BenchResult } from "./types";
import { runInVmscope } from "./vmscope-run";
import { runInMode, type ModeRun } from "./mode-run";
import { runCli } from "./cli-run";
import { hasTool } from "../test/support/reference";
import { qemuBinary } from "../test/reference/qemu";
import { engines, type Engine } from "../vmm-core/hart/hart";

/** The goals: 250 MIPS, and 4× the interpreter. */
export const translatorTargetMips = 250;
export const translatorTargetSpeedup = 4;
const maxInstructions = 2_000_000_000;

interface EngineRun {
  output: string;
  instructions: number;
  wallMs: number;
  cpuMs: number;
  ok: boolean;
}

/** Runs `measure` for both engines, alternately, `count` times each. */
function interleaved(count: number, measure: (engine: Engine) => EngineRun, options: BenchOptions, label: string): Record<Engine, EngineRun[]> {
  const runs: Record<Engine, EngineRun[]> = { interpreter: [], translator: [] };
  for (let i = 0; i < count; i++) {
    for (const engine of engines) {
      const run = measure(engine);
      options.log(`${label}, ${engine} ${i + 1}/${count}: ${(run.wallMs / 1000).toFixed(2)} s, ${run.instructions} instructions`);
      runs[engine].push(run);
    }
  }
  return runs;
}

/** Rows for one guest: MIPS per engine (wall and CPU) and the translator's speed-up; checks that both engines agree. */
function engineRows(result: BenchResult, label: string, runs: Record<Engine, EngineRun[]>, qemuMips?: number): void {
  const best = (engine: Engine, key: "wallMs" | "cpuMs") => spreadOf(runs[engine].map((run) => run[key])).best;
  const instructions = runs.interpreter[0].instructions;
  const mips = (engine: Engine, key: "wallMs" | "cpuMs") => instructions / 1e6 / (best(engine, key) / 1000);
  result.rows.push(row(`${label}: interpreter`, "MIPS", mips("interpreter", "wallMs"), qemuMips));
  result.rows.push(row(`${label}: translator`, "MIPS", mips("translator", "wallMs"), qemuMips, translatorTargetMips));
  // Later runs in this process start with V8's optimized code and the translator's cached region factories: the first is a cold start.
  const first = runs.translator[0];
  result.rows.push(row(`${label}: translator, first run in the process`, "MIPS", first.instructions / 1e6 / (first.wallMs / 1000), qemuMips, translatorTargetMips));
  // By CPU time (user + system of the process, so the translator's background TurboFan compiles count): steadier on a busy host.
  result.rows.push(row(`${label}: interpreter by CPU time`, "MIPS", mips("interpreter", "cpuMs")));
  result.rows.push(row(`${label}: translator by CPU time`, "MIPS", mips("translator", "cpuMs"), undefined, translatorTargetMips));
  result.rows.push(row(`${label}: translator / interpreter`, "×", mips("translator", "wallMs") / mips("interpreter", "wallMs"), undefined, translatorTargetSpeedup));
  result.rows.push(row(`${label}: translator / interpreter by CPU time`, "×", mips("translator", "cpuMs") / mips("interpreter", "cpuMs"), undefined, translatorTargetSpeedup));
  const all = [...runs.interpreter, ...runs.translator];
  result.checks.push({
    name: `${label}: both engines finished cleanly, with the same output and instruction count`,
    ok: all.every((run) => run.ok && run.output === all[0].output && run.instructions === instructions),
    detail: all.map((run) => `${run.instructions}${run.ok ? "" : " (failed)"}`).join(", "),
  });
}

function kernelRuns(guest: KernelGuest, count: number, options: BenchOptions): Record<Engine, EngineRun[]> {
  const expected = expectedOutput(guest);
  return interleaved(
    count,
    (engine) => {
      const run = runInMode(guest, "trap-and-emulate", maxInstructions, engine);
      return { output: run.console, instructions: run.instructions, wallMs: run.wallMs, cpuMs: run.cpuMs, ok: run.reason === "poweroff" && run.console.includes(expected.trim().split("\n")[0]) };
    },
    options,
    `${guest.name} (trap-and-emulate)`,
  );
}

/**
 * Mode binary-translation against trap-and-emulate (both on the
 * translator): exits, wall and CPU time, `count` runs of each, alternately.
 * A short guest (the privileged sample runs in milliseconds) is run many
 * times and compared by its median; the collector runs before each run
 * (with --expose-gc, as `npm run bench` starts node), so the garbage of
 * the last machine is not collected inside the next one's timing.
 */
function binaryTranslationRows(result: BenchResult, guest: KernelGuest, count: number, options: BenchOptions, freshProcesses = 0): void {
  const modes = ["trap-and-emulate", "binary-translation"] as const;
  type Mode = (typeof modes)[number];
  const runs: Record<Mode, ModeRun[]> = { "trap-and-emulate": [], "binary-translation": [] };
  const collect = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < count; i++) {
    for (const mode of i % 2 === 0 ? modes : [...modes].reverse()) {
      collect?.();
      const run = runInMode(guest, mode, maxInstructions, "translator");
      if (count <= 5 || i === count - 1) options.log(`${guest.name} --mode ${mode} (translator) ${i + 1}/${count}: ${run.wallMs.toFixed(1)} ms`);
      runs[mode].push(run);
    }
  }
  const exits = (run: ModeRun) => Object.values(run.exits?.byReason ?? {}).reduce((sum, c) => sum + c.count, 0);
  const translated = (run: ModeRun) => Object.values(run.exits?.translated ?? {}).reduce((sum, c) => sum + c.count, 0);
  const spread = (mode: Mode, key: "wallMs" | "cpuMs") => spreadOf(runs[mode].map((run) => run[key]));
  const [trapped, rewritten] = [runs["trap-and-emulate"][0], runs["binary-translation"][0]];
  const short = count > 5;
  const [figure, unit, scale] = short ? (["median", "ms", 1] as const) : (["best", "s", 1000] as const);
  result.rows.push(row(`${guest.name}: VM exits, trap-and-emulate`, "", exits(trapped)));
  result.rows.push(row(`${guest.name}: VM exits, binary-translation`, "", exits(rewritten)));
  result.rows.push(row(`${guest.name}: privileged instructions translated (no exit)`, "", translated(rewritten)));
  for (const mode of modes) {
    result.rows.push(row(`${guest.name}: wall time, ${mode} (${figure} of ${count})`, unit, spread(mode, "wallMs")[figure] / scale));
    result.rows.push(row(`${guest.name}: CPU time, ${mode} (${figure} of ${count})`, unit, spread(mode, "cpuMs")[figure] / scale));
  }
  const ratio = spread("binary-translation", "wallMs")[figure] / spread("trap-and-emulate", "wallMs")[figure];
  result.rows.push(row(`${guest.name}: wall time, binary-translation / trap-and-emulate`, "×", ratio, undefined, 1));
  if (freshProcesses > 0) freshProcessRows(result, guest, freshProcesses, options);
  result.notes.push(
    `${guest.name}: wall ms, trap-and-emulate ${runs["trap-and-emulate"].map((run) => run.wallMs.toFixed(1)).join(", ")}; binary-translation ${runs["binary-translation"].map((run) => run.wallMs.toFixed(1)).join(", ")}`,
  );
  result.checks.push({
    name: `${guest.name}: binary-translation prints what trap-and-emulate prints, with fewer exits`,
    ok: rewritten.reason === "poweroff" && rewritten.console === trapped.console && exits(rewritten) < exits(trapped),
    detail: `${exits(rewritten)} < ${exits(trapped)} exits`,
  });
}

/** `vmscope run --mode …` in fresh processes, alternately: the median of each mode's run time, cold JIT included (what a user sees). */
function freshProcessRows(result: BenchResult, guest: KernelGuest, count: number, options: BenchOptions): void {
  const modes = ["trap-and-emulate", "binary-translation"] as const;
  const wall: Record<(typeof modes)[number], number[]> = { "trap-and-emulate": [], "binary-translation": [] };
  const expected = expectedOutput(guest);
  const wrong: string[] = [];
  for (let i = 0; i < count; i++) {
    for (const mode of i % 2 === 0 ? modes : [...modes].reverse()) {
      const run = runCli(guest.elfPath, ["--mode", mode]);
      if (run.status !== 0 || run.output !== expected) wrong.push(`${mode} run ${i + 1}: status ${run.status}, ${run.output === expected ? "output as expected" : "output differs"}`);
      wall[mode].push(run.wallMs);
    }
  }
  result.checks.push({
    name: `${guest.name}: every fresh vmscope run powered off with 0 and printed expected-output.txt`,
    ok: wrong.length === 0,
    detail: wrong.length === 0 ? `${2 * count} runs` : wrong.join("; "),
  });
  options.log(`${guest.name} in fresh processes: trap-and-emulate ${wall["trap-and-emulate"].join(", ")} ms; binary-translation ${wall["binary-translation"].join(", ")} ms`);
  for (const mode of modes) result.rows.push(row(`${guest.name}: wall time, ${mode}, fresh process (median of ${count})`, "ms", spreadOf(wall[mode]).median));
  const ratio = spreadOf(wall["binary-translation"]).median / spreadOf(wall["trap-and-emulate"]).median;
  result.rows.push(row(`${guest.name}: wall time, fresh process, binary-translation / trap-and-emulate`, "×", ratio, undefined, 1));
}

export async function translatorBenchmark(options: BenchOptions): Promise<BenchResult> {
  const result: BenchResult = { name: "translator", rows: [], checks: [], notes: [] };
  const count = options.quick ? 1 : 3;
  const expected = expectedOutput(computeGuest);
  const compute = interleaved(
    count,
    (engine) => {
      const run = runInVmscope(computeGuest, maxInstructions, engine);
      return { output: run.output, instructions: run.instructions, wallMs: run.wallMs, cpuMs: run.cpuMs, ok: run.reason === "poweroff" && run.output === expected };
    },
    options,
    "compute.elf",
  );
  let qemuMips: number | undefined;
  if (hasTool(qemuBinary)) {
    const { runs, baselineRuns } = await alternateInQemu(computeGuest, helloGuest, options.quick ? 5 : 10, 60_000);
    const net = spreadOf(runs.map((run) => run.wallMs)).best - spreadOf(baselineRuns.map((run) => run.wallMs)).best;
    if (net > 0) qemuMips = compute.interpreter[0].instructions / 1e6 / (net / 1000);
    result.notes.push("QEMU: compute.elf's spawn-to-exit time minus hello.elf's (start-up), best of each; its instruction count is vmscope's");
  } else {
    result.notes.push(`${qemuBinary} not found: no QEMU column`);
  }
  engineRows(result, "compute.elf", compute, qemuMips);
  for (const guest of [computeSmodeGuest, syscallsGuest]) engineRows(result, `${guest.name} trap-and-emulate`, kernelRuns(guest, count, options));
  binaryTranslationRows(result, privilegedGuest, options.quick ? 15 : 41, options, options.quick ? 9 : 21);
  binaryTranslationRows(result, syscallsGuest, options.quick ? 3 : 5, options);
  result.notes.push("ratio column: vmscope / QEMU; engines run interleaved in this process, best wall time of each");
  return result;
}
