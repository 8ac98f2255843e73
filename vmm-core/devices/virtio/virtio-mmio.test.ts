import { test } from "node:test";
import assert from "node:assert/strict";
import { RecordingIrqLine } from "../testing/fakes";
import { FakeDriverQueue, FlatGuestMemory } from "./testing/fake-driver";
import { bringUp, readReg, writeReg } from "./testing/bring-up";
import { Interrupt, Reg, Status, VirtioMmio, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1, VIRTIO_MMIO_MAGIC, VIRTIO_RING_F_EVENT_IDX } from "./virtio-mmio";
import { VirtioRng } from "./virtio-rng";
import { VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from "./virtqueue";

const ramBase = 0x8000_0000n;

function rig() {
  const memory = new FlatGuestMemory(ramBase, 0x10_0000);
  const irq = new RecordingIrqLine();
  const transport = new VirtioMmio("virtio7", irq, memory, new VirtioRng());
  const queue = new FakeDriverQueue(memory, ramBase, 8);
  return { memory, irq, transport, queue };
}

test("identification registers: magic, version 2, QEMU's vendor, device ID; an empty slot reads ID 0", () => {
  const { transport } = rig();
  assert.equal(readReg(transport, Reg.MagicValue), VIRTIO_MMIO_MAGIC);
  assert.equal(readReg(transport, Reg.Version), 2);
  assert.equal(readReg(transport, Reg.DeviceID), 4);
  assert.equal(readReg(transport, Reg.VendorID), 0x554d4551);
  const empty = new VirtioMmio("virtio0", new RecordingIrqLine(), new FlatGuestMemory(ramBase, 16), undefined);
  assert.equal(readReg(empty, Reg.MagicValue), VIRTIO_MMIO_MAGIC);
  assert.equal(readReg(empty, Reg.Version), 2);
  assert.equal(readReg(empty, Reg.DeviceID), 0);
  assert.equal(readReg(empty, Reg.QueueNumMax), 0);
  writeReg(empty, Reg.Status, Status.ACKNOWLEDGE);
  assert.equal(readReg(empty, Reg.Status), 0, "an empty slot ignores writes");
});

test("device features are paged by DeviceFeaturesSel and include VERSION_1, INDIRECT_DESC and EVENT_IDX", () => {
  const { transport } = rig();
  writeReg(transport, Reg.DeviceFeaturesSel, 0);
  const low = BigInt(readReg(transport, Reg.DeviceFeatures));
  writeReg(transport, Reg.DeviceFeaturesSel, 1);
  const high = BigInt(readReg(transport, Reg.DeviceFeatures));
  const features = low | (high << 32n);
  assert.equal(features & VIRTIO_F_VERSION_1, VIRTIO_F_VERSION_1);
  assert.equal(features & VIRTIO_F_INDIRECT_DESC, VIRTIO_F_INDIRECT_DESC);
  assert.equal(features & VIRTIO_RING_F_EVENT_IDX, VIRTIO_RING_F_EVENT_IDX);
  writeReg(transport, Reg.DeviceFeaturesSel, 2);
  assert.equal(readReg(transport, Reg.DeviceFeatures), 0);
});

test("FEATURES_OK does not stick without VERSION_1; it does with it; status 0 resets everything", () => {
  const { transport, queue } = rig();
  writeReg(transport, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER);
  writeReg(transport, Reg.DriverFeaturesSel, 0);
  writeReg(transport, Reg.DriverFeatures, 0);
  writeReg(transport, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
  assert.equal(readReg(transport, Reg.Status) & Status.FEATURES_OK, 0, "a legacy driver is refused");

  bringUp(transport, queue, VIRTIO_F_VERSION_1);
  assert.equal(readReg(transport, Reg.Status), Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK | Status.DRIVER_OK);
  assert.equal(readReg(transport, Reg.QueueReady), 1);
  assert.equal(readReg(transport, Reg.QueueNumMax), 8);
  assert.equal(transport.negotiatedFeatures, VIRTIO_F_VERSION_1);
  writeReg(transport, Reg.Status, 0);
  assert.equal(readReg(transport, Reg.Status), 0);
  assert.equal(readReg(transport, Reg.QueueReady), 0);
  assert.equal(transport.negotiatedFeatures, 0n);
  assert.equal(transport.queue(0)?.descriptorTable, 0n);
});

test("the driver cannot accept features the device does not offer", () => {
  const { transport } = rig();
  writeReg(transport, Reg.DriverFeaturesSel, 0);
  writeReg(transport, Reg.DriverFeatures, 0xffff_ffff);
  writeReg(transport, Reg.DriverFeaturesSel, 1);
  writeReg(transport, Reg.DriverFeatures, 0xffff_ffff);
  assert.equal(transport.negotiatedFeatures, transport.deviceFeatures);
});

test("queue addresses are 64-bit from low/high halves and fixed once the queue is ready", () => {
  const { transport } = rig();
  writeReg(transport, Reg.QueueSel, 0);
  writeReg(transport, Reg.QueueDescLow, 0x1234_5000);
  writeReg(transport, Reg.QueueDescHigh, 0x1);
  writeReg(transport, Reg.QueueNum, 4);
  writeReg(transport, Reg.QueueReady, 1);
  writeReg(transport, Reg.QueueDescLow, 0);
  writeReg(transport, Reg.QueueNum, 2);
  assert.equal(transport.queue(0)?.descriptorTable, 0x1_1234_5000n);
  assert.equal(transport.queue(0)?.size, 4);
  writeReg(transport, Reg.QueueSel, 5);
  assert.equal(readReg(transport, Reg.QueueNumMax), 0, "no such queue");
});

test("QueueNotify serves the queue synchronously; InterruptStatus/ACK drive the IRQ line", () => {
  const { transport, queue, irq } = rig();
  bringUp(transport, queue, VIRTIO_F_VERSION_1);
  queue.offer(queue.chain([{ address: ramBase + 0x8000n, length: 32, write: true }]));
  writeReg(transport, Reg.QueueNotify, 0);
  assert.equal(queue.usedIndex, 1);
  assert.deepEqual(queue.usedElement(0), { id: 0, length: 32 });
  assert.equal(readReg(transport, Reg.InterruptStatus), Interrupt.USED_BUFFER);
  assert.equal(irq.level, true);
  writeReg(transport, Reg.InterruptACK, Interrupt.USED_BUFFER);
  assert.equal(readReg(transport, Reg.InterruptStatus), 0);
  assert.equal(irq.level, false);
});

test("ConfigGeneration reads 0 and config space of a device without one reads 0", () => {
  const { transport } = rig();
  assert.equal(readReg(transport, Reg.ConfigGeneration), 0);
  assert.equal(transport.read(Reg.Config, 4), 0n);
  assert.equal(transport.registerName(Reg.QueueNotify, true), "QueueNotify");
  assert.equal(transport.registerName(0x104, false), "config+0x4");
});

/** Each malformed queue puts the device into DEVICE_NEEDS_RESET with a config-change interrupt, and never throws. */
const badQueues: { name: string; build: (q: FakeDriverQueue) => void; features?: bigint }[] = [
  { name: "a buffer outside guest RAM", build: (q) => q.offer(q.chain([{ address: 0x1000_0000n, length: 16, write: true }])) },
  { name: "a buffer running off the end of guest RAM", build: (q) => q.offer(q.chain([{ address: ramBase + 0xf_fff0n, length: 0x100, write: true }])) },
  {
    name: "a chain that loops",
    build: (q) => {
      q.writeDescriptor(0, ramBase + 0x8000n, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
      q.writeDescriptor(1, ramBase + 0x8100n, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
      q.offer(0);
    },
  },
  {
    name: "a NEXT index beyond the table",
    build: (q) => {
      q.writeDescriptor(0, ramBase + 0x8000n, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 200);
      q.offer(0);
    },
  },
  { name: "a length beyond the chain limit", build: (q) => q.offer(q.chain([{ address: ramBase, length: 0xffff_ffff, write: true }])) },
  {
    name: "an INDIRECT descriptor when INDIRECT_DESC was not negotiated",
    build: (q) => q.offer(q.indirectChain(ramBase + 0x9000n, [{ address: ramBase + 0x8000n, length: 8, write: true }])),
  },
  {
    name: "an indirect table outside guest RAM",
    features: VIRTIO_F_INDIRECT_DESC,
    build: (q) => {
      q.writeDescriptor(0, 0x2000_0000n, 32, VIRTQ_DESC_F_INDIRECT, 0);
      q.offer(0);
    },
  },
  {
    name: "a nested indirect table",
    features: VIRTIO_F_INDIRECT_DESC,
    build: (q) => {
      q.writeDescriptor(0, ramBase + 0x9000n, 16, VIRTQ_DESC_F_INDIRECT, 0, ramBase + 0x9000n);
      q.writeDescriptor(0, ramBase + 0x9000n, 16, VIRTQ_DESC_F_INDIRECT, 0);
      q.offer(0);
    },
  },
  { name: "an avail.idx too far ahead", build: (q) => q.memory.setU16(q.avail + 2n, 100) },
];

for (const bad of badQueues) {
  test(`DEVICE_NEEDS_RESET on ${bad.name}`, () => {
    const { transport, queue, irq } = rig();
    bringUp(transport, queue, VIRTIO_F_VERSION_1 | (bad.features ?? 0n));
    bad.build(queue);
    assert.doesNotThrow(() => writeReg(transport, Reg.QueueNotify, 0));
    assert.equal(readReg(transport, Reg.Status) & Status.DEVICE_NEEDS_RESET, Status.DEVICE_NEEDS_RESET);
    assert.equal(readReg(transport, Reg.InterruptStatus) & Interrupt.CONFIG_CHANGE, Interrupt.CONFIG_CHANGE);
    assert.equal(irq.level, true);
    assert.ok(transport.lastError, "the reason is kept for the Devices view");
    // The device stays stopped until the driver resets it, then works again.
    writeReg(transport, Reg.QueueNotify, 0);
    writeReg(transport, Reg.Status, 0);
    assert.equal(readReg(transport, Reg.Status), 0);
    const fresh = new FakeDriverQueue(queue.memory, ramBase + 0x4_0000n, 8);
    bringUp(transport, fresh, VIRTIO_F_VERSION_1);
    fresh.offer(fresh.chain([{ address: ramBase + 0x8000n, length: 4, write: true }]));
    writeReg(transport, Reg.QueueNotify, 0);
    assert.equal(fresh.usedIndex, 1);
  });
}

test("snapshot describes the transport without side effects", () => {
  const { transport, queue } = rig();
  bringUp(transport, queue, VIRTIO_F_VERSION_1);
  const before = readReg(transport, Reg.InterruptStatus);
  const snapshot = transport.snapshot(0x1000_8000n);
  assert.equal(snapshot.kind, "virtio-mmio");
  assert.equal(snapshot.registers.find((r) => r.name === "DeviceID")?.value, 4);
  assert.equal(readReg(transport, Reg.InterruptStatus), before);
});
