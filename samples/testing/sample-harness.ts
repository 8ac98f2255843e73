/**
 * What every sample's test does: run the committed ELF with the bundled
 * command line (`vmscope run`, as a user would) in each mode it supports
 * and compare the console with expected-output.txt, and rebuild it with
 * the toolchain to check the committed ELF is current.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { debianFirmware, needTool } from "../../test/support/reference";

export const samplesRoot = resolve(import.meta.dirname, "..");
export const repositoryRoot = resolve(samplesRoot, "..");
const cli = join(repositoryRoot, "bin", "vmscope.js");

export type SampleMode = "none" | "trap-and-emulate" | "hardware-assisted";
export const sampleModes: readonly SampleMode[] = ["none", "trap-and-emulate", "hardware-assisted"];

export interface SampleRunOptions {
  harts?: number;
  /** Bytes for the UART (stdin of `vmscope run`). */
  input?: string;
  timeoutMs?: number;
  /** Extra `vmscope run` flags, e.g. ["--stats"]. */
  flags?: string[];
}

export interface SampleRun {
  status: number | null;
  /** Everything the console printed (OpenSBI's banner included in mode none). */
  stdout: string;
  stderr: string;
}

/** `vmscope run` arguments for an S-mode sample: under OpenSBI in mode none, alone under the monitor otherwise. */
export function runArguments(elf: string, mode: SampleMode, options: SampleRunOptions = {}): string[] {
  const harts = options.harts === undefined ? [] : ["--harts", String(options.harts)];
  const image = mode === "none" ? ["--bios", debianFirmware.openSbiFwJump, "--kernel", elf] : ["--mode", mode, elf];
  return ["run", ...image, ...harts, ...(options.flags ?? [])];
}

export function runSample(elf: string, mode: SampleMode, options: SampleRunOptions = {}): SampleRun {
  const result = spawnSync(process.execPath, [cli, ...runArguments(elf, mode, options)], {
    input: options.input ?? "",
    encoding: "latin1",
    timeout: options.timeoutMs ?? 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The kernel's part of the console: from its first line on (OpenSBI prints a banner before). */
export function kernelOutput(console: string, firstLine: string): string {
  const start = console.indexOf(firstLine);
  assert.ok(start >= 0, `the kernel never printed ${JSON.stringify(firstLine)}; the console ended with ${JSON.stringify(console.slice(-400))}`);
  return console.slice(start);
}

export interface SampleSpec {
  /** Folder under samples/ and ELF name. */
  name: string;
  modes?: readonly SampleMode[];
  run?: SampleRunOptions;
  /** Extra checks on one mode's run (its kernel output already matched). */
  check?: (run: SampleRun, mode: SampleMode) => void;
}

export function samplePaths(name: string): { dir: string; elf: string; expected: string } {
  const dir = join(samplesRoot, name);
  return { dir, elf: join(dir, `${name}.elf`), expected: readFileSync(join(dir, "expected-output.txt"), "latin1") };
}

/** Files of a sample folder that the build reads (not what it writes, not the tests and docs). */
function buildInputs(dir: string): string[] {
  return readdirSync(dir).filter((file) => !/\.(elf|o|ts|md|txt|png|json)$/.test(file));
}

/** Rebuilds samples/NAME with its Makefile in a temporary copy (with samples/common) and compares the ELF byte for byte. */
export function checkRebuild(t: TestContext, name: string): void {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "make")) return;
  const dir = mkdtempSync(join(tmpdir(), `vmscope-${name}-`));
  try {
    for (const folder of ["common", name]) {
      for (const file of buildInputs(join(samplesRoot, folder))) cpSync(join(samplesRoot, folder, file), join(dir, folder, file));
    }
    execFileSync("make", ["-s", "-C", join(dir, name), `${name}.elf`], { stdio: "pipe" });
    const rebuilt = readFileSync(join(dir, name, `${name}.elf`));
    const committed = readFileSync(join(samplesRoot, name, `${name}.elf`));
    assert.ok(rebuilt.equals(committed), `rebuilt ${name}.elf differs from the committed one: run make in samples/${name}`);
    // The temporary path must not leak into the ELF (DWARF comp_dir, file symbols).
    assert.equal(rebuilt.includes(dir), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The standard tests of a sample: one per mode, plus the rebuild. */
export function defineSampleTests(spec: SampleSpec): void {
  const { elf, expected } = samplePaths(spec.name);
  const firstLine = expected.split("\n")[0];
  for (const mode of spec.modes ?? sampleModes) {
    test(`${spec.name}.elf in mode ${mode} prints expected-output.txt and exits 0`, (t) => {
      if (mode === "none" && !needTool(t, debianFirmware.openSbiFwJump)) return;
      assert.ok(existsSync(cli) && existsSync(join(repositoryRoot, "dist", "cli.js")), "dist/cli.js is missing: run npm run build");
      const run = runSample(elf, mode, spec.run);
      assert.equal(run.status, 0, `exit status; stderr: ${run.stderr}; console: ${run.stdout.slice(-600)}`);
      assert.equal(kernelOutput(run.stdout, firstLine), expected);
      spec.check?.(run, mode);
    });
  }
  test(`the committed ${spec.name}.elf is what its Makefile builds`, (t) => checkRebuild(t, spec.name));
}
