/**
 * Sstc: the supervisor timer compare registers. STIP follows
 * time >= stimecmp while menvcfg.STCE is set; with the H extension and
 * henvcfg.STCE too, the hart's VSTIP line follows the guest's time
 * (time + htimedelta) >= vstimecmp, ORed with hvip.VSTIP (H spec with Sstc).
 * Called when a compare register or an enable changes and between the
 * machine's slices, never per instruction.
 */
import type { Hart } from "./hart";
import { menvcfgBits } from "./csr-state";
import { mip } from "./trap";

function virtualTimerActive(hart: Hart): boolean {
  return hart.hypervisorExtension && (hart.h.henvcfg & menvcfgBits.STCE) !== 0n && (hart.csr.menvcfg & menvcfgBits.STCE) !== 0n;
}

/** Drives STIP (and VSTIP) from the compare registers and the current time. */
export function updateSstcLines(hart: Hart): void {
  if ((hart.csr.menvcfg & menvcfgBits.STCE) === 0n) return;
  const now = hart.clock.mtime();
  hart.setPendingFromHardware(mip.STIP, now >= hart.csr.stimecmp);
  if (hart.hypervisorExtension) hart.setPendingFromHardware(mip.VSTIP, virtualTimerActive(hart) && BigInt.asUintN(64, now + hart.h.htimedelta) >= hart.h.vstimecmp);
}

/** mtime value at which STIP or VSTIP will rise, when Sstc is active and it has not yet. */
export function sstcDeadline(hart: Hart): bigint | undefined {
  if ((hart.csr.menvcfg & menvcfgBits.STCE) === 0n) return undefined;
  let deadline = (hart.csr.mipHardware & mip.STIP) === 0 ? hart.csr.stimecmp : undefined;
  if (virtualTimerActive(hart) && (hart.csr.mipHardware & mip.VSTIP) === 0) {
    // vstimecmp is in guest time; the machine counts host time (mtime).
    const virtual = BigInt.asUintN(64, hart.h.vstimecmp - hart.h.htimedelta);
    if (deadline === undefined || virtual < deadline) deadline = virtual;
  }
  return deadline;
}
