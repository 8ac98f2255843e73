/**
 * The board's eight virtio-mmio slots (QEMU virt: 0x1000_1000 + 0x1000·i,
 * PLIC IRQ 1 + i) and which device sits in which. QEMU creates the
 * transports in forward order, but each new bus is prepended to the list
 * `-device virtio-*-device` searches, so the first device lands in the
 * last slot (0x1000_8000) and later ones go downwards (hw/arm/virt.c
 * explains it; hw/riscv/virt.c has the same loop). vmscope follows that,
 * as if started with `-drive … -device virtio-rng-device -device
 * virtio-serial-device -device virtconsole -device virtio-balloon-device`:
 * drive 0 in slot 7, drive 1 in slot 6 …, then virtio-rng, virtio-console
 * and virtio-balloon in the next slots down. Drives first keeps the disk
 * where U-Boot and the firmware tests find it (virtio_mmio@10008000). The
 * remaining slots are empty and read DeviceID 0.
 */
import type { Bus } from "../../bus/bus";
import type { Plic } from "../plic";
import { UserInputError } from "../../machine/errors";
import { irqNumbers, memoryMap } from "../../machine/memory-map";
import type { ConsoleIO, ConsoleInput } from "../../machine/console";
import { guestRamMemory, type GuestRamWindow } from "./guest-memory";
import { FileStorage, type DriveOptions } from "./block-storage";
import { VirtioBlk } from "./virtio-blk";
import { VirtioRng, type RandomSource } from "./virtio-rng";
import { VirtioConsole } from "./virtio-console";
import { VirtioBalloon } from "./virtio-balloon";
import { balloonMemory } from "./balloon-memory";
import { VirtioMmio } from "./virtio-mmio";
import type { VirtioDevice } from "./virtio-device";

export interface VirtioBoardOptions {
  drives: DriveOptions[];
  console: ConsoleIO;
  input: ConsoleInput;
  /** Balloon target at power-on, in 4 KiB pages. */
  balloonPages?: number;
  /** Where virtio-rng's bytes come from: the seeded stream (default) or the host's entropy. */
  rng?: RandomSource;
}

export interface VirtioBoard {
  slots: VirtioMmio[];
  console: VirtioConsole;
  balloon: VirtioBalloon;
  rng: VirtioRng;
}

/** Devices besides the drives, each in its own slot. */
const fixedDevices = 3;

export function attachVirtioSlots(bus: Bus, plic: Plic, ram: GuestRamWindow, options: VirtioBoardOptions): VirtioBoard {
  const { drives } = options;
  if (drives.length > memoryMap.virtio.count - fixedDevices) {
    throw new UserInputError(
      `--drive: at most ${memoryMap.virtio.count - fixedDevices} drives (the board has ${memoryMap.virtio.count} virtio slots; rng, console and balloon take ${fixedDevices})`,
    );
  }
  const rng = new VirtioRng(options.rng);
  const console = new VirtioConsole(options.console, options.input);
  let balloon: VirtioBalloon;
  try {
    balloon = new VirtioBalloon(balloonMemory(bus.ram, ram), options.balloonPages ?? 0);
  } catch (error) {
    throw new UserInputError(`--balloon: ${(error as Error).message}`);
  }
  const devices: VirtioDevice[] = drives.map((drive, n) => new VirtioBlk(new FileStorage(drive), `vmscope-blk${n}`));
  devices.push(rng, console, balloon);
  const memory = guestRamMemory(bus, ram);
  const slots: VirtioMmio[] = [];
  for (let slot = 0; slot < memoryMap.virtio.count; slot++) {
    // The nth device sits in slot count-1-n (QEMU order: from the last slot down).
    const device = devices[memoryMap.virtio.count - 1 - slot];
    const transport = new VirtioMmio(slotName(devices, memoryMap.virtio.count - 1 - slot, slot), plic.irqLine(irqNumbers.virtioFirst + slot), memory, device);
    bus.attach(memoryMap.virtio.base + BigInt(slot * memoryMap.virtio.size), transport);
    slots.push(transport);
  }
  return { slots, console, balloon, rng };
}

/**
 * A transport's name is its device's, so exit records read
 * "virtio-blk.QueueNotify": the type name, numbered from the second device
 * of a type on ("virtio-blk1"); an empty slot is "virtioN".
 */
function slotName(devices: VirtioDevice[], index: number, slot: number): string {
  const device = devices[index];
  if (!device) return `virtio${slot}`;
  const before = devices.slice(0, index).filter((other) => other.typeName === device.typeName).length;
  return before === 0 ? device.typeName : `${device.typeName}${before}`;
}
