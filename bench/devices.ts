/**
 * The devices benchmark: emulated against paravirtual I/O. samples/devices
 * writes the same 4 KiB through the ns16550a UART (LSR polling, a register
 * access per step) and through virtio-console (one buffer, one
 * notification), in every mode. Per device and mode: register accesses,
 * VM exits and the monitor's host time, each per KiB of text.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { row, type BenchOptions, type BenchResult } from "./types";
import { hasTool } from "../test/support/reference";

const root = join(import.meta.dirname, "..");
const elfPath = join(root, "samples/devices/devices.elf");
const expectedPath = join(root, "samples/devices/expected-output.txt");
const banner = "vmscope devices guest:";
const modes = ["none", "trap-and-emulate", "hardware-assisted"] as const;
const maxInstructions = 100_000_000;

export async function devicesBenchmark(options: BenchOptions): Promise<BenchResult> {
  const result: BenchResult = { name: "devices: emulated UART vs paravirtual virtio-console (samples/devices)", rows: [], checks: [], notes: [] };
  const { Machine } = await import("../vmm-core/machine/machine");
  const { consoleFiguresOf } = await import("../vmm-core/devices/console-figures");
  const { openSbiFwJump } = await import("./mode-run");
  const expected = readFileSync(expectedPath, "latin1");
  const dir = mkdtempSync(join(tmpdir(), "vmscope-bench-devices-"));
  try {
    for (const mode of modes) {
      if (mode === "none" && !hasTool(openSbiFwJump)) {
        result.notes.push(`${openSbiFwJump} not found (Debian package opensbi): mode none skipped`);
        continue;
      }
      const disk = join(dir, `${mode}.img`);
      const image = new Uint8Array(64 * 1024);
      image.set(new TextEncoder().encode("VMSCOPE-DEVICES-DISK sector zero"));
      writeFileSync(disk, image);
      let output = "";
      const machine = new Machine({
        memory: 128 * 1024 * 1024,
        mode,
        bios: mode === "none" ? new Uint8Array(readFileSync(openSbiFwJump)) : undefined,
        kernel: new Uint8Array(readFileSync(elfPath)),
        kernelName: "devices.elf",
        drives: [{ path: disk }],
        console: { write: (bytes) => (output += Buffer.from(bytes).toString("latin1")) },
      });
      const started = performance.now();
      let executed = 0;
      while (machine.power.state === "running" && executed < maxInstructions) executed += machine.run(10_000_000).instructions;
      const wall = performance.now() - started;
      options.log(`devices.elf ${mode}: ${(wall / 1000).toFixed(2)} s, ${executed} instructions`);
      const start = output.indexOf(banner);
      result.checks.push({
        name: `${mode}: devices.elf powered off with 0 and printed expected-output.txt`,
        ok: machine.power.state === "off" && machine.power.exitCode === 0 && start >= 0 && output.slice(start) === expected,
        detail: `${machine.power.state}/${machine.power.exitCode}`,
      });
      const [uart, virtio] = consoleFiguresOf(machine);
      for (const figures of [uart, virtio]) {
        if (!figures.perKiB) continue;
        result.rows.push(row(`${mode}: ${figures.device} register accesses per KiB`, "1/KiB", figures.perKiB.accesses));
        if (mode === "none") continue;
        result.rows.push(row(`${mode}: ${figures.device} exits per KiB`, "1/KiB", figures.perKiB.exits));
        result.rows.push(row(`${mode}: ${figures.device} monitor host time per KiB`, "µs/KiB", figures.perKiB.hostMicroseconds));
      }
      if (mode !== "none" && uart.perKiB && virtio.perKiB) {
        result.checks.push({
          name: `${mode}: virtio-console needs under 1/100 of the UART's exits per KiB`,
          ok: virtio.perKiB.exits * 100 < uart.perKiB.exits,
          detail: `${uart.perKiB.exits.toFixed(1)} vs ${virtio.perKiB.exits.toFixed(1)} exits per KiB`,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.notes.push("bytes counted per device: in mode none the UART also carries OpenSBI's banner; exits and host time exist only under a monitor");
  return result;
}
