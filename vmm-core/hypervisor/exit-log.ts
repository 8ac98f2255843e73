/**
 * The VM-exit log: a bounded ring of the most recent exit records plus
 * statistics per reason (and per reason + detail) that are never dropped,
 * like KVM's kvm_stat next to its trace buffer. Host time is reported
 * separately (`addHostTime`) and stays out of the records, so the records
 * (and their JSON lines) are identical run after run.
 */
import type { ExitReason, ExitRecord } from "./exit-record";
import { captureFields, restoreFields, type FieldState } from "../snapshot/fields";
import { SnapshotError } from "../snapshot/snapshot-error";

const exitLogFields = ["ring", "nextSequence", "byReason", "byDetail", "translated"];

export interface ExitFilter {
  /** Only these reasons. */
  reasons?: readonly string[];
  /** Only this vCPU. */
  vcpu?: number;
  /** At most this many records (the oldest matching ones first). */
  limit?: number;
}

export interface ExitCounters {
  count: number;
  /** Sum of the records' deterministic cost. */
  cost: number;
  /** Host time the monitor spent on these exits, as it reported it. */
  hostNanoseconds: number;
}

export interface ExitStatistics {
  /** Every exit recorded since the log was created. */
  total: number;
  byReason: Record<string, ExitCounters>;
  /** Per reason, then per detail ("sstatus", "TIME.set_timer" …). */
  byDetail: Record<string, Record<string, ExitCounters>>;
  /**
   * Mode binary-translation: privileged instructions rewritten into direct
   * monitor calls, per reason. They are in the log (and in `total`, which
   * numbers records) but not in byReason: they were not exits.
   */
  translated?: Record<string, ExitCounters>;
}

export type ExitListener = (record: ExitRecord) => void;

export const defaultExitLogCapacity = 4096;

const zero = (): ExitCounters => ({ count: 0, cost: 0, hostNanoseconds: 0 });

export class ExitLog {
  readonly capacity: number;
  private readonly ring: (ExitRecord | undefined)[];
  private nextSequence = 0;
  private readonly byReason = new Map<string, ExitCounters>();
  private readonly byDetail = new Map<string, Map<string, ExitCounters>>();
  private readonly translated = new Map<string, ExitCounters>();
  private readonly listeners = new Set<ExitListener>();
  /**
   * The counters the last record() touched: the monitor adds that exit's
   * host time right after, so addHostTime finds them without two more Map
   * lookups (every exit pays them otherwise).
   */
  private lastReason: ExitCounters | undefined;
  private lastDetail: ExitCounters | undefined;
  private lastRecord: ExitRecord | undefined;

