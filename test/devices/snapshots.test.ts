/**
 * machine.deviceSnapshots(): every device as the Devices view shows it,
 * in the adapter's DeviceSnapshotInfo shape, read without side effects.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Machine } from "../../vmm-core/machine/machine";
import { memoryMap } from "../../vmm-core/machine/memory-map";
import type { DeviceNode, DeviceSnapshotInfo } from "../../debug-adapter/protocol";
import { Reg } from "../../vmm-core/devices/virtio/virtio-mmio";

const spin = Uint8Array.of(0x01, 0xa0);

function find(nodes: DeviceNode[] | undefined, path: string[]): DeviceNode | undefined {
  let node: DeviceNode | undefined;
  let level = nodes;
  for (const name of path) {
    node = level?.find((candidate) => candidate.name === name);
    level = node?.children;
  }
  return node;
}

test("every device is listed in the adapter's shape, with its PLIC source; empty virtio slots are left out", () => {
  const machine = new Machine({ memory: 16 * 1024 * 1024, kernel: spin, drives: [{ path: __filename, readonly: true }] });
  const infos: DeviceSnapshotInfo[] = machine.deviceSnapshots();
  const names = infos.map((info) => info.name);
  for (const name of ["uart0", "plic", "clint", "test", "virtio-balloon@10005000", "virtio-console@10006000", "virtio-rng@10007000", "virtio-blk@10008000"]) {
    assert.ok(names.includes(name), `${name} in ${names.join(", ")}`);
  }
  assert.equal(names.filter((name) => name.startsWith("virtio")).length, 4, "empty slots are not listed");
  assert.equal(infos.find((info) => info.name === "uart0")?.interrupt, 10);
  assert.equal(infos.find((info) => info.name === "virtio-blk@10008000")?.interrupt, 8);
  assert.equal(infos.find((info) => info.name === "uart0")?.base, "0x10000000");
  // Plain JSON: no bigint anywhere.
  assert.doesNotThrow(() => JSON.stringify(infos));
});

test("the tree holds what the views need: UART FIFO, PLIC contexts, CLINT timer, virtio status, features and queues", () => {
  const machine = new Machine({ memory: 16 * 1024 * 1024, kernel: spin });
  const bus = machine.bus;
  // A driver that set up the console's transmit queue (no drives: the console sits in slot 6, 0x10007000).
  const console = memoryMap.virtio.base + 6n * 0x1000n;
  bus.writePhysical(console + BigInt(Reg.Status), 4, 3n);
  bus.writePhysical(console + BigInt(Reg.QueueSel), 4, 1n);
  bus.writePhysical(console + BigInt(Reg.QueueNum), 4, 8n);
  bus.writePhysical(console + BigInt(Reg.QueueDescLow), 4, 0x8010_0000n);
  bus.writePhysical(console + BigInt(Reg.QueueReady), 4, 1n);
  const infos = machine.deviceSnapshots();
  const tree = (name: string) => infos.find((info) => info.name === name)!.tree;
  assert.ok(find(tree("uart0"), ["registers", "LSR"]));
  assert.equal(find(tree("uart0"), ["rxFifo"])?.value, "[]");
  assert.ok(find(tree("plic"), ["contexts", "context 1", "threshold"]));
  assert.ok(find(tree("plic"), ["contexts", "context 0", "claimed"]));
  assert.ok(find(tree("clint"), ["registers", "mtimecmp[0]"]));
  assert.ok(find(tree("clint"), ["registers", "msip[0]"]));
  assert.ok(find(tree("clint"), ["registers", "mtime"]));
  const virtio = tree("virtio-console@10007000");
  assert.equal(find(virtio, ["registers", "Status"])?.value, "0x3");
  assert.match(find(virtio, ["registers", "DeviceFeatures"])?.value ?? "", /^0x1/, "VERSION_1 (bit 32) among the offered features");
  assert.ok(find(virtio, ["registers", "DriverFeatures"]));
  assert.equal(find(virtio, ["queues", "queue 1", "desc"])?.value, "0x80100000");
  assert.equal(find(virtio, ["queues", "queue 1", "size"])?.value, "8");
  assert.equal(find(virtio, ["queues", "queue 1", "inFlight"])?.value, "0");
  assert.ok(find(virtio, ["queues", "queue 1", "lastAvailIndex"]));
  assert.ok(find(virtio, ["queues", "queue 1", "usedIndex"]));
});

test("taking snapshots changes nothing the guest can see", () => {
  const machine = new Machine({ memory: 16 * 1024 * 1024, kernel: spin });
  const bus = machine.bus;
  // A byte waiting in the UART and a pending PLIC source the guest has not claimed.
  bus.writePhysical(memoryMap.uart0.base + 1n, 1, 1n); // IER: receive interrupt
  machine.input.push("k");
  machine.run(200_000);
  const lsr = bus.readPhysical(memoryMap.uart0.base + 5n, 1);
  const first = JSON.stringify(machine.deviceSnapshots());
  const second = JSON.stringify(machine.deviceSnapshots());
  assert.equal(first, second);
  assert.equal(bus.readPhysical(memoryMap.uart0.base + 5n, 1), lsr, "LSR unchanged");
  assert.equal(bus.readPhysical(memoryMap.uart0.base, 1), BigInt("k".charCodeAt(0)), "the byte is still there for the guest");
});
