import { test } from "node:test";
import assert from "node:assert/strict";
import { RecordingIrqLine } from "../testing/fakes";
import { Ram } from "../../bus/ram";
import { FakeDriverQueue, FlatGuestMemory } from "./testing/fake-driver";
import { bringUp, readReg, setUpQueue, writeReg } from "./testing/bring-up";
import { Interrupt, Reg, VirtioMmio, VIRTIO_F_VERSION_1 } from "./virtio-mmio";
import { BalloonQueue, VirtioBalloon, VIRTIO_BALLOON_F_DEFLATE_ON_OOM, VIRTIO_BALLOON_F_STATS_VQ } from "./virtio-balloon";
import { balloonMemory } from "./balloon-memory";

const ramBase = 0x8000_0000n;
const firstPfn = Number(ramBase >> 12n);

function rig(targetPages = 0) {
  const memory = new FlatGuestMemory(ramBase, 0x10_0000);
  // The pages the balloon frees live in a real lazily allocated Ram (16 MiB guest).
  const ram = new Ram(ramBase, 16 * 1024 * 1024);
  const irq = new RecordingIrqLine();
  const balloon = new VirtioBalloon(balloonMemory(ram, { base: ramBase, size: BigInt(ram.size), hostOffset: () => 0n }), targetPages);
  const transport = new VirtioMmio("virtio5", irq, memory, balloon);
  const inflate = new FakeDriverQueue(memory, ramBase, 8);
  const deflate = new FakeDriverQueue(memory, ramBase + 0x4000n, 8);
  const stats = new FakeDriverQueue(memory, ramBase + 0x8000n, 8);
  bringUp(transport, inflate, VIRTIO_F_VERSION_1 | VIRTIO_BALLOON_F_STATS_VQ | VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
  setUpQueue(transport, BalloonQueue.deflate, deflate);
  setUpQueue(transport, BalloonQueue.stats, stats);
  /** Lists frame numbers in one buffer on `queue` and notifies. */
  const send = (queue: FakeDriverQueue, index: number, pfns: number[], at: bigint) => {
    const bytes = new Uint8Array(4 * pfns.length);
    pfns.forEach((pfn, i) => new DataView(bytes.buffer).setUint32(4 * i, pfn, true));
    memory.write(at, bytes);
    queue.offer(queue.chain([{ address: at, length: bytes.length }]));
    writeReg(transport, Reg.QueueNotify, index);
  };
  return { memory, ram, irq, balloon, transport, inflate, deflate, stats, send };
}

test("virtio-balloon is device 5, offers STATS_VQ and DEFLATE_ON_OOM, three queues; config num_pages/actual", () => {
  const { transport, balloon } = rig(300);
  assert.equal(readReg(transport, Reg.DeviceID), 5);
  assert.equal(transport.deviceFeatures & (VIRTIO_BALLOON_F_STATS_VQ | VIRTIO_BALLOON_F_DEFLATE_ON_OOM), VIRTIO_BALLOON_F_STATS_VQ | VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
  assert.equal(transport.read(Reg.Config, 4), 300n, "num_pages is the initial target");
  transport.write(Reg.Config + 4, 4, 12n);
  assert.equal(transport.read(Reg.Config + 4, 4), 12n);
  assert.equal(balloon.actualPages, 12);
  transport.write(Reg.Config, 4, 999n);
  assert.equal(transport.read(Reg.Config, 4), 300n, "num_pages is the host's, the driver cannot write it");
  assert.equal(transport.registerName(Reg.Config + 4, true), "actual");
});

test("a new target bumps ConfigGeneration and raises a config-change interrupt", () => {
  const { transport, balloon, irq } = rig();
  const generation = readReg(transport, Reg.ConfigGeneration);
  balloon.setTarget(512);
  assert.equal(transport.read(Reg.Config, 4), 512n);
  assert.notEqual(readReg(transport, Reg.ConfigGeneration), generation);
  assert.equal(readReg(transport, Reg.InterruptStatus) & Interrupt.CONFIG_CHANGE, Interrupt.CONFIG_CHANGE);
  assert.equal(irq.level, true);
  assert.throws(() => balloon.setTarget(5000), /guest has 4096 pages/);
});

test("inflate frees the host pages behind the frames; deflate gives them back zeroed", () => {
  const { ram, balloon, send, inflate, deflate } = rig();
  const pfns = [firstPfn + 100, firstPfn + 101, firstPfn + 102];
  for (const pfn of pfns) ram.page(pfn - firstPfn).setUint32(0, 0xdeadbeef, true);
  const before = ram.residentPages;
  send(inflate, BalloonQueue.inflate, pfns, ramBase + 0xc000n);
  assert.equal(ram.residentPages, before - 3, "three pages of host memory dropped");
  assert.equal(balloon.heldPages, 3);
  assert.equal(inflate.usedIndex, 1);
  // The guest touches a ballooned page anyway: it reads zero (a fresh page), as under QEMU.
  assert.equal(ram.page(100).getUint32(0, true), 0);
  send(deflate, BalloonQueue.deflate, [firstPfn + 100], ramBase + 0xd000n);
  assert.equal(balloon.heldPages, 2);
  assert.equal(ram.existingPage(100), undefined, "a deflated page comes back unallocated, so zero");
  assert.equal(balloon.counts.inflated, 3);
  assert.equal(balloon.counts.deflated, 1);
});

test("frames outside guest RAM are counted and ignored, never freed", () => {
  const { balloon, send, inflate } = rig();
  send(inflate, BalloonQueue.inflate, [0x10000, firstPfn + 4096, firstPfn], ramBase + 0xc000n);
  assert.equal(balloon.counts.rejected, 2);
  assert.equal(balloon.heldPages, 1);
});

test("the statistics buffer is kept in flight until the device asks for fresh figures", () => {
  const { memory, transport, balloon, stats } = rig();
  const record = new Uint8Array(20);
  const view = new DataView(record.buffer);
  view.setUint16(0, 4, true); // free-memory
  view.setBigUint64(2, 123456789n, true);
  view.setUint16(10, 5, true); // total-memory
  view.setBigUint64(12, 987654321n, true);
  memory.write(ramBase + 0xe000n, record);
  stats.offer(stats.chain([{ address: ramBase + 0xe000n, length: 20 }]));
  writeReg(transport, Reg.QueueNotify, BalloonQueue.stats);
  assert.deepEqual(balloon.stats, { "free-memory": "123456789", "total-memory": "987654321" });
  assert.equal(stats.usedIndex, 0, "the device holds the buffer");
  const queues = transport.snapshot(0n).details?.queues as { inFlight: number }[];
  assert.equal(queues[BalloonQueue.stats].inFlight, 1);
  assert.equal(balloon.requestStats(), true);
  assert.equal(stats.usedIndex, 1, "given back: the driver refills it");
  assert.equal(balloon.requestStats(), false, "nothing held any more");
});

test("a driver reset empties the balloon (every page usable again) but keeps the host's target", () => {
  const { transport, balloon, send, inflate } = rig(64);
  send(inflate, BalloonQueue.inflate, [firstPfn + 1, firstPfn + 2], ramBase + 0xc000n);
  writeReg(transport, Reg.Status, 0);
  assert.equal(balloon.heldPages, 0);
  assert.equal(balloon.target, 64);
});
