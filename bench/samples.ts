/**
 * The samples, as a user runs them: `vmscope compare --json` in a fresh
 * process per engine, every mode the sample runs in (OpenSBI for mode none;
 * binary-translation only on the translator), and the guest MIPS of each.
 * The samples are short (0.1–15 M instructions): these figures include the
 * JIT warming up, which is what a user waits for. Both engines must retire
 * the same instructions in every mode, and compare must find every mode's
 * output identical (its exit status 0).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { openSbiFwJump } from "./mode-run";
import { spreadOf } from "./stats";
import { row, type BenchOptions, type BenchResult } from "./types";
import { engines, type Engine } from "../vmm-core/hart/hart";

const root = join(import.meta.dirname, "..");
const cli = join(root, "dist", "cli.js");

/** Samples that run to power-off without console input; `bare` ones run without firmware (mode none only). */
const samples: { name: string; bare?: boolean }[] = [
  { name: "hello", bare: true },
  { name: "sbi-hello" },
  { name: "paging" },
  { name: "privileged" },
  { name: "pvkernel" },
  { name: "devices" },
  { name: "balloon" },
];

interface ModeFigures {
  instructions: number;
  wallSeconds: number;
  mips: number;
}

/** One `vmscope compare --json` run; undefined (with the reason in `failures`) when it did not end with status 0. */
function compare(sample: (typeof samples)[number], engine: Engine, failures: string[]): Record<string, ModeFigures> | undefined {
  const elf = join(root, "samples", sample.name, `${sample.name}.elf`);
  const firmware = sample.bare ? [] : ["--bios", openSbiFwJump];
  const child = spawnSync(process.execPath, [cli, "compare", "--json", "--engine", engine, ...firmware, "--kernel", elf], { encoding: "utf8", timeout: 120_000, maxBuffer: 16 << 20 });
  if (child.status !== 0) {
    failures.push(`${sample.name} (${engine}): status ${child.status}: ${(child.stderr ?? child.error?.message ?? "").trim().split("\n")[0]}`);
    return undefined;
  }
  return (JSON.parse(child.stdout) as { modes: Record<string, ModeFigures> }).modes;
}

export async function samplesBenchmark(options: BenchOptions): Promise<BenchResult> {
  const result: BenchResult = { name: "samples: guest MIPS per engine and mode (vmscope compare, fresh processes)", rows: [], checks: [], notes: [] };
  if (!existsSync(openSbiFwJump)) result.notes.push(`${openSbiFwJump} not found: only the bare-machine samples`);
  const count = options.quick ? 1 : 3;
  for (const sample of samples.filter((s) => s.bare || existsSync(openSbiFwJump))) {
    const failures: string[] = [];
    const runs: Record<Engine, Record<string, ModeFigures>[]> = { interpreter: [], translator: [] };
    for (let i = 0; i < count; i++) {
      for (const engine of engines) {
        const modes = compare(sample, engine, failures);
        if (modes !== undefined) runs[engine].push(modes);
      }
    }
    options.log(`${sample.name}: ${runs.interpreter.length + runs.translator.length} compare runs${failures.length > 0 ? `, failed: ${failures.join("; ")}` : ""}`);
    const modes = Object.keys(runs.translator[0] ?? {});
    const mips = (engine: Engine, mode: string): number | undefined => {
      const figures = runs[engine].map((run) => run[mode]).filter((f): f is ModeFigures => f !== undefined);
      if (figures.length === 0) return undefined;
      return figures[0].instructions / 1e6 / spreadOf(figures.map((f) => f.wallSeconds)).best;
    };
    const sameInstructions = modes.every((mode) => runs.interpreter.every((run) => run[mode] === undefined || run[mode].instructions === runs.translator[0][mode].instructions));
    result.checks.push({
      name: `${sample.name}: compare ended with identical output in every mode, on both engines, with the same instruction counts`,
      ok: failures.length === 0 && runs.translator.length === count && runs.interpreter.length === count && sameInstructions,
      detail: failures.length > 0 ? failures.join("; ") : modes.map((mode) => `${mode} ${runs.translator[0][mode].instructions}`).join(", "),
    });
    for (const mode of modes) {
      const [interpreted, translated] = [mips("interpreter", mode), mips("translator", mode)];
      result.rows.push(row(`${sample.name} ${mode}: interpreter`, "MIPS", interpreted));
      result.rows.push(row(`${sample.name} ${mode}: translator`, "MIPS", translated));
      if (interpreted !== undefined && translated !== undefined) result.rows.push(row(`${sample.name} ${mode}: translator / interpreter`, "×", translated / interpreted));
    }
  }
  result.notes.push(`best wall time of ${count} per engine and mode; binary-translation runs only on the translator`);
  return result;
}
