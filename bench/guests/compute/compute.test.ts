/**
 * The compute guest: the committed ELF is what its Makefile builds, and QEMU
 * prints expected-output.txt with it. (vmscope's run of it is the benchmark
 * itself, `npm run bench`, which checks the same output.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { needTool } from "../../../test/support/reference";
import { qemuBinary, runQemu } from "../../../test/reference/qemu";

const here = dirname(fileURLToPath(import.meta.url));
const elfPath = join(here, "compute.elf");
const sources = readdirSync(here).filter((file) => /\.(c|h|S|ld)$/.test(file) || file === "Makefile");

test("the committed compute.elf is what the Makefile builds", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "make")) return;
  const dir = mkdtempSync(join(tmpdir(), "vmscope-compute-"));
  try {
    for (const file of sources) copyFileSync(join(here, file), join(dir, file));
    execFileSync("make", ["-s", "-C", dir, "compute.elf"], { stdio: "pipe" });
    assert.ok(readFileSync(join(dir, "compute.elf")).equals(readFileSync(elfPath)), "rebuilt compute.elf differs: run make in bench/guests/compute");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("QEMU virt prints compute's expected-output.txt and exits with 0", async (t) => {
  if (!needTool(t, qemuBinary)) return;
  const result = await runQemu(elfPath, { timeoutMs: 60_000 });
  assert.equal(result.timedOut, false, result.stderr.toString());
  assert.equal(result.exitCode, 0, result.stderr.toString());
  assert.equal(result.stdout.toString("latin1"), readFileSync(join(here, "expected-output.txt"), "latin1"));
});
