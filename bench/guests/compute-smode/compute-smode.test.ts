/**
 * compute-smode: the committed ELF is what its Makefile builds from
 * bench/guests/compute's sources, and QEMU with Debian's OpenSBI prints
 * compute's expected-output.txt with it (the same checksum as the M-mode
 * build). vmscope's runs of it, in both modes, are `npm run bench`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { needTool, debianFirmware } from "../../../test/support/reference";
import { qemuBinary, runQemu } from "../../../test/reference/qemu";

const here = dirname(fileURLToPath(import.meta.url));
const computeDirectory = join(here, "..", "compute");
const elfPath = join(here, "compute-smode.elf");
const buildInputs = (directory: string) => readdirSync(directory).filter((file) => /\.(c|h|S|ld)$/.test(file) || file === "Makefile");

test("the committed compute-smode.elf is what the Makefile builds", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "make")) return;
  // The Makefile takes the C kernels from ../compute: copy both folders, side by side.
  const dir = mkdtempSync(join(tmpdir(), "vmscope-compute-smode-"));
  try {
    for (const [from, name] of [[here, "compute-smode"], [computeDirectory, "compute"]] as const) {
      mkdirSync(join(dir, name));
      for (const file of buildInputs(from)) copyFileSync(join(from, file), join(dir, name, file));
    }
    execFileSync("make", ["-s", "-C", join(dir, "compute-smode"), "compute-smode.elf"], { stdio: "pipe" });
    const rebuilt = readFileSync(join(dir, "compute-smode", "compute-smode.elf"));
    assert.ok(rebuilt.equals(readFileSync(elfPath)), "rebuilt compute-smode.elf differs: run make in bench/guests/compute-smode");
    assert.equal(rebuilt.includes(dir), false, "the build folder's path leaked into the ELF");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("QEMU virt with Debian's OpenSBI prints compute's expected-output.txt and exits 0", async (t) => {
  if (!needTool(t, qemuBinary, debianFirmware.openSbiFwJump)) return;
  const result = await runQemu(elfPath, { bios: debianFirmware.openSbiFwJump, timeoutMs: 60_000 });
  assert.equal(result.timedOut, false, result.stderr.toString());
  assert.equal(result.exitCode, 0, result.stderr.toString());
  const console = result.stdout.toString("latin1");
  assert.equal(console.slice(console.indexOf("compute:")), readFileSync(join(computeDirectory, "expected-output.txt"), "latin1"));
});
