/**
 * Acceptance: Debian's real firmware stack boots unmodified, headless, from
 * the command line — OpenSBI's fw_jump plus U-Boot in S-mode, and U-Boot in
 * M-mode run bare — to an interactive prompt that runs commands, and the
 * boot log agrees with QEMU's line for line until the boards differ.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { needTool, debianFirmware } from "../support/reference";
import { qemuBinary, runQemu } from "../reference/qemu";

const cli = join(__dirname, "..", "..", "bin", "vmscope.js");

function vmscope(args: string[], input: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, [cli, "run", ...args], { input, encoding: "utf8", timeout: 240_000 });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** The text between a command echoed at the prompt and the next prompt. */
function commandOutput(console: string, command: string): string {
  const start = console.indexOf(`=> ${command}`);
  assert.ok(start >= 0, `the prompt never echoed '${command}'`);
  const end = console.indexOf("=> ", start + 3 + command.length);
  return console.slice(start, end < 0 ? undefined : end);
}

test("OpenSBI + U-Boot (S-mode) boot to the prompt; version, bdinfo and poweroff work", (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump, debianFirmware.uBootSmode)) return;
  const run = vmscope(["--bios", debianFirmware.openSbiFwJump, "--kernel", debianFirmware.uBootSmode, "--stats"], "\nversion\nbdinfo\npoweroff\n");
  assert.match(run.stdout, /OpenSBI v\d+\.\d+/);
  assert.match(run.stdout, /Domain0 Next Mode\s+: S-mode/);
  assert.match(run.stdout, /U-Boot 20\d\d\.\d\d/);
  assert.match(commandOutput(run.stdout, "version"), /riscv64-linux-gnu-gcc/);
  const bdinfo = commandOutput(run.stdout, "bdinfo");
  assert.match(bdinfo, /-> start\s+= 0x0000000080000000/);
  assert.match(bdinfo, /-> size\s+= 0x0000000008000000/);
  assert.match(run.stdout, /=> poweroff\r?\npoweroff \.\.\./);
  assert.equal(run.status, 0, `exit status (stderr: ${run.stderr})`);
  assert.match(run.stderr, /instructions retired/);
  assert.match(run.stderr, /illegal instruction/, "OpenSBI's CSR probes trap and --stats counts them");
});

test("U-Boot in M-mode, run bare, reaches its prompt and powers off", (t) => {
  if (!needTool(t, debianFirmware.uBootMmode)) return;
  const run = vmscope([debianFirmware.uBootMmode], "\nversion\npoweroff\n");
  assert.match(run.stdout, /U-Boot 20\d\d\.\d\d/);
  assert.match(commandOutput(run.stdout, "version"), /GNU ld/);
  assert.equal(run.status, 0, `exit status (stderr: ${run.stderr})`);
});

test("the OpenSBI + U-Boot boot log is QEMU's, line for line, until the boards differ", async (t) => {
  if (!needTool(t, qemuBinary, debianFirmware.openSbiFwJump, debianFirmware.uBootSmode)) return;
  const reference = await runQemu(debianFirmware.uBootSmode, { bios: debianFirmware.openSbiFwJump, timeoutMs: 8_000 });
  const ours = vmscope(["--bios", debianFirmware.openSbiFwJump, "--kernel", debianFirmware.uBootSmode, "--max-instructions", "25000000"], "");
  assert.equal(ours.status, 124, "the instruction limit ends the run");
  // QEMU's board has flash and PCI that ours does not (yet): U-Boot's device count differs from the "Core:" line on.
  const upToBoardDifferences = (text: string) => text.replace(/\r/g, "").split("\n Core:")[0].split("\nCore:")[0];
  const expected = upToBoardDifferences(reference.stdout.toString("utf8"));
  assert.match(expected, /Boot HART MEDELEG/, "QEMU printed the whole OpenSBI banner");
  assert.match(expected, /DRAM:\s+128 MiB/);
  assert.equal(upToBoardDifferences(ours.stdout), expected);
});
