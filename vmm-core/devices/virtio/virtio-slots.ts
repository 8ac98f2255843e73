/**
 * The board's eight virtio-mmio slots (QEMU virt: 0x1000_1000 + 0x1000·i,
 * PLIC IRQ 1 + i) and which device sits in which. QEMU creates the
 * transports in forward order, but each new bus is prepended to the list
 * `-device virtio-*-device` searches, so the first device lands in the
 * last slot (0x1000_8000) and later ones go downwards (hw/arm/virt.c
 * explains it; hw/riscv/virt.c has the same loop). vmscope follows that:
 * drive 0 in slot 7, drive 1 in slot 6 …, then virtio-rng in the next slot
 * down. The remaining slots are empty and read DeviceID 0.
 */
import type { Bus } from "../../bus/bus";
import type { Plic } from "../plic";
import { UserInputError } from "../../machine/errors";
import { irqNumbers, memoryMap } from "../../machine/memory-map";
import { guestRamMemory, type GuestRamWindow } from "./guest-memory";
import { FileStorage, type DriveOptions } from "./block-storage";
import { VirtioBlk } from "./virtio-blk";
import { VirtioRng } from "./virtio-rng";
import { VirtioMmio } from "./virtio-mmio";
import type { VirtioDevice } from "./virtio-device";

export function attachVirtioSlots(bus: Bus, plic: Plic, ram: GuestRamWindow, drives: DriveOptions[]): VirtioMmio[] {
  // One slot stays for the rng.
  if (drives.length > memoryMap.virtio.count - 1) {
    throw new UserInputError(`--drive: at most ${memoryMap.virtio.count - 1} drives (the board has ${memoryMap.virtio.count} virtio slots, one is the rng)`);
  }
  const devices: VirtioDevice[] = drives.map((drive, n) => new VirtioBlk(new FileStorage(drive), `vmscope-blk${n}`));
  devices.push(new VirtioRng());
  const memory = guestRamMemory(bus, ram);
  const slots: VirtioMmio[] = [];
  for (let slot = 0; slot < memoryMap.virtio.count; slot++) {
    // The nth device sits in slot count-1-n (QEMU order: from the last slot down).
    const device = devices[memoryMap.virtio.count - 1 - slot];
    const transport = new VirtioMmio(`virtio${slot}`, plic.irqLine(irqNumbers.virtioFirst + slot), memory, device);
    bus.attach(memoryMap.virtio.base + BigInt(slot * memoryMap.virtio.size), transport);
    slots.push(transport);
  }
  return slots;
}
