/**
 * ISA differential suite: every guest in test/isa/build runs on QEMU (the
 * reference) and on vmscope's Machine; their console output must be
 * identical byte for byte and both must power off with code 0. The guests
 * print their results as text, so a mismatch names the instruction.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { needTool } from "../support/reference";
import { engines } from "../../vmm-core/hart/hart";
import { firstDifference, runGuestOnQemu, runGuestOnVmscope } from "../support/guest-comparison";

const isaDir = fileURLToPath(new URL(".", import.meta.url));
const buildDir = join(isaDir, "build");
const guests = readdirSync(buildDir)
  .filter((name) => name.endsWith(".elf"))
  .map((name) => name.slice(0, -".elf".length))
  .sort();

/** Instructions vmscope may run per guest before the run counts as hung. */
const instructionBudget = 40_000_000;
const qemuTimeoutMs = 10_000;





test("firstDifference points at the first differing line", () => {
  assert.equal(firstDifference("a\nb\n", "a\nb\n"), undefined);
  const diff = firstDifference("a\nb\nc\n", "a\nX\nc\n") ?? "";
  assert.match(diff, /line 2/);
  assert.match(diff, /- b {2}\(QEMU\)/);
  assert.match(diff, /\+ X {2}\(vmscope\)/);
});

test("committed guest ELFs match a fresh build", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "make")) return;
  const fresh = mkdtempSync(join(tmpdir(), "vmscope-isa-"));
  try {
    execFileSync("make", ["-s", "-C", isaDir, `BUILD=${fresh}`], { stdio: "pipe" });
    const built = readdirSync(fresh).filter((n) => n.endsWith(".elf")).sort();
    assert.deepEqual(built, guests.map((g) => `${g}.elf`), "every guest source has a committed ELF and vice versa");
    for (const name of built) {
      assert.ok(
        readFileSync(join(fresh, name)).equals(readFileSync(join(buildDir, name))),
        `${name} differs from a fresh build: run make -C test/isa and commit build/`,
      );
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

test("ISA guests agree with QEMU on both engines", async (t) => {
  assert.ok(guests.length >= 10, `expected the guest ELFs in ${buildDir}`);
  for (const name of guests) {
    await t.test(name, async (st) => {
      if (!needTool(st, "qemu-system-riscv64")) return;
      const elfPath = join(buildDir, `${name}.elf`);
      const reference = runGuestOnQemu(elfPath, qemuTimeoutMs);
      const qemu = await reference;
      assert.ok(qemu.poweredOff && qemu.exitCode === 0, `QEMU did not pass ${name}: exit ${qemu.exitCode}; ${qemu.detail}`);
      // Both engines against QEMU: the translator is the default, the interpreter the reference the debugger runs.
      for (const engine of engines) {
        const ours = runGuestOnVmscope(new Uint8Array(readFileSync(elfPath)), name, instructionBudget, { engine });
        const diff = firstDifference(qemu.output, ours.output);
        assert.ok(diff === undefined, `${name} (${engine}): console output differs from QEMU\n${diff}`);
        assert.ok(ours.poweredOff, `${name} (${engine}): vmscope did not power off (${ours.detail})`);
        assert.equal(ours.exitCode, 0, `${name} (${engine}): vmscope exit code`);
      }
    });
  }
});
