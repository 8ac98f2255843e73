/**
 * DMA safety on the whole machine, one test per bad-descriptor case and
 * mode: the driver's queue is in guest RAM (relocated under a monitor),
 * the rng is told to use a malformed chain, and what the guest then sees
 * through its own registers is DEVICE_NEEDS_RESET with a config-change
 * interrupt pending at the PLIC; nothing outside guest RAM was written,
 * and the machine keeps running.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Machine, virtualizationModes } from "../../vmm-core/machine/machine";
import { memoryMap, irqNumbers } from "../../vmm-core/machine/memory-map";
import { Interrupt, Reg, Status, VIRTIO_F_VERSION_1 } from "../../vmm-core/devices/virtio/virtio-mmio";
import { maxChainBytes, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from "../../vmm-core/devices/virtio/virtqueue";

/** `j .`: the tests drive the devices from outside. */
const spin = Uint8Array.of(0x01, 0xa0);
const rngSlot = 7;
const rings = 0x8080_0000n;
const buffer = 0x8090_0000n;
const queueSize = 4;

function reg(machine: Machine, offset: number, value?: number | bigint): number {
  const address = memoryMap.virtio.base + BigInt(rngSlot * memoryMap.virtio.size) + BigInt(offset);
  if (value === undefined) return Number(machine.bus.readPhysical(address, 4));
  machine.bus.writePhysical(address, 4, BigInt(value));
  return 0;
}

function descriptor(machine: Machine, index: number, address: bigint, length: number, flags: number, next = 0): void {
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, address, true);
  view.setUint32(8, length, true);
  view.setUint16(12, flags, true);
  view.setUint16(14, next, true);
  assert.ok(machine.bus.writeBytes(rings + BigInt(16 * index) + machine.guestRamOffset, bytes));
}

/** The driver's side: queue 0 of the rng at `rings`, ready, DRIVER_OK. */
function bringUp(machine: Machine): void {
  reg(machine, Reg.Status, 0);
  reg(machine, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER);
  reg(machine, Reg.DriverFeaturesSel, 1);
  reg(machine, Reg.DriverFeatures, VIRTIO_F_VERSION_1 >> 32n);
  reg(machine, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
  reg(machine, Reg.QueueNum, queueSize);
  reg(machine, Reg.QueueDescLow, rings);
  reg(machine, Reg.QueueDriverLow, rings + 0x1000n);
  reg(machine, Reg.QueueDeviceLow, rings + 0x2000n);
  reg(machine, Reg.QueueReady, 1);
  reg(machine, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK | Status.DRIVER_OK);
}

/** Offers descriptor 0 on the available ring. */
function offer(machine: Machine): void {
  assert.ok(machine.bus.writeBytes(rings + 0x1000n + machine.guestRamOffset, Uint8Array.of(0, 0, 1, 0, 0, 0)));
}

const cases: { name: string; build: (machine: Machine) => void }[] = [
  { name: "a buffer address outside guest RAM (the UART's MMIO)", build: (m) => descriptor(m, 0, memoryMap.uart0.base, 16, VIRTQ_DESC_F_WRITE) },
  { name: "a buffer below guest RAM (the monitor's region when virtualized)", build: (m) => descriptor(m, 0, memoryMap.dram.base - 0x1000n, 16, VIRTQ_DESC_F_WRITE) },
  {
    name: "a loop in the descriptor chain",
    build: (m) => {
      descriptor(m, 0, buffer, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
      descriptor(m, 1, buffer + 8n, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
    },
  },
  { name: "a length beyond the chain limit", build: (m) => descriptor(m, 0, buffer, maxChainBytes + 1, VIRTQ_DESC_F_WRITE) },
  { name: "a next index out of range", build: (m) => descriptor(m, 0, buffer, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, queueSize) },
];

for (const mode of virtualizationModes) {
  for (const bad of cases) {
    test(`${bad.name} (mode ${mode}): the guest sees DEVICE_NEEDS_RESET, the emulator runs on`, () => {
      const machine = new Machine({ memory: 16 * 1024 * 1024, kernel: spin, mode });
      bringUp(machine);
      bad.build(machine);
      offer(machine);
      const uartBefore = machine.uart.snapshot(memoryMap.uart0.base);
      assert.doesNotThrow(() => reg(machine, Reg.QueueNotify, 0));
      assert.equal(reg(machine, Reg.Status) & Status.DEVICE_NEEDS_RESET, Status.DEVICE_NEEDS_RESET);
      assert.equal(reg(machine, Reg.InterruptStatus) & Interrupt.CONFIG_CHANGE, Interrupt.CONFIG_CHANGE);
      const plic = machine.plic.snapshot(memoryMap.plic.base).details as { pending: number[] };
      assert.ok(plic.pending.includes(irqNumbers.virtioFirst + rngSlot), "the interrupt is pending at the PLIC");
      assert.ok(machine.virtio[rngSlot].lastError, "the reason is logged for the Devices view");
      assert.deepEqual(machine.uart.snapshot(memoryMap.uart0.base), uartBefore, "no DMA reached the UART");
      assert.equal(machine.run(10_000).reason, "budget", "the emulator keeps running");
      // A driver reset brings it back.
      reg(machine, Reg.Status, 0);
      assert.equal(reg(machine, Reg.Status), 0);
    });
  }
}
