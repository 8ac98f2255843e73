/**
 * Two-stage address translation of the H extension (privileged spec 8.5):
 * guest-virtual → guest-physical through the VS-stage (vsatp, Sv39), then
 * guest-physical → supervisor-physical through the G-stage (hgatp,
 * Sv39x4). Every VS-stage page-table access is itself translated by the
 * G-stage, so a TLB miss costs up to (3+1)×(3+1)−1 = 15 memory references.
 * A G-stage refusal is a guest-page fault (cause 20/21/23) with the
 * guest-physical address in htval/mtval2.
 */
import type { Bus } from "../bus/bus";
import type { Hart } from "./hart";
import { Access, walkSv39, type PteMemory } from "./mmu";
import { Exception, Trap } from "./trap";
import { mstatusBits } from "./csr-state";

const pageFault = [Exception.loadPageFault, Exception.storePageFault, Exception.instructionPageFault];
const accessFault = [Exception.loadAccessFault, Exception.storeAccessFault, Exception.instructionAccessFault];
const guestPageFault = [Exception.loadGuestPageFault, Exception.storeGuestPageFault, Exception.instructionGuestPageFault];
const ppnMask = (1n << 44n) - 1n;

interface Counters {
  misses: number;
  walks: number;
  walkMemoryReferences: number;
}

/**
 * The G-stage translation of one guest-physical address for an access of
 * kind `access`; `original` and `va` say which guest access it serves (for
 * the fault's cause and tval).
 */
function guestStage(hart: Hart, bus: Bus, counters: Counters, gpa: bigint, access: Access, original: Access, va: bigint, implicit = false): bigint {
  const hgatp = hart.h.hgatp;
  if (hgatp >> 60n === 0n) return gpa;
  const outcome = walkSv39(
    gpa,
    access,
    {
      root: (hgatp & ppnMask) << 12n,
      privilege: 0,
      sum: false,
      mxr: (hart.csr.mstatus & mstatusBits.MXR) !== 0,
      updateAccessedDirty: true,
      recordSteps: false,
      guestStage: true,
    },
    hostPtes(bus),
  );
  counters.walkMemoryReferences += outcome.references;
  if (outcome.kind === "ok") return outcome.physicalAddress;
  if (outcome.kind === "access-fault") throw new Trap(accessFault[original], va, 0n, true);
  throw new Trap(guestPageFault[original], va, gpa >> 2n, true, implicit ? 0x3000n : undefined);
}

function hostPtes(bus: Bus): PteMemory {
  return {
    readPte: (address) => (bus.isRam(address, 8) ? bus.readPhysical(address, 8) : undefined),
    writePte: (address, value) => bus.isRam(address, 8) && bus.writePhysical(address, 8, value),
  };
}

/**
 * Guest-virtual → supervisor-physical for a V=1 access at `privilege`
 * (0 = VU, 1 = VS). `executeForRead` is HLVX: a read that needs execute
 * permission.
 */
export function translateGuest(
  hart: Hart,
  bus: Bus,
  counters: Counters,
  address: bigint,
  access: Access,
  privilege: number,
  executeForRead: boolean,
): bigint {
  const va = BigInt.asUintN(64, address);
  const vsatp = hart.h.vsatp;
  counters.misses++;
  counters.walks++;
  let gpa = va;
  if (vsatp >> 60n !== 0n) {
    // VS-stage page-table entries live in guest-physical memory: each fetch goes through the G-stage first.
    const vsPtes: PteMemory = {
      readPte: (pteAddress) => {
        const spa = guestStage(hart, bus, counters, pteAddress, Access.Read, access, va, true);
        return bus.isRam(spa, 8) ? bus.readPhysical(spa, 8) : undefined;
      },
      writePte: (pteAddress, value) => {
        const spa = guestStage(hart, bus, counters, pteAddress, Access.Write, access, va, true);
        return bus.isRam(spa, 8) && bus.writePhysical(spa, 8, value);
      },
    };
    const status = hart.h.vsstatus;
    const outcome = walkSv39(
      va,
      executeForRead ? Access.Fetch : access,
      {
        root: (vsatp & ppnMask) << 12n,
        privilege,
        sum: (status & mstatusBits.SUM) !== 0,
        // The HS-level MXR makes executable pages readable at both stages.
        mxr: (status & mstatusBits.MXR) !== 0 || (hart.csr.mstatus & mstatusBits.MXR) !== 0,
        updateAccessedDirty: true,
        recordSteps: false,
      },
      vsPtes,
    );
    counters.walkMemoryReferences += outcome.references;
    if (outcome.kind === "page-fault") throw new Trap(pageFault[access], va, 0n, true);
    if (outcome.kind === "access-fault") throw new Trap(accessFault[access], va, 0n, true);
    gpa = outcome.physicalAddress;
  }
  return guestStage(hart, bus, counters, gpa, executeForRead ? Access.Fetch : access, access, va);
}
