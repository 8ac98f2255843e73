/**
 * Emulated against paravirtual, as `vmscope compare` reports it: the same
 * 4 KiB through the UART costs two exits per byte, through virtio-console
 * a notification and the driver's set-up.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareModes } from "../../vmm-core/machine/mode-comparison";
import { formatComparison } from "../../cli/compare";
import { consoleDeviceFigures } from "../../vmm-core/devices/console-figures";

const elf = join(__dirname, "..", "..", "samples", "devices", "devices.elf");

test("per KiB: 2048 UART exits (LSR + THR per byte) against a dozen for virtio-console, in both virtualized modes", async () => {
  const comparison = await compareModes(
    { kernel: new Uint8Array(readFileSync(elf)), kernelName: "devices.elf", memory: 128 * 1024 * 1024 },
    { maxInstructions: 50_000_000, modes: ["trap-and-emulate", "hardware-assisted"] },
  );
  assert.equal(comparison.outputIdentical, true);
  for (const m of comparison.measurements) {
    const [uart, virtio] = m.consoleDevices;
    assert.equal(uart.device, "uart0");
    assert.equal(uart.bytes, 4096);
    assert.equal(uart.perKiB?.exits, 2048, m.mode);
    assert.equal(uart.exits, uart.accesses, "every UART access is an exit under a monitor");
    assert.equal(virtio.device, "virtio-console");
    assert.equal(virtio.bytes, 4096);
    assert.ok(virtio.exits > 0 && virtio.exits < 64, `${virtio.exits} exits for the paravirtual console`);
    assert.ok(uart.hostMicroseconds > virtio.hostMicroseconds, "the UART took more monitor time");
  }
  const table = formatComparison(comparison, "devices.elf");
  assert.match(table, /\n {2}uart0 exits per KiB +2048\.0 +2048\.0\n/);
  assert.match(table, /\n {2}virtio-console exits per KiB +\d+\.\d +\d+\.\d\n/);
});

test("figures join the device's counters with the exits that name it; no bytes, no per-KiB figures", () => {
  const exits = {
    total: 5,
    byReason: {},
    byDetail: {
      "mmio-read": { "uart0.LSR": { count: 2, cost: 8, hostNanoseconds: 2000 }, "uart01.LSR": { count: 9, cost: 0, hostNanoseconds: 0 } },
      "mmio-write": { "uart0.THR": { count: 2, cost: 8, hostNanoseconds: 4000 } },
      sbi: { "uart0.fake": { count: 7, cost: 0, hostNanoseconds: 0 } },
    },
  };
  const [uart, virtio] = consoleDeviceFigures(
    [
      { device: "uart0", bytes: 512, accesses: 4 },
      { device: "virtio-console", bytes: 0, accesses: 3 },
    ],
    exits,
  );
  assert.deepEqual(uart, { device: "uart0", bytes: 512, accesses: 4, exits: 4, hostMicroseconds: 6, perKiB: { accesses: 8, exits: 8, hostMicroseconds: 12 } });
  assert.equal(virtio.perKiB, undefined);
  assert.equal(virtio.exits, 0);
});
