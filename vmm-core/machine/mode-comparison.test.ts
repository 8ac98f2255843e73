/**
 * The mode comparison on guests small enough to know every instruction:
 * which modes apply to which guest, the figures each run yields, the
 * firmware's banner cut from mode none's output, and output differences.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spinningGuest, uartGuest } from "../../test/support/elf-builder";
import { sbiKernel } from "./testing/sbi-kernel";
import { debianFirmware, needTool } from "../../test/support/reference";
import { virtualizationModes } from "./machine";
import { compareModes, firstDifference, planComparison, type ComparedGuest, type ModeMeasurement } from "./mode-comparison";

const guest = (kernel: Uint8Array, bios?: Uint8Array): ComparedGuest => ({
  kernel,
  kernelName: "k.elf",
  bios,
  biosName: bios ? "fw_jump.elf" : undefined,
  memory: 128 * 1024 * 1024,
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const virtualized = virtualizationModes.filter((mode) => mode !== "none");

test("plans: firmware + kernel runs everywhere; a bare program only on the bare machine; an S-mode kernel only under a monitor", () => {
  const withBios = planComparison(guest(sbiKernel("x"), new Uint8Array([1, 2, 3])));
  assert.deepEqual(withBios.runs.map((run) => [run.mode, run.firmware]), virtualizationModes.map((mode) => [mode, mode === "none"]));
  assert.deepEqual(withBios.skipped, {});

  const bare = planComparison(guest(uartGuest("hi", 0)));
  assert.deepEqual(bare.runs.map((run) => run.mode), ["none"]);
  assert.deepEqual(Object.keys(bare.skipped), virtualized);
  for (const reason of Object.values(bare.skipped)) assert.match(reason, /0x80000000.*bare-machine/);

  const smode = planComparison(guest(sbiKernel("x")));
  assert.deepEqual(smode.runs.map((run) => run.mode), virtualized);
  assert.match(smode.skipped.none ?? "", /0x80200000.*--bios/);
});

test("on engine interpreter the modes are compared without binary-translation, which says why", () => {
  const interpreted = planComparison({ ...guest(sbiKernel("x"), new Uint8Array([1, 2, 3])), engine: "interpreter" });
  assert.deepEqual(interpreted.runs.map((run) => run.mode), virtualizationModes.filter((mode) => mode !== "binary-translation"));
  assert.deepEqual(Object.keys(interpreted.skipped), ["binary-translation"]);
  assert.match(interpreted.skipped["binary-translation"] ?? "", /does not run on engine interpreter/);
  const translated = planComparison({ ...guest(sbiKernel("x"), new Uint8Array([1, 2, 3])), engine: "translator" });
  assert.deepEqual(translated.runs.map((run) => run.mode), virtualizationModes);
});

test("a bare-machine program: every instruction is the guest's, nothing exits, its output is whole", async () => {
  const message = "hello, bare machine\n";
  const comparison = await compareModes(guest(uartGuest(message, 0)), { maxInstructions: 10_000 });
  assert.equal(comparison.measurements.length, 1);
  const [none] = comparison.measurements;
  assert.equal(none.end, "poweroff");
  assert.equal(none.exitCode, 0);
  assert.equal(text(none.output), message);
  assert.equal(none.firmwareOutputBytes, 0);
  // The same program printing nothing ran the reset ROM, the lui and the power-off alike: each byte is one li + one sb more.
  const [empty] = (await compareModes(guest(uartGuest("", 0)), { maxInstructions: 10_000 })).measurements;
  assert.equal(none.guestInstructions - empty.guestInstructions, 2 * message.length);
  assert.equal(none.guestInstructions, none.machineInstructions);
  assert.deepEqual(none.exits, { total: 0, byReason: {} });
  assert.deepEqual(none.pageFaults, { hidden: 0, true: 0 });
  assert.equal(none.monitorWork, 0);
  assert.equal(comparison.outputIdentical, true);
});

test("the instruction limit ends a run that never powers off", async () => {
  const comparison = await compareModes(guest(spinningGuest()), { maxInstructions: 5_000, sliceInstructions: 1_000 });
  const [none] = comparison.measurements;
  assert.equal(none.end, "limit");
  assert.equal(none.executed, 5_000);
  assert.ok(none.machineInstructions <= 5_000);
  assert.equal(none.output.length, 0);
});

test("under OpenSBI and under the monitor: the same output once the firmware's banner is cut, exits only under the monitor", async (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump)) return;
  const firmware = new Uint8Array(readFileSync(debianFirmware.openSbiFwJump));
  const message = "same everywhere\n";
  const comparison = await compareModes(guest(sbiKernel(message), firmware), { maxInstructions: 20_000_000 });
  assert.deepEqual(comparison.measurements.map((m) => m.mode), virtualizationModes);
  const byMode = new Map(comparison.measurements.map((m) => [m.mode, m]));
  const none = byMode.get("none") as ModeMeasurement;
  const monitor = byMode.get("trap-and-emulate") as ModeMeasurement;
  for (const m of comparison.measurements) {
    assert.equal(m.end, "poweroff", m.mode);
    assert.equal(m.exitCode, 0, m.mode);
    // Both SBIs turn LF into CR LF, as a serial console wants.
    assert.equal(text(m.output), message.replace("\n", "\r\n"), m.mode);
  }
  assert.equal(comparison.outputIdentical, true);
  assert.equal(comparison.difference, undefined);

  // The firmware printed its banner first; the cut is exactly there.
  assert.ok(none.firmwareOutputBytes > 100);
  // Mode none counts the kernel's S-mode instructions, not the firmware's millions.
  assert.ok(none.machineInstructions > 1_000_000);
  assert.ok(none.guestInstructions < 200, `${none.guestInstructions} guest instructions`);
  assert.deepEqual(none.exits, { total: 0, byReason: {} });
  assert.equal(none.traps["environment call from S-mode"], message.length + 1);

  // Under the monitor every SBI call (one per byte, and the shutdown) is an exit.
  assert.equal(monitor.firmwareOutputBytes, 0);
  assert.equal(monitor.exits.byReason.sbi, message.length + 1);
  assert.equal(monitor.exits.total, Object.values(monitor.exits.byReason).reduce((sum, count) => sum + count, 0));
  assert.ok(monitor.monitorWork >= monitor.exits.total, "each exit costs at least one unit");
  assert.equal(monitor.guestInstructions, monitor.machineInstructions);
  assert.ok(Math.abs(monitor.guestInstructions - none.guestInstructions) <= message.length + 2, `${monitor.guestInstructions} vs ${none.guestInstructions}`);
});

test("outputs that differ are caught at their first differing line", async (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump)) return;
  const firmware = new Uint8Array(readFileSync(debianFirmware.openSbiFwJump));
  // The clock letter differs: the firmware's boot took guest time, the monitor's none.
  const comparison = await compareModes(guest(sbiKernel(": clock\nsame\n", true), firmware), { maxInstructions: 20_000_000 });
  assert.equal(comparison.outputIdentical, false);
  const difference = comparison.difference;
  assert.ok(difference);
  assert.equal(difference.line, 1);
  assert.deepEqual(difference.modes, ["none", "trap-and-emulate"]);
  const [left, right] = difference.texts;
  assert.match(left ?? "", /^[A-P]: clock$/);
  assert.match(right ?? "", /^[A-P]: clock$/);
  assert.notEqual(left, right);
});

test("firstDifference names the line, also when one output is shorter", () => {
  const measured = (mode: "none" | "trap-and-emulate", output: string) => ({ mode, output: new TextEncoder().encode(output) }) as ModeMeasurement;
  assert.equal(firstDifference(measured("none", "a\nb\n"), measured("trap-and-emulate", "a\nb\n")), undefined);
  assert.deepEqual(firstDifference(measured("none", "a\r\nb\r\nc\r\n"), measured("trap-and-emulate", "a\r\nB\r\nc\r\n")), {
    line: 2,
    modes: ["none", "trap-and-emulate"],
    texts: ["b", "B"],
  });
  assert.deepEqual(firstDifference(measured("none", "a\nb"), measured("trap-and-emulate", "a")), {
    line: 2,
    modes: ["none", "trap-and-emulate"],
    texts: ["b", undefined],
  });
});
