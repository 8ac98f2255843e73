import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeDriverQueue, FlatGuestMemory } from "./testing/fake-driver";
import { gatherReadable, scatterWritable, Virtqueue, VIRTQ_AVAIL_F_NO_INTERRUPT, type QueueFeatures } from "./virtqueue";
import { defaultRngSeed, SplitMix64 } from "./virtio-rng";

const ramBase = 0x8000_0000n;

function rig(features: QueueFeatures = { indirect: false, eventIdx: false }, size = 8) {
  const memory = new FlatGuestMemory(ramBase, 0x10_0000);
  const driver = new FakeDriverQueue(memory, ramBase, size);
  const queue = new Virtqueue(size, memory, () => features);
  queue.size = size;
  queue.descriptorTable = driver.desc;
  queue.driverArea = driver.avail;
  queue.deviceArea = driver.used;
  queue.ready = true;
  return { memory, driver, queue };
}

test("a single direct descriptor: popped, written, pushed to the used ring", () => {
  const { memory, driver, queue } = rig();
  assert.equal(queue.pop(), undefined, "nothing offered yet");
  driver.offer(driver.chain([{ address: ramBase + 0x8000n, length: 4, write: true }]));
  const chain = queue.pop();
  assert.ok(chain);
  assert.deepEqual(chain.writable, [{ address: ramBase + 0x8000n, length: 4 }]);
  assert.equal(scatterWritable(memory, chain, Uint8Array.of(1, 2, 3, 4, 5)), 4, "only what fits");
  queue.push(chain, 4);
  assert.equal(driver.usedIndex, 1);
  assert.deepEqual(driver.usedElement(0), { id: chain.head, length: 4 });
  assert.deepEqual([...memory.read(ramBase + 0x8000n, 4)!], [1, 2, 3, 4]);
  assert.equal(queue.pop(), undefined);
});

test("a NEXT chain keeps readable before writable and gathers/scatters across descriptors", () => {
  const { memory, driver, queue } = rig();
  memory.write(ramBase + 0x8000n, Uint8Array.of(10, 11, 12));
  memory.write(ramBase + 0x8100n, Uint8Array.of(13, 14));
  driver.offer(
    driver.chain([
      { address: ramBase + 0x8000n, length: 3 },
      { address: ramBase + 0x8100n, length: 2 },
      { address: ramBase + 0x9000n, length: 2, write: true },
      { address: ramBase + 0x9100n, length: 3, write: true },
    ]),
  );
  const chain = queue.pop()!;
  assert.equal(chain.readable.length, 2);
  assert.equal(chain.writable.length, 2);
  assert.deepEqual([...gatherReadable(memory, chain)], [10, 11, 12, 13, 14]);
  scatterWritable(memory, chain, Uint8Array.of(1, 2, 3, 4, 5));
  assert.deepEqual([...memory.read(ramBase + 0x9000n, 2)!], [1, 2]);
  assert.deepEqual([...memory.read(ramBase + 0x9100n, 3)!], [3, 4, 5]);
  scatterWritable(memory, chain, Uint8Array.of(9), 4);
  assert.equal(memory.read(ramBase + 0x9102n, 1)![0], 9, "offsets count across segments");
});

test("an indirect table is followed when INDIRECT_DESC is negotiated", () => {
  const { driver, queue } = rig({ indirect: true, eventIdx: false });
  const head = driver.indirectChain(ramBase + 0xa000n, [
    { address: ramBase + 0x8000n, length: 16 },
    { address: ramBase + 0x8100n, length: 512, write: true },
    { address: ramBase + 0x8400n, length: 1, write: true },
  ]);
  driver.offer(head);
  const chain = queue.pop()!;
  assert.equal(chain.head, head);
  assert.deepEqual(chain.readable, [{ address: ramBase + 0x8000n, length: 16 }]);
  assert.deepEqual(chain.writable.map((s) => s.length), [512, 1]);
});

test("chains are taken in ring order and the ring index wraps", () => {
  const { driver, queue } = rig({ indirect: false, eventIdx: false }, 2);
  for (let round = 0; round < 5; round++) {
    const heads = [0, 1];
    for (const head of heads) driver.writeDescriptor(head, ramBase + 0x8000n + BigInt(head * 0x100), 8, 2, 0);
    for (const head of heads) driver.offer(head);
    assert.deepEqual([queue.pop()!.head, queue.pop()!.head], heads);
    assert.equal(queue.pop(), undefined);
  }
});

test("without EVENT_IDX, avail.flags NO_INTERRUPT suppresses the interrupt", () => {
  const { driver, queue } = rig();
  driver.offer(driver.chain([{ address: ramBase + 0x8000n, length: 1, write: true }]));
  queue.push(queue.pop()!, 1);
  assert.equal(queue.shouldInterrupt(), true);
  assert.equal(queue.shouldInterrupt(), false, "nothing new since the last decision");
  driver.setAvailFlags(VIRTQ_AVAIL_F_NO_INTERRUPT);
  driver.offer(driver.chain([{ address: ramBase + 0x8000n, length: 1, write: true }]));
  queue.push(queue.pop()!, 1);
  assert.equal(queue.shouldInterrupt(), false);
});

test("with EVENT_IDX, used_event decides the interrupt and avail_event is published", () => {
  const { driver, queue } = rig({ indirect: false, eventIdx: true });
  const serve = () => {
    driver.offer(driver.chain([{ address: ramBase + 0x8000n, length: 1, write: true }]));
    queue.push(queue.pop()!, 1);
  };
  driver.setUsedEvent(1); // interrupt me when used idx passes 1, i.e. after the second buffer
  serve();
  assert.equal(driver.availEvent, 1, "the device asks to be notified after avail idx 1");
  assert.equal(queue.shouldInterrupt(), false, "used idx 1 has not passed used_event 1");
  serve();
  assert.equal(queue.shouldInterrupt(), true, "used idx 2 passed used_event 1");
  serve();
  assert.equal(queue.shouldInterrupt(), false, "used_event still 1: already signalled");
  // NO_INTERRUPT is ignored under EVENT_IDX.
  driver.setAvailFlags(VIRTQ_AVAIL_F_NO_INTERRUPT);
  driver.setUsedEvent(3);
  serve();
  assert.equal(queue.shouldInterrupt(), true);
});

test("the rng generator is SplitMix64 with a fixed default seed: repeatable, and not constant", () => {
  const a = new SplitMix64(defaultRngSeed);
  const b = new SplitMix64(defaultRngSeed);
  const x = new Uint8Array(37);
  const y = new Uint8Array(37);
  a.fill(x);
  b.fill(y);
  assert.deepEqual(x, y);
  assert.ok(new Set(x).size > 20);
  // SplitMix64's published first output for seed 0.
  assert.equal(new SplitMix64(0n).next(), 0xe220a8397b1dcdafn);
});
