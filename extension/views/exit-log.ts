/**
 * The extension's copy of the monitor's exit log: records arrive in batches
 * (vmscope/exitsAvailable carries at most the newest 100) and gaps are filled
 * by a vmscope/exits catch-up; kept by sequence number, newest first, bounded.
 */
import type { ExitRecordInfo, ExitsAvailableEventBody } from "../../debug-adapter/protocol";

export interface ExitFilter {
  reason?: string;
  vcpu?: number;
}

export function matchesFilter(record: ExitRecordInfo, filter: ExitFilter): boolean {
  return (filter.reason === undefined || record.reason === filter.reason) && (filter.vcpu === undefined || record.vcpu === filter.vcpu);
}

export function describeFilter(filter: ExitFilter): string | undefined {
  const parts: string[] = [];
  if (filter.reason !== undefined) parts.push(`reason ${filter.reason}`);
  if (filter.vcpu !== undefined) parts.push(`vCPU ${filter.vcpu}`);
  return parts.length ? parts.join(", ") : undefined;
}

export class ExitLog {
  /** Newest first; sequence numbers strictly decreasing. */
  private list: ExitRecordInfo[] = [];
  /** Sequence number the next unseen exit will have. */
  private nextSequence = 0;

  constructor(readonly capacity = 5000) {}

  get size(): number {
    return this.list.length;
  }

  get next(): number {
    return this.nextSequence;
  }

  /** Adds records in any order; duplicates (same sequence) are kept once. */
  add(records: readonly ExitRecordInfo[]): void {
    if (records.length === 0) return;
    const known = new Set(this.list.map((r) => r.sequence));
    const fresh = records.filter((r) => !known.has(r.sequence));
    if (fresh.length) {
      this.list = [...fresh, ...this.list].sort((a, b) => b.sequence - a.sequence);
      if (this.list.length > this.capacity) this.list.length = this.capacity;
    }
    const newest = Math.max(...records.map((r) => r.sequence));
    this.nextSequence = Math.max(this.nextSequence, newest + 1);
  }

  /**
   * Takes a batch event; returns the `since` to ask vmscope/exits for when the
   * batch does not reach back to what we already hold (more than 100 exits
   * happened), undefined when nothing is missing. Only the newest `window`
   * exits are asked for: a guest exiting 50k times a second must not make
   * the view pull its whole log four times a second.
   */
  receive(body: ExitsAvailableEventBody, window = this.capacity): number | undefined {
    const before = this.nextSequence;
    this.add(body.records);
    const oldestInBatch = body.records.length ? Math.min(...body.records.map((r) => r.sequence)) : body.next;
    this.nextSequence = Math.max(this.nextSequence, body.next);
    const wanted = Math.max(before, body.next - Math.min(window, this.capacity));
    return oldestInBatch > wanted ? wanted : undefined;
  }

  records(filter: ExitFilter = {}, limit = Number.POSITIVE_INFINITY): ExitRecordInfo[] {
    const out: ExitRecordInfo[] = [];
    for (const record of this.list) {
      if (out.length >= limit) break;
      if (matchesFilter(record, filter)) out.push(record);
    }
    return out;
  }

  reasons(): string[] {
    return [...new Set(this.list.map((r) => r.reason))].sort();
  }

  vcpus(): number[] {
    return [...new Set(this.list.map((r) => r.vcpu))].sort((a, b) => a - b);
  }

  clear(): void {
    this.list = [];
    this.nextSequence = 0;
  }
}
