/**
 * The paging guest kernel: the committed ELF is what its sources build,
 * and under Debian's OpenSBI it prints expected-output.txt and powers off
 * with 0 both on QEMU (the reference) and on vmscope. The text after
 * OpenSBI's banner is the kernel's own; expected-output.txt holds it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Machine } from "../../../vmm-core/machine/machine";
import { needTool, debianFirmware } from "../../support/reference";
import { qemuBinary, runQemu } from "../../reference/qemu";

const here = dirname(fileURLToPath(import.meta.url));
const elfPath = join(here, "paging.elf");
const expected = readFileSync(join(here, "expected-output.txt"), "latin1");
const sources = ["Makefile", "link.ld", "layout.h", "kernel.h", "start.S", "kernel.c", "console.c", "sbi.c", "vm.c", "proc.c", "syscall.c", "trap.c", "user.c"];
/** The kernel's first line; everything before it is the firmware's. */
const kernelBanner = "vmscope paging guest:";
/** The whole run, OpenSBI included, stays well under this (about 7M today). */
const instructionBudget = 50_000_000;

function kernelOutput(console: string): string {
  const start = console.indexOf(kernelBanner);
  assert.ok(start >= 0, `the kernel never printed its banner; the console said: ${JSON.stringify(console.slice(-400))}`);
  return console.slice(start);
}

test("the committed paging.elf is what the Makefile builds", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "make")) return;
  const dir = mkdtempSync(join(tmpdir(), "vmscope-paging-"));
  try {
    for (const file of sources) copyFileSync(join(here, file), join(dir, file));
    execFileSync("make", ["-s", "-C", dir, "paging.elf"], { stdio: "pipe" });
    const rebuilt = readFileSync(join(dir, "paging.elf"));
    assert.ok(rebuilt.equals(readFileSync(elfPath)), "rebuilt paging.elf differs from the committed one: run make in test/guests/paging");
    // The temporary path must not leak into the ELF (DWARF comp_dir, file symbols).
    assert.equal(rebuilt.includes(dir), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("QEMU virt with Debian's OpenSBI prints expected-output.txt and exits 0", async (t) => {
  if (!needTool(t, qemuBinary, debianFirmware.openSbiFwJump)) return;
  const result = await runQemu(elfPath, { bios: debianFirmware.openSbiFwJump, timeoutMs: 30_000 });
  assert.equal(result.timedOut, false, result.stderr.toString());
  assert.equal(result.exitCode, 0, result.stderr.toString());
  assert.equal(kernelOutput(result.stdout.toString("latin1")), expected);
});

test("vmscope with Debian's OpenSBI prints the same output, exits 0, and took the traps the story needs", (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump)) return;
  const chunks: Buffer[] = [];
  const machine = new Machine({
    memory: 128 * 1024 * 1024,
    bios: new Uint8Array(readFileSync(debianFirmware.openSbiFwJump)),
    biosName: "fw_jump.elf",
    kernel: new Uint8Array(readFileSync(elfPath)),
    kernelName: "paging.elf",
    console: { write: (bytes: Uint8Array) => chunks.push(Buffer.from(bytes)) },
  });
  let instructions = 0;
  while (machine.power.state === "running" && instructions < instructionBudget) {
    instructions += machine.run(1_000_000).instructions;
  }
  assert.equal(machine.power.state, "off", `still running after ${instructions} instructions`);
  assert.equal(machine.power.exitCode, 0);
  assert.equal(kernelOutput(Buffer.concat(chunks).toString("latin1")), expected);

  const stats = machine.stats();
  assert.ok(stats.instructionsByPrivilege.U > 0, "user processes ran in U-mode");
  // Demand paging faults exactly once per heap page: 48 written (store) and
  // 16 only read (load); plus the kernel's own store to its text (step 1),
  // the wild load (step 4) and the SUM=0 probe (step 5).
  assert.equal(stats.trapsByCause["store/AMO page fault"], 48 + 1);
  assert.equal(stats.trapsByCause["load page fault"], 16 + 1 + 1);
  assert.equal(stats.trapsByCause["instruction page fault"] ?? 0, 0, "user code is mapped before it runs");
  assert.ok((stats.trapsByCause["supervisor timer interrupt"] ?? 0) >= 3, "the spinning process was preempted by timer interrupts");
});