  constructor(capacity = defaultExitLogCapacity) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`exit log capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.ring = new Array<ExitRecord | undefined>(capacity).fill(undefined);
  }

  /** Snapshot support (vmm-core/snapshot): the ring and every statistic; sequence numbers continue after a restore. */
  saveState(): FieldState {
    return captureFields(this, exitLogFields);
  }

  loadState(state: unknown): void {
    const saved = state as FieldState;
    if ((saved?.ring as unknown[] | undefined)?.length !== this.capacity) throw new SnapshotError(`the exit log was saved with another capacity than ${this.capacity}`);
    restoreFields(this, exitLogFields, state, "exit log");
    this.lastRecord = undefined;
  }

  /** Exits recorded so far (also the sequence number the next one gets). */
  get total(): number {
    return this.nextSequence;
  }

  /** Sequence number of the oldest record still in the ring. */
  get oldestSequence(): number {
    return Math.max(0, this.nextSequence - this.capacity);
  }

  /** Records currently held (at most `capacity`). */
  get size(): number {
    return this.nextSequence - this.oldestSequence;
  }

  /**
   * Stores an exit, numbering it, counts it in the statistics and tells the
   * listeners. The log takes the object it is given (it gains its
   * `sequence`) and shares it with the ring and the listeners: callers hand
   * it over and do not change it afterwards. No copy, no freeze: this is on
   * every exit's path.
   */
  record(partial: Omit<ExitRecord, "sequence">): ExitRecord {
    const record = partial as ExitRecord;
    record.sequence = this.nextSequence;
    this.ring[this.nextSequence % this.capacity] = record;
    this.nextSequence++;
    if (record.translated === true) {
      let counters = this.translated.get(record.reason);
      if (!counters) this.translated.set(record.reason, (counters = zero()));
      counters.count++;
      counters.cost += record.cost;
      this.lastRecord = undefined;
      if (this.listeners.size !== 0) for (const listener of this.listeners) listener(record);
      return record;
    }
    const reason = this.reasonCounters(record.reason);
    reason.count++;
    reason.cost += record.cost;
    const detail = this.detailCounters(record.reason, record.detail);
    detail.count++;
    detail.cost += record.cost;
    this.lastRecord = record;
    this.lastReason = reason;
    this.lastDetail = detail;
    if (this.listeners.size !== 0) for (const listener of this.listeners) listener(record);
    return record;
  }

  /** Adds host time to a reason (and to one of its details, when given). */
  addHostTime(reason: ExitReason | string, nanoseconds: number, detail?: string): void {
    if (!Number.isFinite(nanoseconds) || nanoseconds < 0) throw new RangeError(`host time must be a non-negative number, got ${nanoseconds}`);
    const last = this.lastRecord;
    if (last !== undefined && last.reason === reason && (detail === undefined || last.detail === detail)) {
      this.lastReason!.hostNanoseconds += nanoseconds;
      if (detail !== undefined) this.lastDetail!.hostNanoseconds += nanoseconds;
      return;
    }
    this.reasonCounters(reason).hostNanoseconds += nanoseconds;
    if (detail !== undefined) this.detailCounters(reason, detail).hostNanoseconds += nanoseconds;
  }

  /**
   * Records with sequence >= `sequence` still in the ring, oldest first,
   * narrowed by `filter`. A client streaming the log asks for
   * `since(lastSeen + 1)`; records the ring has already dropped are gone.
   */
  since(sequence: number, filter: ExitFilter = {}): ExitRecord[] {
    const reasons = filter.reasons ? new Set(filter.reasons) : undefined;
    const limit = filter.limit ?? Infinity;
    const result: ExitRecord[] = [];
    for (let at = Math.max(Math.ceil(sequence), this.oldestSequence); at < this.nextSequence && result.length < limit; at++) {
      const record = this.ring[at % this.capacity] as ExitRecord;
      if (reasons && !reasons.has(record.reason)) continue;
      if (filter.vcpu !== undefined && record.vcpu !== filter.vcpu) continue;
      result.push(record);
    }
    return result;
  }

  /** The newest `n` records, oldest first. */
  recent(n: number): ExitRecord[] {
    return this.since(this.nextSequence - Math.max(0, Math.floor(n)));
  }

  /** A copy of the complete statistics (unaffected by the ring dropping records). */
  statistics(): ExitStatistics {
    const byReason: Record<string, ExitCounters> = {};
    for (const [reason, counters] of this.byReason) byReason[reason] = { ...counters };
    const byDetail: Record<string, Record<string, ExitCounters>> = {};
    for (const [reason, details] of this.byDetail) {
      byDetail[reason] = {};
      for (const [detail, counters] of details) byDetail[reason][detail] = { ...counters };
    }
    const translated: Record<string, ExitCounters> = {};
    for (const [reason, counters] of this.translated) translated[reason] = { ...counters };
    return { total: this.nextSequence, byReason, byDetail, translated };
  }

  /** Calls `listener` for every record from now on; returns the function that stops it. */
  onRecord(listener: ExitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private reasonCounters(reason: string): ExitCounters {
    let counters = this.byReason.get(reason);
    if (!counters) this.byReason.set(reason, (counters = zero()));
    return counters;
  }

  private detailCounters(reason: string, detail: string): ExitCounters {
    let details = this.byDetail.get(reason);
    if (!details) this.byDetail.set(reason, (details = new Map()));
    let counters = details.get(detail);
    if (!counters) details.set(detail, (counters = zero()));
    return counters;
  }
}

const hex = (value: bigint | number): string => `0x${value.toString(16)}`;

/** A number as JSON.stringify writes it (non-finite numbers become null). */
const jsonNumber = (value: number): string => (Number.isFinite(value) ? String(value) : "null");

/**
 * One record as a JSON line for `vmscope run --exit-log FILE`: fields in a
 * fixed order, the pc and the instruction bits as "0x…" strings (the pc is
 * a 64-bit value JSON numbers cannot hold), absent optional fields left out.
 * Written out field by field: byte for byte what JSON.stringify gives for
 * the same object (a test holds it to that), at a fraction of the cost,
 * which a fault storm written to a file pays on every exit.
 */
export function toJsonLine(record: ExitRecord): string {
  let line = `{"sequence":${jsonNumber(record.sequence)},"vcpu":${jsonNumber(record.vcpu)},"instret":${jsonNumber(record.instret)},"reason":${JSON.stringify(record.reason)},"detail":${JSON.stringify(record.detail)},"pc":"${hex(BigInt.asUintN(64, record.pc))}"`;
  if (record.instruction !== undefined) line += `,"instruction":"${hex(record.instruction >>> 0)}"`;
  if (record.disassembly !== undefined) line += `,"disassembly":${JSON.stringify(record.disassembly)}`;
  return `${line},"handling":${JSON.stringify(record.handling)},"cost":${jsonNumber(record.cost)}}`;
}

function field<T extends "string" | "number">(object: Record<string, unknown>, name: string, type: T): T extends "string" ? string : number {
  const value = object[name];
  if (typeof value !== type) throw new SyntaxError(`exit log line: "${name}" should be a ${type}`);
  return value as T extends "string" ? string : number;
}

/** Reads a line written by `toJsonLine` back into a record. */
export function fromJsonLine(line: string): ExitRecord {
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new SyntaxError("exit log line: not an object");
  const object = parsed as Record<string, unknown>;
  const record: ExitRecord = {
    sequence: field(object, "sequence", "number"),
    vcpu: field(object, "vcpu", "number"),
    instret: field(object, "instret", "number"),
    reason: field(object, "reason", "string") as ExitReason,
    detail: field(object, "detail", "string"),
    pc: BigInt(field(object, "pc", "string")),
    handling: field(object, "handling", "string"),
    cost: field(object, "cost", "number"),
  };
  if (object.instruction !== undefined) record.instruction = Number(field(object, "instruction", "string"));
  if (object.disassembly !== undefined) record.disassembly = field(object, "disassembly", "string");
  return record;
}
