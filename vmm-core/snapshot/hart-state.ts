/**
 * A hart's state for a snapshot: registers and pc, privilege and V, every
 * CSR (the H extension's included), the counters, WFI and the LR/SC
 * reservation. Caches are not state: the TLB, the decoded-code pages and
 * the translator's blocks are dropped on restore and refill as the guest
 * runs, which changes no guest-visible result.
 */
import type { Hart } from "../hart/hart";
import { CsrState } from "../hart/csr-state";
import { HypervisorCsrs } from "../hart/hypervisor-csrs";
import { captureFields, dataFieldNames, restoreFields, type FieldState } from "./fields";
import { SnapshotError } from "./snapshot-error";

const csrFields = dataFieldNames(new CsrState());
const hypervisorFields = dataFieldNames(new HypervisorCsrs());
const hartFields = ["priv", "virt", "instret", "waiting", "interruptCheck", "reservationAddress", "reservationValue", "reservationSize", "instructionsByPrivilege"];
/** x0..x31 and the pc (the slots after them are scratch). */
const savedRegisters = 33;

export interface HartSnapshot {
  hartId: number;
  hypervisorExtension: boolean;
  registers: BigInt64Array;
  fields: FieldState;
  bookkeeping: { otherCycles: number; privilegeSince: number };
  csr: FieldState;
  mcycle: ReturnType<Hart["csr"]["mcycle"]["saveState"]>;
  minstret: ReturnType<Hart["csr"]["minstret"]["saveState"]>;
  h: FieldState;
  traps: FieldState;
  tlbCounters: Record<string, number>;
}

export function saveHartState(hart: Hart): HartSnapshot {
  return {
    hartId: hart.hartId,
    hypervisorExtension: hart.hypervisorExtension,
    registers: hart.r.slice(0, savedRegisters),
    fields: captureFields(hart, hartFields),
    bookkeeping: hart.bookkeeping,
    csr: captureFields(hart.csr, csrFields),
    mcycle: hart.csr.mcycle.saveState(),
    minstret: hart.csr.minstret.saveState(),
    h: captureFields(hart.h, hypervisorFields),
    traps: hart.traps.saveState(),
    tlbCounters: { ...hart.tlb.counters },
  };
}

export function loadHartState(hart: Hart, state: HartSnapshot): void {
  const what = `hart ${hart.hartId}`;
  if (state.hartId !== hart.hartId || state.hypervisorExtension !== hart.hypervisorExtension) {
    throw new SnapshotError(`${what}: saved for hart ${state.hartId}${state.hypervisorExtension ? " with" : " without"} the H extension`);
  }
  if (!(state.registers instanceof BigInt64Array) || state.registers.length !== savedRegisters) throw new SnapshotError(`${what}: the registers are damaged`);
  hart.r.set(state.registers);
  restoreFields(hart, hartFields, state.fields, what);
  hart.bookkeeping = state.bookkeeping;
  restoreFields(hart.csr, csrFields, state.csr, `${what} CSRs`);
  hart.csr.mcycle.loadState(state.mcycle);
  hart.csr.minstret.loadState(state.minstret);
  restoreFields(hart.h, hypervisorFields, state.h, `${what} H CSRs`);
  hart.traps.loadState(state.traps);
  Object.assign(hart.tlb.counters, state.tlbCounters);
  hart.stopRequested = false;
  flushHartCaches(hart);
}

/**
 * Drops every cached translation and decoded instruction of the hart. The
 * machine that saves does this too, so the one that saved and the one that
 * restored continue from the same cold caches.
 */
export function flushHartCaches(hart: Hart): void {
  hart.tlb.flush();
  hart.tlb.contextChanged();
  hart.translator?.clear();
}
