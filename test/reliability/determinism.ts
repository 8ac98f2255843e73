/**
 * Determinism: every sample, in every mode its test runs it in, is run
 * twice with the same input; the console output and the full exit log
 * (`--exit-log FILE`, every VM exit as a JSON line) must be identical byte
 * for byte. The bare-machine run (hello) has no exit log: its console and
 * the --stats counters (wall time and speed aside) are compared instead.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, repositoryRoot } from "./cli-runner";

/** The input samples/minikernel/minikernel.test.ts types (importing that file would register its tests here). */
const minikernelInput = "help\nps\nrun hello\nrun count\nrun spin\nrun nosuch\nbogus\nexit\n";

interface SampleRun {
  name: string;
  /** Extra flags, as the sample's own test passes them. */
  flags?: (dir: string) => string[];
  input?: string;
  harts?: number;
}

/** The S-mode samples run under both monitors; each is a kernel the monitor starts directly. */
const samples: SampleRun[] = [
  { name: "sbi-hello" },
  { name: "privileged" },
  { name: "pvkernel" },
  { name: "paging" },
  { name: "interrupts", input: "hello\nvirtual interrupts\nquit\n" },
  { name: "devices", flags: (dir) => ["--drive", `${diskImage(dir)},snapshot`] },
  { name: "balloon", flags: () => ["--balloon", "16"] },
  { name: "smp", harts: 2 },
  { name: "minikernel", input: minikernelInput },
];
const monitorModes = ["trap-and-emulate", "hardware-assisted"] as const;

function diskImage(dir: string): string {
  const path = join(dir, "disk.img");
  const image = new Uint8Array(64 * 1024);
  image.set(new TextEncoder().encode("VMSCOPE-DEVICES-DISK sector zero"));
  writeFileSync(path, image);
  return path;
}

/** --stats lines that measure the host, not the guest. */
const hostFigures = /wall time|speed|host|µs|microseconds|MIPS/i;

async function runTwice(args: (log: string) => string[], input: string | undefined, dir: string): Promise<void> {
  const runs = await Promise.all(
    [0, 1].map(async (n) => {
      const log = join(dir, `exits-${n}.jsonl`);
      const result = await runCli(args(log), { input, timeoutMs: 120_000 });
      assert.ok(result.status === 0, `run ${n}: exit status ${result.status}; stderr: ${result.stderr.slice(-800)}`);
      let exits: Buffer | undefined;
      try {
        exits = readFileSync(log);
      } catch {
        exits = undefined;
      }
      // The exit table ends with a host-time column: dropped with the header that names it.
      const lines = result.stderr.split("\n");
      const table = lines.findIndex((line) => /mean host/.test(line));
      const stats = lines
        .map((line, i) => (table >= 0 && i > table ? line.replace(/\s+[\d.]+$/, "") : line))
        .filter((line) => !hostFigures.test(line))
        .join("\n");
      return { console: result.stdout, exits, stats };
    }),
  );
  assert.ok(runs[0].console.length > 0, "the sample printed nothing");
  assert.ok(runs[0].console.equals(runs[1].console), "the console output differs between two runs");
  if (runs[0].exits) {
    assert.ok(runs[0].exits.length > 0, "an empty exit log");
    assert.ok(runs[1].exits && runs[0].exits.equals(runs[1].exits), firstDifference(runs[0].exits, runs[1].exits));
  }
  assert.equal(runs[0].stats, runs[1].stats, "the guest's counters (--stats) differ between two runs");
}

function firstDifference(a: Buffer, b: Buffer | undefined): string {
  if (!b) return "the second run wrote no exit log";
  const left = a.toString("utf8").split("\n");
  const right = b.toString("utf8").split("\n");
  const line = left.findIndex((text, i) => text !== right[i]);
  return `the exit logs differ at line ${line + 1}:\n  ${left[line]}\n  ${right[line]}`;
}

describe("determinism: the same guest and input give an identical exit log", { concurrency: 1 }, () => {
  test("hello on the bare machine: console and counters", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vmscope-determinism-"));
    try {
      await runTwice(() => ["run", join(repositoryRoot, "samples", "hello", "hello.elf"), "--stats"], undefined, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  for (const sample of samples) {
    for (const mode of monitorModes) {
      test(`${sample.name} (${mode}): console and exit log`, async () => {
        const dir = mkdtempSync(join(tmpdir(), "vmscope-determinism-"));
        try {
          const elf = join(repositoryRoot, "samples", sample.name, `${sample.name}.elf`);
          const flags = [...(sample.flags?.(dir) ?? []), ...(sample.harts ? ["--harts", String(sample.harts)] : [])];
          await runTwice((log) => ["run", "--mode", mode, elf, "--exit-log", log, "--stats", ...flags], sample.input, dir);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
});
