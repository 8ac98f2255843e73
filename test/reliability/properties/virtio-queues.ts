/**
 * Virtio queues under random driver mistakes: every device on the board
 * (block, rng, console, balloon), in every mode, gets a random descriptor
 * table, available ring and features, then a notify. The device must either
 * complete (used ring advanced) or report DEVICE_NEEDS_RESET; it never
 * throws, and its DMA never writes outside the guest's RAM (under a monitor
 * the monitor's region sits right below it).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Machine, virtualizationModes, type VirtualizationMode } from "../../../vmm-core/machine/machine";
import { memoryMap } from "../../../vmm-core/machine/memory-map";
import { Reg, Status, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1, VIRTIO_RING_F_EVENT_IDX } from "../../../vmm-core/devices/virtio/virtio-mmio";
import { tally } from "../tally";

const casesPerMode = 150;
const ramBytes = 4 * 1024 * 1024;
const ram = { base: memoryMap.dram.base, end: memoryMap.dram.base + BigInt(ramBytes) };
/** Rings well inside RAM, away from the spinning program at its start. */
const rings = ram.base + 0x10_0000n;

/** `j .`: the test drives the devices from outside. */
const spin = Uint8Array.of(0x01, 0xa0);

/** Buffer addresses a careless or hostile driver would pick: inside, at the edges, outside, in MMIO, huge. */
const address = fc.oneof(
  fc.bigInt({ min: ram.base, max: ram.end - 1n }),
  fc.constantFrom(ram.base - 0x1000n, ram.end - 8n, ram.end, memoryMap.uart0.base, memoryMap.clint.base, 0n, (1n << 64n) - 8n),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
);
const length = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 0xffff_ffff }));
const wild = fc.record({ address, length, flags: fc.integer({ min: 0, max: 7 }), next: fc.integer({ min: 0, max: 0xffff }) });
/** What a correct driver would offer, so the property reaches the devices' request handling too. */
const sane = fc.record({
  address: fc.bigInt({ min: ram.base + 0x20_0000n, max: ram.base + 0x30_0000n }),
  length: fc.integer({ min: 1, max: 512 }),
  flags: fc.constantFrom(0, 2, 1, 3),
  next: fc.integer({ min: 0, max: 3 }),
});
const descriptor = fc.oneof({ weight: 3, arbitrary: sane }, { weight: 1, arbitrary: wild });
const scenario = fc.record({
  slotPick: fc.nat(),
  queuePick: fc.nat(),
  size: fc.constantFrom(1, 2, 4, 8, 4, 2, 16, 3),
  features: fc.subarray([VIRTIO_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX]),
  descriptors: fc.array(descriptor, { minLength: 1, maxLength: 16 }),
  /** Mostly valid heads and small counts, so many requests get as far as the device. */
  avail: fc.array(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) }), { minLength: 1, maxLength: 16 }),
  availIdx: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 2 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) }),
  /** A second indirect table's worth of descriptors, reachable through INDIRECT descriptors pointing at it. */
  indirect: fc.array(descriptor, { maxLength: 8 }),
});

function writeDescriptors(machine: Machine, at: bigint, list: { address: bigint; length: number; flags: number; next: number }[]): void {
  const bytes = new Uint8Array(16 * list.length);
  const view = new DataView(bytes.buffer);
  list.forEach((d, i) => {
    view.setBigUint64(16 * i, d.address, true);
    view.setUint32(16 * i + 8, d.length, true);
    view.setUint16(16 * i + 12, d.flags, true);
    view.setUint16(16 * i + 14, d.next, true);
  });
  assert.ok(machine.bus.writeBytes(at + machine.guestRamOffset, bytes));
}

