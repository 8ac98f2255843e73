/**
 * The translator benchmark: the two engines side by side on the same
 * guests, in this process, runs interleaved (interpreter, translator,
 * interpreter …) so a burst of load on the host hits both: MIPS of each on
 * the compute guest against QEMU's TCG on the same ELF, and on the S-mode
 * guests under the trap-and-emulate monitor. Both engines must print the
 * same and retire the same number of instructions (they are exact).
 */
import { computeGuest, computeSmodeGuest, expectedOutput, helloGuest, syscallsGuest, type KernelGuest } from "./guests";
import { alternateInQemu } from "./qemu";
import { spreadOf } from "./stats";
import { row, type BenchOptions, type BenchResult } from "./types";
import { runInVmscope } from "./vmscope-run";
import { runInMode } from "./mode-run";
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

/** Mode binary-translation against trap-and-emulate (both on the translator): exits and wall time. */
function binaryTranslationRows(result: BenchResult, guest: KernelGuest, count: number, options: BenchOptions): void {
  const modes = ["trap-and-emulate", "binary-translation"] as const;
  const runs = Object.fromEntries(modes.map((mode) => [mode, [] as ReturnType<typeof runInMode>[]])) as Record<(typeof modes)[number], ReturnType<typeof runInMode>[]>;
  for (let i = 0; i < count; i++) {
    for (const mode of modes) {
      const run = runInMode(guest, mode, maxInstructions, "translator");
      options.log(`${guest.name} --mode ${mode} (translator) ${i + 1}/${count}: ${(run.wallMs / 1000).toFixed(2)} s`);
      runs[mode].push(run);
    }
  }
  const exits = (run: ReturnType<typeof runInMode>) => Object.values(run.exits?.byReason ?? {}).reduce((sum, c) => sum + c.count, 0);
  const translated = (run: ReturnType<typeof runInMode>) => Object.values(run.exits?.translated ?? {}).reduce((sum, c) => sum + c.count, 0);
  const wall = (mode: (typeof modes)[number]) => spreadOf(runs[mode].map((run) => run.wallMs / 1000)).best;
  const cpu = (mode: (typeof modes)[number]) => spreadOf(runs[mode].map((run) => run.cpuMs / 1000)).best;
  const [trapped, rewritten] = [runs["trap-and-emulate"][0], runs["binary-translation"][0]];
  result.rows.push(row(`${guest.name}: VM exits, trap-and-emulate`, "", exits(trapped)));
  result.rows.push(row(`${guest.name}: VM exits, binary-translation`, "", exits(rewritten)));
  result.rows.push(row(`${guest.name}: privileged instructions translated (no exit)`, "", translated(rewritten)));
  result.rows.push(row(`${guest.name}: wall time, trap-and-emulate`, "s", wall("trap-and-emulate")));
  result.rows.push(row(`${guest.name}: wall time, binary-translation`, "s", wall("binary-translation")));
  result.rows.push(row(`${guest.name}: CPU time, trap-and-emulate`, "s", cpu("trap-and-emulate")));
  result.rows.push(row(`${guest.name}: CPU time, binary-translation`, "s", cpu("binary-translation")));
  result.checks.push({
    name: `${guest.name}: binary-translation prints what trap-and-emulate prints, with fewer exits`,
    ok: rewritten.reason === "poweroff" && rewritten.console === trapped.console && exits(rewritten) < exits(trapped),
    detail: `${exits(rewritten)} < ${exits(trapped)} exits`,
  });
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
  for (const guest of [syscallsGuest]) binaryTranslationRows(result, guest, count, options);
  result.notes.push("ratio column: vmscope / QEMU; engines run interleaved in this process, best wall time of each");
  return result;
}
