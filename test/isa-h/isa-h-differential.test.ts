/**
 * Hypervisor-extension differential suite: every guest in test/isa-h/build
 * runs on QEMU 7.2 with `h=on` (the reference) and on vmscope's Machine with
 * the H extension; their console output must be identical byte for byte and
 * both must power off with code 0. The guests print CSR values and every
 * trap with its H-specific state (mtval2, mtinst, MPV/SPV, GVA, vs* CSRs),
 * so a mismatch names the feature. Built like test/isa (see the Makefile).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Machine, type MachineOptions } from "../../vmm-core/machine/machine";
import { needTool } from "../support/reference";
import { qemuCpuWith, runQemu } from "../reference/qemu";

const suiteDir = fileURLToPath(new URL(".", import.meta.url));
const buildDir = join(suiteDir, "build");
const guests = readdirSync(buildDir)
  .filter((name) => name.endsWith(".elf"))
  .map((name) => name.slice(0, -".elf".length))
  .sort();

/** Instructions vmscope may run per guest before the run counts as hung. */
const instructionBudget = 40_000_000;
const qemuTimeoutMs = 10_000;

interface GuestRun {
  output: string;
  poweredOff: boolean;
  exitCode: number | null;
  detail: string;
}

/** The machine option the H extension is switched on with (added with the hart's H support). */
type HypervisorMachineOptions = MachineOptions & { hypervisorExtension: boolean };

function runVmscope(elf: Uint8Array, name: string): GuestRun {
  const chunks: Uint8Array[] = [];
  const options: HypervisorMachineOptions = {
    memory: 128 * 1024 * 1024,
    bios: undefined,
    kernel: elf,
    kernelName: `${name}.elf`,
    hypervisorExtension: true,
    console: { write: (bytes: Uint8Array) => chunks.push(bytes.slice()) },
  };
  const machine = new Machine(options);
  const result = machine.run(instructionBudget);
  const output = Buffer.concat(chunks).toString("latin1");
  return {
    output,
    poweredOff: result.reason === "poweroff",
    exitCode: machine.power.exitCode,
    detail: `stopped by ${result.reason} after ${result.instructions} instructions, pc=0x${machine.harts[0].pc.toString(16)}`,
  };
}

async function runReference(elfPath: string): Promise<GuestRun> {
  const result = await runQemu(elfPath, { timeoutMs: qemuTimeoutMs, cpu: qemuCpuWith({ h: true }) });
  return {
    output: result.stdout.toString("latin1"),
    poweredOff: !result.timedOut && result.exitCode !== null,
    exitCode: result.exitCode,
    detail: result.timedOut ? `QEMU timed out after ${qemuTimeoutMs} ms` : result.stderr.toString().trim(),
  };
}

/** The first differing line with a few lines of context, diff style. */
function firstDifference(expected: string, actual: string, context = 3): string | undefined {
  if (expected === actual) return undefined;
  const want = expected.split("\n");
  const got = actual.split("\n");
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const from = Math.max(0, i - context);
  const lines = [`@@ first difference at line ${i + 1} @@`];
  for (let k = from; k < i; k++) lines.push(`  ${want[k]}`);
  for (let k = i; k < Math.min(want.length, i + context); k++) lines.push(`- ${want[k]}  (QEMU)`);
  for (let k = i; k < Math.min(got.length, i + context); k++) lines.push(`+ ${got[k]}  (vmscope)`);
  return lines.join("\n");
}

test("the QEMU reference CPU differs from the base one only by h=on", () => {
  const withH = qemuCpuWith({ h: true }).split(",");
  const base = qemuCpuWith({}).split(",");
  assert.ok(withH.includes("h=on") && !withH.includes("h=off"));
  assert.ok(base.includes("h=off") && !base.includes("h=on"));
  assert.deepEqual(withH.filter((p) => p !== "h=on"), base.filter((p) => p !== "h=off"));
});

test("committed H guest ELFs match a fresh build", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "make")) return;
  const fresh = mkdtempSync(join(tmpdir(), "vmscope-isa-h-"));
  try {
    execFileSync("make", ["-s", "-C", suiteDir, `BUILD=${fresh}`], { stdio: "pipe" });
    const built = readdirSync(fresh).filter((n) => n.endsWith(".elf")).sort();
    assert.deepEqual(built, guests.map((g) => `${g}.elf`), "every guest source has a committed ELF and vice versa");
    for (const name of built) {
      assert.ok(
        readFileSync(join(fresh, name)).equals(readFileSync(join(buildDir, name))),
        `${name} differs from a fresh build: run make -C test/isa-h and commit build/`,
      );
    }
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

test("H guests agree with QEMU", async (t) => {
  assert.ok(guests.length >= 6, `expected the guest ELFs in ${buildDir}`);
  for (const name of guests) {
    await t.test(name, async (st) => {
      if (!needTool(st, "qemu-system-riscv64")) return;
      const elfPath = join(buildDir, `${name}.elf`);
      const reference = runReference(elfPath);
      const ours = runVmscope(new Uint8Array(readFileSync(elfPath)), name);
      const qemu = await reference;
      assert.ok(qemu.poweredOff && qemu.exitCode === 0, `QEMU did not pass ${name}: exit ${qemu.exitCode}; ${qemu.detail}`);
      const diff = firstDifference(qemu.output, ours.output);
      assert.ok(diff === undefined, `${name}: console output differs from QEMU\n${diff}`);
      assert.ok(ours.poweredOff, `${name}: vmscope did not power off (${ours.detail})`);
      assert.equal(ours.exitCode, 0, `${name}: vmscope exit code`);
    });
  }
});