function runScenarios(mode: VirtualizationMode, drive: string): number {
  const machine = new Machine({ memory: ramBytes, kernel: spin, mode, drives: [{ path: drive, readonly: false, snapshot: true }] });
  const slots = machine.virtio.map((_, i) => i).filter((i) => machine.virtio[i].read(Reg.DeviceID, 4) !== 0n);
  assert.ok(slots.length >= 4, "block, rng, console and balloon are on the board");
  const hostLow = ram.base + machine.guestRamOffset;
  const hostHigh = ram.end + machine.guestRamOffset;
  let completed = 0;
  fc.assert(
    fc.property(scenario, (s) => {
      const transport = machine.virtio[slots[s.slotPick % slots.length]];
      const reg = (offset: number, value?: bigint): bigint => {
        if (value === undefined) return transport.read(offset, 4);
        transport.write(offset, 4, value);
        return 0n;
      };
      const queues = [0, 1, 2, 3, 4, 5].filter((q) => (reg(Reg.QueueSel, BigInt(q)), reg(Reg.QueueNumMax) > 0n));
      const queue = queues[s.queuePick % queues.length];
      reg(Reg.Status, 0n);
      reg(Reg.Status, BigInt(Status.ACKNOWLEDGE | Status.DRIVER));
      const features = s.features.reduce((all, f) => all | f, VIRTIO_F_VERSION_1);
      reg(Reg.DriverFeaturesSel, 0n);
      reg(Reg.DriverFeatures, features & 0xffff_ffffn);
      reg(Reg.DriverFeaturesSel, 1n);
      reg(Reg.DriverFeatures, features >> 32n);
      reg(Reg.Status, BigInt(Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK));
      reg(Reg.QueueSel, BigInt(queue));
      // A size above QueueNumMax is ignored by the device (the queue then takes nothing): allowed, not checked below.
      const sizeAccepted = BigInt(s.size) <= reg(Reg.QueueNumMax);
      reg(Reg.QueueNum, BigInt(s.size));
      reg(Reg.QueueDescLow, rings);
      reg(Reg.QueueDriverLow, rings + 0x1000n);
      reg(Reg.QueueDeviceLow, rings + 0x2000n);
      reg(Reg.QueueReady, 1n);
      reg(Reg.Status, BigInt(Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK | Status.DRIVER_OK));
      // INDIRECT descriptors get a real table half the time, so indirect chains are walked too.
      const table = rings + 0x3000n;
      const descriptors = s.descriptors.map((d, i) => ((d.flags & 4) !== 0 && i % 2 === 0 ? { ...d, address: table, length: 16 * s.indirect.length } : d));
      writeDescriptors(machine, rings, descriptors);
      if (s.indirect.length > 0) writeDescriptors(machine, table, s.indirect);
      const avail = new Uint8Array(4 + 2 * s.avail.length);
      const view = new DataView(avail.buffer);
      view.setUint16(2, s.availIdx, true);
      s.avail.forEach((entry, i) => view.setUint16(4 + 2 * i, entry, true));
      machine.bus.writeBytes(rings + 0x1000n + machine.guestRamOffset, avail);
      machine.bus.writeBytes(rings + 0x2000n + machine.guestRamOffset, new Uint8Array(4)); // used idx 0, as after a reset
      const usedBefore = machine.bus.readBytes(rings + 0x2002n + machine.guestRamOffset, 2);

      // Every DMA write goes through the bus: record where it lands.
      const writes: bigint[] = [];
      const writeBytes = machine.bus.writeBytes.bind(machine.bus);
      machine.bus.writeBytes = (at: bigint, bytes: Uint8Array) => {
        writes.push(at, at + BigInt(bytes.length));
        return writeBytes(at, bytes);
      };
      try {
        reg(Reg.QueueNotify, BigInt(queue)); // devices do their work at the notify (deterministic guest time)
      } finally {
        machine.bus.writeBytes = writeBytes;
      }
      // The monitor's own writes (shadow tables) are legitimate: the machine just has to keep running.
      assert.equal(machine.run(2000).reason, "budget");
      for (let i = 0; i < writes.length; i += 2) {
        assert.ok(writes[i] >= hostLow && writes[i + 1] <= hostHigh, `DMA wrote 0x${writes[i].toString(16)}..0x${writes[i + 1].toString(16)}, outside guest RAM`);
      }
      const status = Number(reg(Reg.Status));
      const usedAfter = machine.bus.readBytes(rings + 0x2002n + machine.guestRamOffset, 2);
      const progressed = usedBefore?.join() !== usedAfter?.join();
      if (progressed) completed++;
      // Block and rng answer every request at once: something offered must be completed or refused.
      // Console and balloon may keep buffers (receive queues wait for input), so only safety applies there.
      const deviceId = Number(reg(Reg.DeviceID));
      if ((deviceId === 2 || deviceId === 4) && sizeAccepted && s.availIdx !== 0) {
        assert.ok(progressed || (status & Status.DEVICE_NEEDS_RESET) !== 0, `device ${deviceId} queue ${queue}: neither completed nor DEVICE_NEEDS_RESET`);
      }
      assert.ok((status & Status.FAILED) === 0, "the device never sets FAILED itself");
      assert.ok(machine.power.state === "running");
    }),
    { numRuns: casesPerMode, seed: 0x71e710 + virtualizationModes.indexOf(mode) },
  );
  return completed;
}

describe("virtio queues under random descriptor tables", () => {
  const directory = mkdtempSync(join(tmpdir(), "vmscope-virtio-prop-"));
  const drive = join(directory, "disk.img");
  writeFileSync(drive, new Uint8Array(64 * 1024));
  for (const mode of virtualizationModes) {
    test(`mode ${mode}: ${casesPerMode} random queues complete or ask for a reset, DMA stays in guest RAM`, (t) => {
      const completed = runScenarios(mode, drive);
      t.diagnostic(`${completed} of ${casesPerMode} requests completed, the rest were refused`);
      tally.propertyCases += casesPerMode;
    });
  }
  test("cleanup", () => rmSync(directory, { recursive: true, force: true }));
});
