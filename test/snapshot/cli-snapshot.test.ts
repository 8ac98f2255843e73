/**
 * `vmscope run --save-snapshot / --save-snapshot-at / --load-snapshot`
 * through the built CLI: a run cut in two by a snapshot prints what the
 * whole run prints, and every bad snapshot file or mismatched option is a
 * one-line error with exit status 2.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { assertUserError, runVmscope, type CliOutcome } from "../support/cli";

const root = resolve(import.meta.dirname, "../..");
const paging = join(root, "samples", "paging", "paging.elf");
const dir = mkdtempSync(join(tmpdir(), "vmscope-snapshot-cli-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const guest = ["run", "--mode", "trap-and-emulate", paging];

type Outcome = CliOutcome;

function vmscope(args: string[]): Outcome {
  assert.ok(existsSync(join(root, "dist", "cli.js")), "dist/cli.js is missing: run node scripts/build.mjs");
  return runVmscope(args, { encoding: "latin1", timeoutMs: 60_000 });
}

/** A snapshot of the paging guest stopped by --max-instructions 60000. */
function savedSnapshot(name: string): { path: string; first: Outcome } {
  const path = join(dir, name);
  const first = vmscope([...guest, "--max-instructions", "60000", "--save-snapshot", path]);
  assert.equal(first.status, 124, first.stderr);
  assert.ok(readFileSync(path).length > 1000, "a snapshot was written");
  return { path, first };
}

test("a run stopped by --max-instructions and saved, then loaded, prints exactly what the whole run prints", () => {
  const whole = vmscope(guest);
  assert.equal(whole.status, 0, whole.stderr);
  const { path, first } = savedSnapshot("stopped.snap");
  const rest = vmscope([...guest, "--load-snapshot", path]);
  assert.equal(rest.status, 0, rest.stderr);
  assert.ok(first.stdout.length > 0 && rest.stdout.length > 0, "both halves printed something");
  assert.equal(first.stdout + rest.stdout, whole.stdout);
});

test("--save-snapshot-at N saves mid-run and the run goes on; the restored run ends the same", () => {
  const path = join(dir, "at.snap");
  const whole = vmscope([...guest, "--save-snapshot", path, "--save-snapshot-at", "50000"]);
  assert.equal(whole.status, 0, whole.stderr);
  const rest = vmscope([...guest, "--load-snapshot", path]);
  assert.equal(rest.status, 0, rest.stderr);
  assert.ok(rest.stdout.length > 0 && whole.stdout.endsWith(rest.stdout), "the restored run prints the end of the whole run");
});

test("--save-snapshot-at beyond the end of the run says no snapshot was written", () => {
  const path = join(dir, "never.snap");
  const run = vmscope([...guest, "--save-snapshot", path, "--save-snapshot-at", "900000000"]);
  assert.equal(run.status, 0);
  assert.match(run.stderr, /--save-snapshot-at 900000000: the run ended after \d+ instructions; no snapshot written/);
  assert.equal(existsSync(path), false);
});

test("bad snapshot files are one-line errors with exit status 2", () => {
  const { path } = savedSnapshot("good.snap");
  const bytes = readFileSync(path);
  const variant = (name: string, data: Uint8Array) => {
    const file = join(dir, name);
    writeFileSync(file, data);
    return file;
  };
  assertUserError(vmscope([...guest, "--load-snapshot", variant("truncated.snap", bytes.subarray(0, bytes.length - 100))]), /truncated or damaged/);
  assertUserError(vmscope([...guest, "--load-snapshot", variant("short.snap", bytes.subarray(0, 10))]), /not a vmscope snapshot/);
  const magic = Buffer.from(bytes);
  magic[0] = 0x58;
  assertUserError(vmscope([...guest, "--load-snapshot", variant("magic.snap", magic)]), /not a vmscope snapshot/);
  const version = Buffer.from(bytes);
  version.writeUInt32LE(99, 8);
  assertUserError(vmscope([...guest, "--load-snapshot", variant("version.snap", version)]), /format version 99; this vmscope reads version 1/);
  const damaged = Buffer.from(bytes);
  damaged[30] ^= 0xff;
  assertUserError(vmscope([...guest, "--load-snapshot", variant("damaged.snap", damaged)]), /section is damaged/);
  assertUserError(vmscope([...guest, "--load-snapshot", join(dir, "missing.snap")]), /cannot read the snapshot: no such file/);
  assertUserError(vmscope([...guest, "--load-snapshot", paging]), /not a vmscope snapshot/);
});

test("a snapshot loads only into a machine built with the same options", () => {
  const { path } = savedSnapshot("options.snap");
  assertUserError(vmscope([...guest, "--memory", "256M", "--load-snapshot", path]), /differs from the one saved in --memory/);
  assertUserError(vmscope(["run", "--mode", "hardware-assisted", paging, "--load-snapshot", path]), /differs from the one saved in --mode/);
  assertUserError(vmscope([...guest, "--harts", "2", "--load-snapshot", path]), /differs from the one saved in --harts/);
  const other = join(root, "samples", "pvkernel", "pvkernel.elf");
  assertUserError(vmscope(["run", "--mode", "trap-and-emulate", other, "--load-snapshot", path]), /the kernel image \(saved with paging\.elf, content differs\)/);
});

test("snapshot flags: bad combinations and unwritable files are user errors", () => {
  assertUserError(vmscope([...guest, "--save-snapshot-at", "10"]), /--save-snapshot-at N needs --save-snapshot FILE/);
  assertUserError(vmscope([...guest, "--save-snapshot", "x.snap", "--save-snapshot-at", "0"]), /--save-snapshot-at: 0 is out of range/);
  assertUserError(vmscope([...guest, "--max-instructions", "1000", "--save-snapshot", join(dir, "no", "such", "dir.snap")]), /--save-snapshot '.*dir\.snap': cannot write the snapshot: no such file/);
});
