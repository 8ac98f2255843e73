import { test } from "node:test";
import assert from "node:assert/strict";
import { RecordingConsole, RecordingIrqLine } from "../testing/fakes";
import { ConsoleInput } from "../../machine/console";
import { FakeDriverQueue, FlatGuestMemory } from "./testing/fake-driver";
import { bringUp, readReg, setUpQueue, writeReg } from "./testing/bring-up";
import { Interrupt, Reg, Status, VirtioMmio, VIRTIO_F_VERSION_1 } from "./virtio-mmio";
import { ConsoleQueue, VirtioConsole, VIRTIO_CONSOLE_F_EMERG_WRITE, VIRTIO_CONSOLE_F_MULTIPORT, VIRTIO_CONSOLE_F_SIZE } from "./virtio-console";

const ramBase = 0x8000_0000n;

function rig() {
  const memory = new FlatGuestMemory(ramBase, 0x10_0000);
  const output = new RecordingConsole();
  const input = new ConsoleInput();
  const irq = new RecordingIrqLine();
  const device = new VirtioConsole(output, input);
  const transport = new VirtioMmio("virtio6", irq, memory, device);
  const receive = new FakeDriverQueue(memory, ramBase, 8);
  const transmit = new FakeDriverQueue(memory, ramBase + 0x4000n, 8);
  return { memory, output, input, irq, device, transport, receive, transmit };
}

/** Brings the console up with both queues ready. */
function ready(r: ReturnType<typeof rig>, features = VIRTIO_F_VERSION_1): void {
  bringUp(r.transport, r.receive, features);
  // bringUp set DRIVER_OK with queue 0 only; a real driver sets every queue up first, which the device does not mind.
  setUpQueue(r.transport, ConsoleQueue.transmit, r.transmit);
}

test("virtio-console is device 3 with two queues, offering SIZE and EMERG_WRITE but not MULTIPORT; config holds 80x25", () => {
  const { transport } = rig();
  assert.equal(readReg(transport, Reg.DeviceID), 3);
  const features = transport.deviceFeatures;
  assert.equal(features & VIRTIO_CONSOLE_F_SIZE, VIRTIO_CONSOLE_F_SIZE);
  assert.equal(features & VIRTIO_CONSOLE_F_EMERG_WRITE, VIRTIO_CONSOLE_F_EMERG_WRITE);
  assert.equal(features & VIRTIO_CONSOLE_F_MULTIPORT, 0n);
  assert.equal(transport.read(Reg.Config, 2), 80n);
  assert.equal(transport.read(Reg.Config + 2, 2), 25n);
  assert.equal(transport.read(Reg.Config + 4, 4), 1n, "max_nr_ports");
  writeReg(transport, Reg.QueueSel, 2);
  assert.equal(readReg(transport, Reg.QueueNumMax), 0, "no third queue without MULTIPORT");
  writeReg(transport, Reg.QueueSel, 1);
  assert.equal(readReg(transport, Reg.QueueNumMax), 128);
  assert.equal(transport.registerName(Reg.Config + 8, true), "emerg_wr");
});

test("a MULTIPORT request is refused: the driver keeps only what was offered", () => {
  const r = rig();
  ready(r, VIRTIO_F_VERSION_1 | VIRTIO_CONSOLE_F_MULTIPORT | VIRTIO_CONSOLE_F_SIZE);
  assert.equal(r.transport.negotiatedFeatures, VIRTIO_F_VERSION_1 | VIRTIO_CONSOLE_F_SIZE);
});

test("transmitq buffers reach the host console in order, one notification for a whole buffer", () => {
  const r = rig();
  ready(r);
  const text = new TextEncoder().encode("hello over virtio\r\n");
  r.memory.write(ramBase + 0x8000n, text.subarray(0, 6));
  r.memory.write(ramBase + 0x9000n, text.subarray(6));
  r.transmit.offer(r.transmit.chain([{ address: ramBase + 0x8000n, length: 6 }, { address: ramBase + 0x9000n, length: text.length - 6 }]));
  writeReg(r.transport, Reg.QueueNotify, ConsoleQueue.transmit);
  assert.equal(Buffer.from(r.output.bytes).toString(), "hello over virtio\r\n");
  assert.equal(r.transmit.usedIndex, 1);
  assert.equal(r.transmit.usedElement(0).length, 0, "the device wrote nothing into a transmit buffer");
  assert.equal(r.device.counts.bytesOut, text.length);
  assert.equal(readReg(r.transport, Reg.InterruptStatus) & Interrupt.USED_BUFFER, Interrupt.USED_BUFFER);
});

test("console input fills receive buffers when the machine polls, with a used-buffer interrupt", () => {
  const r = rig();
  ready(r);
  r.device.pollInput(); // nothing typed, nothing offered: no change
  assert.equal(r.receive.usedIndex, 0);
  r.receive.offer(r.receive.chain([{ address: ramBase + 0xa000n, length: 4, write: true }]));
  r.receive.offer(r.receive.chain([{ address: ramBase + 0xb000n, length: 4, write: true }]));
  writeReg(r.transport, Reg.QueueNotify, ConsoleQueue.receive);
  assert.equal(r.receive.usedIndex, 0, "buffers wait for input");
  r.input.push("abcdef");
  r.device.pollInput();
  assert.equal(r.receive.usedIndex, 2);
  assert.deepEqual(r.receive.usedElement(0), { id: 0, length: 4 });
  assert.deepEqual(r.receive.usedElement(1), { id: 1, length: 2 });
  assert.equal(Buffer.from(r.memory.read(ramBase + 0xa000n, 4)!).toString(), "abcd");
  assert.equal(Buffer.from(r.memory.read(ramBase + 0xb000n, 2)!).toString(), "ef");
  assert.equal(r.irq.level, true);
  assert.equal(r.input.available, 0);
});

test("typed-ahead input goes out as soon as the driver offers a receive buffer", () => {
  const r = rig();
  ready(r);
  r.input.push("x");
  r.device.pollInput();
  r.receive.offer(r.receive.chain([{ address: ramBase + 0xa000n, length: 16, write: true }]));
  writeReg(r.transport, Reg.QueueNotify, ConsoleQueue.receive);
  assert.deepEqual(r.receive.usedElement(0), { id: 0, length: 1 });
});

test("input is left for the UART while the driver has not set the console up", () => {
  const r = rig();
  r.input.push("keep");
  r.device.pollInput();
  assert.equal(r.input.available, 4);
});

test("a receive buffer outside guest RAM puts the console into DEVICE_NEEDS_RESET without throwing", () => {
  const r = rig();
  ready(r);
  r.receive.offer(r.receive.chain([{ address: 0x1000n, length: 4, write: true }]));
  r.input.push("z");
  assert.doesNotThrow(() => r.device.pollInput());
  assert.equal(readReg(r.transport, Reg.Status) & Status.DEVICE_NEEDS_RESET, Status.DEVICE_NEEDS_RESET);
});

test("emerg_wr writes one byte to the console at once", () => {
  const r = rig();
  r.transport.write(Reg.Config + 8, 4, 0x21n);
  assert.deepEqual(r.output.bytes, [0x21]);
  assert.equal(r.transport.read(Reg.Config + 8, 4), 0n, "write-only");
});
