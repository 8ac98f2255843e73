/**
 * The driver side of virtio-mmio initialisation (virtio 1.2 §3.1.1), as
 * register writes, for tests: reset, ACKNOWLEDGE, DRIVER, features,
 * FEATURES_OK, queue 0 set up from a FakeDriverQueue, DRIVER_OK.
 */
import { Reg, Status, VirtioMmio } from "../virtio-mmio";
import type { FakeDriverQueue } from "./fake-driver";

export function writeReg(transport: VirtioMmio, offset: number, value: number | bigint): void {
  transport.write(offset, 4, BigInt(value));
}

export function readReg(transport: VirtioMmio, offset: number): number {
  return Number(transport.read(offset, 4));
}

export function bringUp(transport: VirtioMmio, queue: FakeDriverQueue, features: bigint): void {
  writeReg(transport, Reg.Status, 0);
  writeReg(transport, Reg.Status, Status.ACKNOWLEDGE);
  writeReg(transport, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER);
  writeReg(transport, Reg.DriverFeaturesSel, 0);
  writeReg(transport, Reg.DriverFeatures, features & 0xffff_ffffn);
  writeReg(transport, Reg.DriverFeaturesSel, 1);
  writeReg(transport, Reg.DriverFeatures, features >> 32n);
  writeReg(transport, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK);
  writeReg(transport, Reg.QueueSel, 0);
  writeReg(transport, Reg.QueueNum, queue.size);
  writeReg(transport, Reg.QueueDescLow, queue.desc & 0xffff_ffffn);
  writeReg(transport, Reg.QueueDescHigh, queue.desc >> 32n);
  writeReg(transport, Reg.QueueDriverLow, queue.avail & 0xffff_ffffn);
  writeReg(transport, Reg.QueueDriverHigh, queue.avail >> 32n);
  writeReg(transport, Reg.QueueDeviceLow, queue.used & 0xffff_ffffn);
  writeReg(transport, Reg.QueueDeviceHigh, queue.used >> 32n);
  writeReg(transport, Reg.QueueReady, 1);
  writeReg(transport, Reg.Status, Status.ACKNOWLEDGE | Status.DRIVER | Status.FEATURES_OK | Status.DRIVER_OK);
}

/** Sets up one more queue (`index`) after bringUp, as a driver with several queues does before DRIVER_OK. */
export function setUpQueue(transport: VirtioMmio, index: number, queue: FakeDriverQueue): void {
  writeReg(transport, Reg.QueueSel, index);
  writeReg(transport, Reg.QueueNum, queue.size);
  writeReg(transport, Reg.QueueDescLow, queue.desc & 0xffff_ffffn);
  writeReg(transport, Reg.QueueDescHigh, queue.desc >> 32n);
  writeReg(transport, Reg.QueueDriverLow, queue.avail & 0xffff_ffffn);
  writeReg(transport, Reg.QueueDriverHigh, queue.avail >> 32n);
  writeReg(transport, Reg.QueueDeviceLow, queue.used & 0xffff_ffffn);
  writeReg(transport, Reg.QueueDeviceHigh, queue.used >> 32n);
  writeReg(transport, Reg.QueueReady, 1);
  writeReg(transport, Reg.QueueSel, 0);
}
