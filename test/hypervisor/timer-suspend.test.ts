/**
 * The guest's supervisor timer and SBI HSM suspend under both monitors,
 * against QEMU + OpenSBI (test/hypervisor/guests/timer-suspend.S):
 * - with Sstc, SBI set_timer and stimecmp are one deadline (OpenSBI's
 *   set_timer writes stimecmp), so a tick armed one way and acknowledged the
 *   other is one interrupt, not a storm;
 * - hart_suspend waits for an interrupt: retentive returns after it,
 *   non-retentive resumes at resume_addr with a0 = hartid, a1 = opaque;
 * - hardware-assisted gives VS-mode Sstc (henvcfg.STCE), so the guest's
 *   stimecmp writes and its ticks need no exits.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Machine, type VirtualizationMode } from "../../vmm-core/machine/machine";
import { needTool, debianFirmware } from "../support/reference";
import { runQemu } from "../reference/qemu";

const source = join(__dirname, "guests", "timer-suspend.S");
/** Two ticks, retentive and non-retentive suspend, as QEMU 7.2 + OpenSBI print them. */
const expected = "11RN\r\n";

function buildGuest(directory: string): string {
  const elf = join(directory, "timer-suspend.elf");
  execFileSync("riscv64-unknown-elf-gcc", [
    "-march=rv64imac_zicsr", "-mabi=lp64", "-nostdlib", "-nostartfiles",
    "-Wl,-Ttext=0x80200000", "-Wl,--build-id=none", "-o", elf, source,
  ]);
  return elf;
}

function runOnVmscope(elf: string, mode: VirtualizationMode) {
  let output = "";
  const withFirmware = mode === "none";
  const machine = new Machine({
    memory: 128 << 20,
    mode,
    ...(withFirmware ? { bios: new Uint8Array(readFileSync(debianFirmware.openSbiFwJump)), biosName: "fw_jump.elf" } : {}),
    kernel: new Uint8Array(readFileSync(elf)),
    kernelName: "timer-suspend.elf",
    console: { write: (bytes) => (output += Buffer.from(bytes).toString("latin1")) },
  });
  for (let executed = 0; executed < 10_000_000 && machine.power.state === "running"; ) {
    const result = machine.run(1_000_000);
    executed += result.instructions;
    if (result.reason === "halted") break;
  }
  // Under OpenSBI only the kernel's line is compared: the firmware's banner comes before it.
  const line = withFirmware ? output.slice(output.lastIndexOf("\n", output.length - 3) + 1) : output;
  return { machine, line, stats: machine.monitor?.exits.statistics().byReason ?? {} };
}

test("SBI set_timer and stimecmp are one deadline, hart_suspend waits: the same on QEMU + OpenSBI and in every mode", async (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "qemu-system-riscv64", debianFirmware.openSbiFwJump)) return;
  const directory = mkdtempSync(join(tmpdir(), "vmscope-timer-suspend-"));
  try {
    const elf = buildGuest(directory);
    const qemu = await runQemu(elf, { bios: debianFirmware.openSbiFwJump, timeoutMs: 20_000 });
    const qemuOutput = qemu.stdout.toString("latin1");
    assert.ok(qemuOutput.endsWith(`\n${expected}`), `QEMU + OpenSBI print ${JSON.stringify(expected)} last: ${JSON.stringify(qemuOutput.slice(-40))}`);
    for (const mode of ["none", "trap-and-emulate", "hardware-assisted"] as const) {
      const run = runOnVmscope(elf, mode);
      assert.equal(run.line, expected, `${mode}: the kernel's line`);
      assert.equal(run.machine.power.state, "off", `${mode}: powered off`);
      assert.equal(run.machine.power.exitCode, 0, `${mode}: exit code`);
      if (mode === "trap-and-emulate") {
        // Two ticks and two wake-ups from suspend: four timer exits, each injected at most once.
        assert.equal(run.stats["timer"]?.count, 4, `${mode}: timer exits ${JSON.stringify(run.stats["timer"])}`);
      }
      if (mode === "hardware-assisted") {
        // VS-mode has Sstc: the deadline is vstimecmp, the hart raises VSTIP itself, nothing exits for it.
        assert.equal(run.stats["timer"]?.count ?? 0, 0, `${mode}: no timer exits`);
        assert.equal(run.stats["illegal-instruction-injected"]?.count ?? 0, 0, `${mode}: stimecmp is legal in VS-mode`);
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
