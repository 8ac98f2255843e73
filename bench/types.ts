/**
 * The shape every benchmark returns, so bench/run.ts can print them all in
 * one table (and as JSON) whatever they measure: compute speed now, VM
 * exits per second and view latency later.
 */

/** One line of the table: a metric measured on vmscope and, where it applies, on QEMU. */
export interface MetricRow {
  metric: string;
  unit: string;
  vmscope?: number;
  qemu?: number;
  /** vmscope / QEMU, when both sides have a value. */
  ratio?: number;
  /** The figure vmscope aims for, when there is one. */
  target?: number;
}

/** A correctness check made while benchmarking (same checksum, clean power-off …). */
export interface BenchCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface BenchResult {
  name: string;
  rows: MetricRow[];
  checks: BenchCheck[];
  /** Free-text remarks (a missing reference tool, how a figure was derived). */
  notes: string[];
}

export interface BenchOptions {
  /** Fewer repetitions, for a quick look. */
  quick: boolean;
  /** Progress lines go here (stderr), never into the table or the JSON. */
  log(line: string): void;
}

/** A row with its ratio filled in when both sides are known. */
export function row(metric: string, unit: string, vmscope?: number, qemu?: number, target?: number): MetricRow {
  const result: MetricRow = { metric, unit };
  if (vmscope !== undefined) result.vmscope = vmscope;
  if (qemu !== undefined) result.qemu = qemu;
  if (vmscope !== undefined && qemu !== undefined && qemu !== 0) result.ratio = vmscope / qemu;
  if (target !== undefined) result.target = target;
  return result;
}
