/**
 * Guest memory as a virtio device's DMA sees it: guest-physical addresses,
 * guest RAM only. On the bare machine that is the bus itself; under a
 * monitor every address goes through its guest-physical → host-physical
 * map, so a device never reaches the monitor's region or any MMIO.
 */
import type { Bus } from "../../bus/bus";

export interface GuestMemory {
  /** `length` bytes at guest-physical `gpa`; undefined when any of it is not guest RAM. */
  read(gpa: bigint, length: number): Uint8Array | undefined;
  /** Copies `bytes` to `gpa`; false (nothing written) when any of it is not guest RAM. */
  write(gpa: bigint, bytes: Uint8Array): boolean;
}

/** How guest-physical RAM addresses become bus addresses. */
export interface GuestRamWindow {
  base: bigint;
  size: bigint;
  /** Added to a guest-physical RAM address to get its host-physical (bus) address. */
  hostOffset(): bigint;
}

/** DMA onto the bus, restricted to the guest's RAM window. */
export function guestRamMemory(bus: Bus, window: GuestRamWindow): GuestMemory {
  const inside = (gpa: bigint, length: number): boolean =>
    length >= 0 && gpa >= window.base && gpa + BigInt(length) <= window.base + window.size;
  return {
    read: (gpa, length) => (inside(gpa, length) ? bus.readBytes(gpa + window.hostOffset(), length) : undefined),
    write: (gpa, bytes) => inside(gpa, bytes.length) && bus.writeBytes(gpa + window.hostOffset(), bytes),
  };
}
