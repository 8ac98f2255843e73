/**
 * virtio-console on the board: typed input (the same queue the UART
 * drains) reaches the receive buffers the driver posted while the guest
 * runs, with the used-buffer interrupt pending at the PLIC; a guest that
 * never set the console up leaves the input to the UART.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Machine } from "../../vmm-core/machine/machine";
import { irqNumbers, memoryMap } from "../../vmm-core/machine/memory-map";
import { Reg, Status, VIRTIO_F_VERSION_1 } from "../../vmm-core/devices/virtio/virtio-mmio";
import { VIRTQ_DESC_F_WRITE } from "../../vmm-core/devices/virtio/virtqueue";

const spin = Uint8Array.of(0x01, 0xa0);
/** Without drives the console sits in slot 6. */
const slot = 6;
const rings = 0x8080_0000n;
const buffer = 0x8090_0000n;

function reg(machine: Machine, offset: number, value: number | bigint): void {
  machine.bus.writePhysical(memoryMap.virtio.base + BigInt(slot * memoryMap.virtio.size) + BigInt(offset), 4, BigInt(value));
}

for (const mode of ["none", "trap-and-emulate"] as const) {
  test(`typed input fills the console's receive buffer as the guest runs (mode ${mode})`, () => {
    const machine = new Machine({ memory: 16 * 1024 * 1024, kernel: spin, mode });
    const write = (gpa: bigint, bytes: Uint8Array) => assert.ok(machine.bus.writeBytes(gpa + machine.guestRamOffset, bytes));
    machine.input.push("ls\r");
    machine.run(200_000);
    assert.equal(machine.input.available, 3, "no driver yet: the input waits (for the UART or the console)");
    reg(machine, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER);
    reg(machine, Reg.DriverFeaturesSel, 1);
    reg(machine, Reg.DriverFeatures, VIRTIO_F_VERSION_1 >> 32n);
    reg(machine, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
    reg(machine, Reg.QueueSel, 0);
    reg(machine, Reg.QueueNum, 4);
    reg(machine, Reg.QueueDescLow, rings);
    reg(machine, Reg.QueueDriverLow, rings + 0x1000n);
    reg(machine, Reg.QueueDeviceLow, rings + 0x2000n);
    reg(machine, Reg.QueueReady, 1);
    reg(machine, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK | Status.DRIVER_OK);
    const descriptor = new DataView(new ArrayBuffer(16));
    descriptor.setBigUint64(0, buffer, true);
    descriptor.setUint32(8, 64, true);
    descriptor.setUint16(12, VIRTQ_DESC_F_WRITE, true);
    write(rings, new Uint8Array(descriptor.buffer));
    write(rings + 0x1000n, Uint8Array.of(0, 0, 1, 0, 0, 0)); // avail: idx 1, ring[0] = 0
    machine.run(200_000);
    assert.equal(machine.input.available, 0);
    const used = machine.bus.readBytes(rings + 0x2000n + machine.guestRamOffset, 12)!;
    assert.equal(used[2], 1, "used.idx");
    assert.equal(new DataView(used.buffer).getUint32(8, true), 3, "three bytes in the buffer");
    assert.equal(Buffer.from(machine.bus.readBytes(buffer + machine.guestRamOffset, 3)!).toString(), "ls\r");
    const plic = machine.plic.snapshot(memoryMap.plic.base).details as { pending: number[] };
    assert.ok(plic.pending.includes(irqNumbers.virtioFirst + slot), "the used-buffer interrupt is pending");
  });
}
