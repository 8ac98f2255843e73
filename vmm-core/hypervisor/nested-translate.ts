/**
 * The two-dimensional walk, made visible: one guest-virtual address through
 * the guest's own tables (VS-stage, rooted at vsatp, in guest-physical
 * memory) where every page-table entry fetch is itself translated through
 * the nested tables (G-stage, hgatp), and finally the data's guest-physical
 * address through the G-stage too. For Sv39 under Sv39x4 that is up to
 * (3+1)×(3+1)−1 = 15 memory references, against 3 for a shadow walk. The
 * walk reads memory only: no A/D bit changes.
 */
import type { Bus } from "../bus/bus";
import { Access, walkSv39, type PteMemory, type WalkOutcome, type WalkStep } from "../hart/mmu";

export interface GuestStageWalk {
  /** The guest-physical address translated. */
  gpa: bigint;
  /** Why: a VS-stage PTE fetch (its level) or the final data access. */
  purpose: string;
  steps: WalkStep[];
  /** Host-physical result, when the G-stage maps it. */
  hpa?: bigint;
  fault?: string;
}

export interface NestedTranslation {
  va: bigint;
  /** VS-stage steps (PTE addresses are guest-physical). */
  guestSteps: WalkStep[];
  /** Every G-stage walk, in the order the hardware makes them. */
  nestedWalks: GuestStageWalk[];
  gpa?: bigint;
  hpa?: bigint;
  fault?: string;
  /** PTE reads of both dimensions together. */
  memoryReferences: number;
}

export interface NestedTranslateState {
  vsatp: bigint;
  hgatp: bigint;
  /** VS privilege (0 = VU, 1 = VS), vsstatus.SUM/MXR. */
  privilege: number;
  sum: boolean;
  mxr: boolean;
}

const ppnMask = (1n << 44n) - 1n;

function hostReader(bus: Bus): PteMemory {
  return { readPte: (address) => (bus.isRam(address, 8) ? bus.readPhysical(address, 8) : undefined), writePte: () => false };
}

export function translateNested(bus: Bus, state: NestedTranslateState, va: bigint, access: Access): NestedTranslation {
  const result: NestedTranslation = { va: BigInt.asUintN(64, va), guestSteps: [], nestedWalks: [], memoryReferences: 0 };
  const gStage = (gpa: bigint, stageAccess: Access, purpose: string): bigint | undefined => {
    if (state.hgatp >> 60n === 0n) return gpa;
    const outcome: WalkOutcome = walkSv39(
      gpa,
      stageAccess,
      { root: (state.hgatp & ppnMask) << 12n, privilege: 0, sum: false, mxr: false, updateAccessedDirty: false, guestStage: true },
      hostReader(bus),
    );
    result.memoryReferences += outcome.references;
    const walk: GuestStageWalk = { gpa, purpose, steps: outcome.steps };
    result.nestedWalks.push(walk);
    if (outcome.kind === "ok") {
      walk.hpa = outcome.physicalAddress;
      return outcome.physicalAddress;
    }
    walk.fault = `guest-page fault: ${outcome.reason}`;
    return undefined;
  };

  let gpa = result.va;
  if (state.vsatp >> 60n !== 0n) {
    let level = 2;
    const guestPtes: PteMemory = {
      readPte: (pteGpa) => {
        const hpa = gStage(pteGpa, Access.Read, `VS-stage PTE, level ${level--}`);
        if (hpa === undefined) return undefined;
        result.memoryReferences++;
        return bus.isRam(hpa, 8) ? bus.readPhysical(hpa, 8) : undefined;
      },
      writePte: () => false,
    };
    const outcome = walkSv39(
      result.va,
      access,
      { root: (state.vsatp & ppnMask) << 12n, privilege: state.privilege, sum: state.sum, mxr: state.mxr, updateAccessedDirty: false },
      guestPtes,
    );
    result.guestSteps = outcome.steps;
    const nestedFault = result.nestedWalks.find((walk) => walk.fault);
    if (nestedFault) {
      result.fault = `${nestedFault.fault} (${nestedFault.purpose})`;
      return result;
    }
    if (outcome.kind !== "ok") {
      result.fault = `guest ${outcome.kind}: ${outcome.reason}`;
      return result;
    }
    gpa = outcome.physicalAddress;
  }
  result.gpa = gpa;
  const hpa = gStage(gpa, access, "data");
  if (hpa === undefined) result.fault = result.nestedWalks[result.nestedWalks.length - 1].fault;
  else result.hpa = hpa;
  return result;
}
