/**
 * vmscope/traps: the hart's own trap history (vmm-core/hart/trap-statistics.ts),
 * in every mode, so a bare-machine kernel's traps are inspectable like a
 * monitor's exits. Sequence numbers count one hart's traps; `hart` picks the
 * hart (0 when omitted).
 */
import { causeName } from "../../vmm-core/hart/trap";
import type { TrapRecord } from "../../vmm-core/hart/trap-statistics";
import type { Machine } from "../../vmm-core/machine/machine";
import { InspectionError } from "../inspection/guest-memory-access";
import { hex } from "../inspection/guest-view";
import type { TrapRecordInfo, TrapsResponse } from "../protocol";
import { argumentsObject, optionalInteger } from "./arguments";

/** "M", "HS", "S", "VS", "U", "VU" for a privilege and V (S with the H extension is HS). */
function privilegeName(level: number, virtual: boolean, hypervisorExtension: boolean): string {
  if (level === 3) return "M";
  if (level === 1) return virtual ? "VS" : hypervisorExtension ? "HS" : "S";
  return virtual ? "VU" : "U";
}

export function trapInfo(record: TrapRecord, hart: number, hypervisorExtension: boolean): TrapRecordInfo {
  return {
    sequence: record.sequence,
    hart,
    instret: record.instret,
    cause: record.cause,
    interrupt: record.interrupt,
    name: causeName(record.cause, record.interrupt),
    pc: hex(record.pc),
    tval: hex(record.tval),
    from: privilegeName(record.from, record.fromVirtual, hypervisorExtension),
    to: privilegeName(record.to, record.toVirtual, hypervisorExtension),
    handler: hex(record.handler),
  };
}

export function trapsRequest(machine: Machine, rawArgs: unknown): TrapsResponse {
  const args = argumentsObject(rawArgs);
  const hartId = optionalInteger(args, "hart") ?? 0;
  const since = optionalInteger(args, "since") ?? 0;
  const limit = optionalInteger(args, "limit", 1) ?? Infinity;
  const hart = machine.harts[hartId];
  if (!hart) throw new InspectionError(`'hart' ${hartId} does not exist: the machine has harts 0 to ${machine.harts.length - 1}`);
  const records = hart.traps
    .recent()
    .filter((record) => record.sequence >= since)
    .slice(0, limit)
    .map((record) => trapInfo(record, hartId, hart.hypervisorExtension));
  return { records, next: hart.traps.total, oldest: Math.max(0, hart.traps.total - hart.traps.historySize) };
}
