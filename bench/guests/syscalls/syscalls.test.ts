/**
 * The syscalls guest: the committed ELF is what its Makefile builds, QEMU
 * with Debian's OpenSBI prints expected-output.txt with it, and under
 * vmscope's monitor every system call and every demand-paging fault is a
 * VM exit the guest kernel then handles. (Its speed in both modes is the
 * hypervisor benchmark, `npm run bench`.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Machine } from "../../../vmm-core/machine/machine";
import { needTool, debianFirmware } from "../../../test/support/reference";
import { qemuBinary, runQemu } from "../../../test/reference/qemu";

const here = dirname(fileURLToPath(import.meta.url));
const elfPath = join(here, "syscalls.elf");
const expected = readFileSync(join(here, "expected-output.txt"), "latin1");
const sources = ["Makefile", "link.ld", "layout.h", "kernel.h", "start.S", "kernel.c", "sbi.c", "vm.c", "trap.c", "user.c"];
/** The kernel's first line; everything before it is the firmware's. */
const banner = "syscalls:";

test("the committed syscalls.elf is what the Makefile builds", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "make")) return;
  const dir = mkdtempSync(join(tmpdir(), "vmscope-syscalls-"));
  try {
    for (const file of sources) copyFileSync(join(here, file), join(dir, file));
    execFileSync("make", ["-s", "-C", dir, "syscalls.elf"], { stdio: "pipe" });
    const rebuilt = readFileSync(join(dir, "syscalls.elf"));
    assert.ok(rebuilt.equals(readFileSync(elfPath)), "rebuilt syscalls.elf differs: run make in bench/guests/syscalls");
    assert.equal(rebuilt.includes(dir), false, "the build folder's path leaked into the ELF");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("QEMU virt with Debian's OpenSBI prints expected-output.txt and exits 0", async (t) => {
  if (!needTool(t, qemuBinary, debianFirmware.openSbiFwJump)) return;
  const result = await runQemu(elfPath, { bios: debianFirmware.openSbiFwJump, timeoutMs: 60_000 });
  assert.equal(result.timedOut, false, result.stderr.toString());
  assert.equal(result.exitCode, 0, result.stderr.toString());
  const console = result.stdout.toString("latin1");
  assert.equal(console.slice(console.indexOf(banner)), expected);
});

test("under the monitor: the same output, and each system call and page fault reaches the guest kernel", () => {
  let console = "";
  const machine = new Machine({
    memory: 128 * 1024 * 1024,
    mode: "trap-and-emulate",
    kernel: new Uint8Array(readFileSync(elfPath)),
    kernelName: "syscalls.elf",
    console: { write: (bytes) => (console += Buffer.from(bytes).toString("latin1")) },
  });
  for (let executed = 0; executed < 100_000_000 && machine.power.state === "running"; ) executed += machine.run(10_000_000).instructions;
  assert.equal(machine.power.state, "off");
  assert.equal(machine.power.exitCode, 0);
  assert.equal(machine.power.source, "SBI SRST");
  assert.equal(console, expected);
  const { byReason, byDetail } = machine.monitor!.exits.statistics();
  // 50,000 SYS_MIX + SYS_EXIT: user ecalls are reflected into the guest kernel.
  assert.equal(byDetail["exception-injected"]?.["ecall from U-mode"]?.count, 50_001);
  // The first touch of each of the 2,000 heap pages is a true fault (the guest PTE is invalid).
  assert.equal(byReason["guest-page-fault"]?.count, 2_000);
  // The first entry to user mode and every return from a trap (all but SYS_EXIT's) is an sret: one exit each.
  assert.equal(byReason.sret?.count, 1 + 50_000 + 2_000);
});
