/**
 * What the balloon does to guest RAM: a page the guest hands over leaves
 * the host (Ram.discard drops its 4 KiB buffer), and a page handed back is
 * zero. Page frame numbers are guest-physical (virtio 1.2 §5.5.6: 4096-byte
 * units, whatever the guest's page size), so under a monitor they go
 * through the same guest-physical → host-physical offset as DMA.
 */
import type { Ram } from "../../bus/ram";
import { pageShift } from "../../bus/ram";
import type { GuestRamWindow } from "./guest-memory";

export interface BalloonMemory {
  /** Guest RAM size in 4 KiB pages. */
  readonly guestPages: number;
  /** True when `pfn` is a page of guest RAM. */
  contains(pfn: number): boolean;
  /** Frees the host memory behind guest page `pfn`; afterwards it reads as zero. */
  release(pfn: number): void;
}

export function balloonMemory(ram: Ram, window: GuestRamWindow): BalloonMemory {
  const firstPfn = Number(window.base >> BigInt(pageShift));
  const guestPages = Number(window.size >> BigInt(pageShift));
  const contains = (pfn: number): boolean => Number.isInteger(pfn) && pfn >= firstPfn && pfn < firstPfn + guestPages;
  return {
    guestPages,
    contains,
    release(pfn) {
      if (!contains(pfn)) throw new RangeError(`page frame 0x${pfn.toString(16)} is not guest RAM`);
      const host = (BigInt(pfn) << BigInt(pageShift)) + window.hostOffset();
      ram.discard(Number((host - ram.base) >> BigInt(pageShift)));
    },
  };
}
