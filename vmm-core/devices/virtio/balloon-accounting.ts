/**
 * The memory figures the host shows about a guest: how much RAM it was
 * given, how much of it the host really holds (RAM is allocated per page
 * on first touch) and how much the balloon took back. The debug adapter's
 * protocol (debug-adapter/protocol.ts) re-exports these shapes.
 */
import { UserInputError } from "../../machine/errors";
import { pageSize, type Ram } from "../../bus/ram";

export interface BalloonInfo {
  present: boolean;
  targetPages: number;
  actualPages: number;
}

export interface MemoryAccountingInfo {
  guestRamBytes: number;
  /** Pages of guest RAM the host really holds (allocated lazily). */
  residentPages: number;
  balloonedPages: number;
  pageSize: number;
}

const pagesPerMib = 256;

/** A balloon target in MiB as 4 KiB pages; undefined is 0. A clear error for anything the guest cannot give. */
export function balloonTargetPages(mib: number | undefined, guestRamBytes: number): number {
  if (mib === undefined) return 0;
  const guestMib = guestRamBytes / (1024 * 1024);
  if (!Number.isInteger(mib) || mib < 0 || mib > guestMib) {
    throw new UserInputError(`balloon: ${mib} MiB is not a whole number of MiB from 0 to the guest's ${guestMib} MiB of RAM`);
  }
  return mib * pagesPerMib;
}

/**
 * The figures for guest RAM that starts `monitorBytes` into the host's RAM
 * (the monitor's own region, below it, is not the guest's and not counted).
 */
export function guestMemoryAccounting(ram: Ram, monitorBytes: number, balloonedPages: number): MemoryAccountingInfo {
  const guestRamBytes = ram.size - monitorBytes;
  return {
    guestRamBytes,
    residentPages: ram.residentIn(monitorBytes / pageSize, guestRamBytes / pageSize),
    balloonedPages,
    pageSize,
  };
}
