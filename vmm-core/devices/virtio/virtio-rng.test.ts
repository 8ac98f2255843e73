import { test } from "node:test";
import assert from "node:assert/strict";
import { RecordingIrqLine } from "../testing/fakes";
import { FakeDriverQueue, FlatGuestMemory } from "./testing/fake-driver";
import { bringUp, writeReg } from "./testing/bring-up";
import { Reg, VirtioMmio, VIRTIO_F_VERSION_1 } from "./virtio-mmio";
import { VirtioRng, type RandomSource } from "./virtio-rng";

const ramBase = 0x8000_0000n;

/** 64 bytes from a fresh rng of `source`. */
function draw(source: RandomSource): Uint8Array {
  const memory = new FlatGuestMemory(ramBase, 0x10_0000);
  const rng = new VirtioRng(source);
  const transport = new VirtioMmio("virtio-rng", new RecordingIrqLine(), memory, rng);
  const queue = new FakeDriverQueue(memory, ramBase, 8);
  bringUp(transport, queue, VIRTIO_F_VERSION_1);
  queue.offer(queue.chain([{ address: ramBase + 0x8000n, length: 64, write: true }]));
  writeReg(transport, Reg.QueueNotify, 0);
  assert.equal(queue.usedElement(0).length, 64);
  assert.equal(rng.bytesServed, 64);
  return memory.read(ramBase + 0x8000n, 64)!;
}

test("--rng host: real randomness, different on every device and from the seeded stream", () => {
  const seeded = draw("seeded");
  const a = draw("host");
  const b = draw("host");
  assert.notDeepEqual(a, b, "two host-random draws of 64 bytes differ");
  assert.notDeepEqual(a, seeded);
  assert.deepEqual(draw("seeded"), seeded, "the default stays repeatable");
  assert.ok(new Set(a).size > 16, "not a constant pattern");
});

test("the Devices view says where the bytes come from", () => {
  assert.equal(new VirtioRng("host").describe()[0].value, "host");
  assert.equal(new VirtioRng().describe()[0].name, "seed");
});
