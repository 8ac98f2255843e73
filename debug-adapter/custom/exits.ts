/**
 * vmscope/exits and vmscope/exitStats over the monitor's exit log
 * (vmm-core/hypervisor/exit-log.ts), and the vmscope/exitsAvailable event:
 * while the guest runs, at most one event per 250 ms carries the newest
 * records; a client that needs every record asks vmscope/exits since the
 * last sequence it saw. On the bare machine (mode none) there is no
 * monitor and so no exits: the answers are empty, not errors.
 */
import type { ExitRecord } from "../../vmm-core/hypervisor/exit-record";
import type { Machine } from "../../vmm-core/machine/machine";
import { hex } from "../inspection/guest-view";
import type { ExitRecordInfo, ExitsAvailableEventBody, ExitsResponse, ExitStatsResponse } from "../protocol";
import { argumentsObject, optionalInteger, optionalStrings } from "./arguments";

/**
 * One record as the protocol carries it. Converted on every request, not
 * cached: a thousand records convert in about a millisecond, while a
 * WeakMap cache made the first (cold) request after a stop two to seven
 * times slower, with 50-90 ms spikes, and its entries (one per record in
 * the ring) burdened every garbage collection while the guest ran.
 */
export function exitInfo(record: ExitRecord): ExitRecordInfo {
  const info: ExitRecordInfo = {
    sequence: record.sequence,
    vcpu: record.vcpu,
    instret: record.instret,
    reason: record.reason,
    detail: record.detail,
    pc: hex(record.pc),
    handling: record.handling,
    cost: record.cost,
  };
  if (record.instruction !== undefined) info.instruction = record.instruction >>> 0;
  if (record.disassembly !== undefined) info.disassembly = record.disassembly;
  return info;
}

export function exitsRequest(machine: Machine, rawArgs: unknown): ExitsResponse {
  const args = argumentsObject(rawArgs);
  const since = optionalInteger(args, "since") ?? 0;
  const reasons = optionalStrings(args, "reasons");
  const vcpu = optionalInteger(args, "vcpu");
  const limit = optionalInteger(args, "limit", 1);
  const log = machine.monitor?.exits;
  if (!log) return { records: [], next: 0, oldest: 0 };
  const records = log.since(since, { ...(reasons ? { reasons } : {}), ...(vcpu !== undefined ? { vcpu } : {}), ...(limit !== undefined ? { limit } : {}) });
  return { records: records.map(exitInfo), next: log.total, oldest: log.oldestSequence };
}

export function totalInstructions(machine: Machine): number {
  return machine.harts.reduce((sum, hart) => sum + hart.instret, 0);
}

export function exitStatsRequest(machine: Machine): ExitStatsResponse {
  const statistics = machine.monitor?.exits.statistics() ?? { total: 0, byReason: {}, byDetail: {} };
  return { ...statistics, instret: totalInstructions(machine) };
}

/** At most one exitsAvailable event per interval while running. */
export const exitsEventInterval = 250;
const maxEventRecords = 100;
/** A longer silence between slices means the guest was stopped: rates start over. */
const restartGap = 1000;

export class ExitStream {
  private lastTime = 0;
  private lastNext = 0;
  private lastInstret = 0;
  private lastExits = 0;
  private lastPoll = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Called after every run slice: the event body when a batch is due (every
   * 250 ms while running, with or without new exits: the rates feed the
   * status bar in every mode, mode none included), else undefined.
   */
  poll(machine: Machine): ExitsAvailableEventBody | undefined {
    const log = machine.monitor?.exits;
    const total = log?.total ?? 0;
    const time = this.now();
    const resumed = time - this.lastPoll > restartGap;
    this.lastPoll = time;
    if (this.lastTime === 0 || resumed) {
      this.lastTime = time;
      this.lastInstret = totalInstructions(machine);
      this.lastExits = total;
    }
    const elapsed = time - this.lastTime;
    if (elapsed < exitsEventInterval) return undefined;
    const instret = totalInstructions(machine);
    const body: ExitsAvailableEventBody = {
      next: total,
      records: log && total !== this.lastNext ? log.since(Math.max(this.lastNext, total - maxEventRecords)).map(exitInfo) : [],
      instructionsPerSecond: Math.round(((instret - this.lastInstret) * 1000) / elapsed),
      exitsPerSecond: Math.round(((total - this.lastExits) * 1000) / elapsed),
    };
    this.lastTime = time;
    this.lastNext = total;
    this.lastInstret = instret;
    this.lastExits = total;
    return body;
  }
}
