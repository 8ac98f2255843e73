import { test } from "node:test";
import assert from "node:assert/strict";
import type { HypervisorResponse } from "../../debug-adapter/protocol";
import { deviceNodes } from "./devices-model";
import { hypervisorNodes, parseBalloonMib } from "./hypervisor-model";

test("devices: one node per device, registers and queues below with their values", () => {
  const nodes = deviceNodes({
    devices: [
      {
        name: "uart0",
        kind: "ns16550a",
        base: "0x10000000",
        size: "0x100",
        interrupt: 10,
        tree: [
          { name: "registers", children: [{ name: "LSR", value: "0x60", description: "line status" }, { name: "IER", value: "0x01" }] },
          { name: "rx fifo", value: "0 bytes" },
        ],
      },
    ],
  });
  assert.equal(nodes.length, 1);
  const [uart] = nodes;
  assert.equal(uart.label, "uart0");
  assert.equal(uart.description, "ns16550a @ 0x10000000 (256 B) · irq 10");
  assert.deepEqual(uart.children?.map((n) => [n.label, n.description]), [["registers", undefined], ["rx fifo", "0 bytes"]]);
  const registers = uart.children![0];
  assert.deepEqual(registers.children?.map((n) => [n.label, n.description, n.tooltip]), [
    ["LSR", "0x60", "LSR: line status"],
    ["IER", "0x01", undefined],
  ]);
  assert.equal(new Set([uart, ...uart.children!, ...registers.children!].map((n) => n.id)).size, 5, "unique ids");
  assert.deepEqual(deviceNodes({ devices: [] }).map((n) => n.label), ["No devices"]);
});

const hypervisor: HypervisorResponse = {
  mode: "trap-and-emulate",
  vcpus: [{ id: 0, pc: "0x80200010", virtualPrivilege: "S", realPrivilege: "U", instret: 1234, waiting: false }],
  memoryMap: [
    { name: "ram", base: "0x80000000", size: "0x8000000", kind: "ram", hostBase: "0x100000000" },
    { name: "uart0", base: "0x10000000", size: "0x100", kind: "device" },
  ],
  memory: { guestRamBytes: 128 << 20, residentPages: 512, balloonedPages: 0, pageSize: 4096 },
  balloon: { present: true, targetPages: 4096, actualPages: 1024 },
  instret: 1234,
  exits: 56,
};

test("hypervisor: mode, vCPUs with real and virtual privilege, memory map, memory, balloon", () => {
  const nodes = hypervisorNodes(hypervisor);
  assert.deepEqual(nodes.map((n) => n.label), ["Mode: trap-and-emulate", "vCPUs", "Memory map", "Memory", "Balloon", "Totals"]);
  const vcpu = nodes[1].children![0];
  assert.equal(vcpu.label, "vCPU 0");
  assert.equal(vcpu.description, "S (really U) · pc 0x80200010");
  assert.deepEqual(vcpu.children?.slice(0, 2).map((n) => [n.label, n.description]), [["Virtual privilege", "S"], ["Real privilege", "U"]]);
  assert.deepEqual(nodes[2].children?.map((n) => n.description), ["0x80000000–0x87ffffff ram 128 MiB → host 0x100000000", "0x10000000–0x100000ff device 256 B"]);
  assert.equal(nodes[3].description, "2 MiB resident of 128 MiB");
  assert.equal(nodes[4].contextValue, "balloon", "the Set Balloon Target button shows on it");
  assert.equal(nodes[4].description, "target 4096 pages · actual 1024 pages");
  assert.equal(nodes[5].description, "1234 instructions · 56 exits");
  const none = hypervisorNodes({ ...hypervisor, balloon: { present: false, targetPages: 0, actualPages: 0 } });
  assert.equal(none[4].description, "no virtio-balloon device");
  assert.equal(none[4].contextValue, "balloonAbsent");
});

test("balloon input: whole MiB, optional unit; anything else explains itself", () => {
  assert.equal(parseBalloonMib("16"), 16);
  assert.equal(parseBalloonMib(" 32 MiB"), 32);
  assert.equal(parseBalloonMib("0"), 0);
  assert.match(String(parseBalloonMib("-1")), /whole number of MiB/);
  assert.match(String(parseBalloonMib("1.5")), /whole number/);
  assert.match(String(parseBalloonMib("")), /whole number/);
});
