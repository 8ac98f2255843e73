import { test } from "node:test";
import assert from "node:assert/strict";
import { Machine } from "../../machine/machine";
import { memoryMap } from "../../machine/memory-map";
import { Reg, Status, VIRTIO_F_VERSION_1 } from "./virtio-mmio";
import { VIRTQ_DESC_F_WRITE } from "./virtqueue";

/** A kernel that only spins (`j .`): the tests drive the devices from outside. */
const spin = Uint8Array.of(0x01, 0xa0);

function reg(machine: Machine, slot: number, offset: number, value?: number | bigint): number {
  const address = memoryMap.virtio.base + BigInt(slot * memoryMap.virtio.size) + BigInt(offset);
  if (value === undefined) return Number(machine.bus.readPhysical(address, 4));
  machine.bus.writePhysical(address, 4, BigInt(value));
  return 0;
}

/** Sets up queue 0 of `slot` with the rings at guest-physical `base`, as U-Boot's driver would. */
function bringUp(machine: Machine, slot: number, base: bigint): void {
  reg(machine, slot, Reg.Status, 0);
  reg(machine, slot, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER);
  reg(machine, slot, Reg.DriverFeaturesSel, 1);
  reg(machine, slot, Reg.DriverFeatures, VIRTIO_F_VERSION_1 >> 32n);
  reg(machine, slot, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
  reg(machine, slot, Reg.QueueNum, 4);
  reg(machine, slot, Reg.QueueDescLow, base);
  reg(machine, slot, Reg.QueueDriverLow, base + 0x1000n);
  reg(machine, slot, Reg.QueueDeviceLow, base + 0x2000n);
  reg(machine, slot, Reg.QueueReady, 1);
  reg(machine, slot, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK | Status.DRIVER_OK);
}

/** Writes guest-physical memory as the guest sees it (through the machine's RAM offset). */
function guestWrite(machine: Machine, gpa: bigint, bytes: Uint8Array): void {
  assert.ok(machine.bus.writeBytes(gpa + machine.guestRamOffset, bytes));
}

function descriptor(address: bigint, length: number, flags: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(16));
  view.setBigUint64(0, address, true);
  view.setUint32(8, length, true);
  view.setUint16(12, flags, true);
  return new Uint8Array(view.buffer);
}

test("all eight slots are on the bus and in the device tree; without drives rng, console and balloon take the last slots", () => {
  const machine = new Machine({ memory: 16 * 1024 * 1024, kernel: spin });
  assert.equal(machine.virtio.length, 8);
  for (let slot = 0; slot < 8; slot++) {
    assert.equal(reg(machine, slot, Reg.MagicValue), 0x74726976);
    assert.equal(reg(machine, slot, Reg.DeviceID), ({ 7: 4, 6: 3, 5: 5 } as Record<number, number>)[slot] ?? 0);
  }
  const tree = new TextDecoder("latin1").decode(machine.deviceTree);
  for (let slot = 0; slot < 8; slot++) assert.ok(tree.includes(`virtio_mmio@1000${slot + 1}000`), `slot ${slot} in the device tree`);
});

for (const mode of ["none", "trap-and-emulate", "hardware-assisted"] as const) {
  test(`DMA is guest-physical (mode ${mode}): buffers land in guest RAM, never outside it`, () => {
    const machine = new Machine({ memory: 16 * 1024 * 1024, kernel: spin, mode });
    const rings = 0x8080_0000n;
    const buffer = 0x8090_0000n;
    bringUp(machine, 7, rings);
    guestWrite(machine, rings, descriptor(buffer, 16, VIRTQ_DESC_F_WRITE));
    guestWrite(machine, rings + 0x1000n, Uint8Array.of(0, 0, 1, 0, 0, 0)); // avail: idx 1, ring[0] = 0
    reg(machine, 7, Reg.QueueNotify, 0);
    const filled = machine.bus.readBytes(buffer + machine.guestRamOffset, 16)!;
    assert.ok(filled.some((byte) => byte !== 0), "the rng wrote the guest's buffer");
    assert.equal(reg(machine, 7, Reg.Status) & Status.DEVICE_NEEDS_RESET, 0);
    if (machine.guestRamOffset !== 0n) {
      assert.ok(machine.bus.readBytes(buffer, 16)!.every((byte) => byte === 0), "host RAM at the same number is untouched");
    }
    // A buffer below guest RAM (in the monitor's region, under a monitor) is refused.
    guestWrite(machine, rings + 0x10n, descriptor(0x7ff0_0000n, 16, VIRTQ_DESC_F_WRITE));
    guestWrite(machine, rings + 0x1000n, Uint8Array.of(0, 0, 2, 0, 0, 0, 1, 0));
    reg(machine, 7, Reg.QueueNotify, 0);
    assert.equal(reg(machine, 7, Reg.Status) & Status.DEVICE_NEEDS_RESET, Status.DEVICE_NEEDS_RESET);
    assert.equal(machine.run(1000).reason, "budget", "the emulator keeps running");
  });
}

test("drives take the slots from the last one down, then rng, console and balloon", () => {
  const disk = __filename; // any readable regular file will do as an image
  const machine = new Machine({ memory: 16 * 1024 * 1024, kernel: spin, drives: [{ path: disk }, { path: disk, readonly: true }] });
  assert.deepEqual(machine.virtio.map((slot) => slot.device?.typeName ?? "-"), ["-", "-", "-", "virtio-balloon", "virtio-console", "virtio-rng", "virtio-blk", "virtio-blk"]);
  assert.equal(machine.virtio[6].deviceFeatures & (1n << 5n), 1n << 5n, "the second drive, read-only, is in slot 6");
  assert.throws(() => new Machine({ memory: 16 * 1024 * 1024, kernel: spin, drives: Array(6).fill({ path: disk }) }), /at most 5 drives/);
});
