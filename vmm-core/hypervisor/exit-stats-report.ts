/**
 * The VM-exit statistics as a text table for `vmscope run --stats`, in the
 * spirit of kvm_stat: one row per exit reason and detail, most frequent
 * first, with its share of all exits, mean deterministic cost and mean host
 * time, then a total row.
 */
import type { ExitCounters, ExitStatistics } from "./exit-log";

export interface ExitReportOptions {
  /** "detail" (default): a row per reason and detail; "reason": a row per reason. */
  groupBy?: "detail" | "reason";
}

interface Row {
  reason: string;
  detail: string;
  counters: ExitCounters;
}

const headers = ["reason", "detail", "count", "% of exits", "mean cost", "mean host µs"] as const;
/** Columns 0 and 1 are text (left-aligned), the rest numbers (right-aligned). */
const textColumns = 2;

function rowsOf(statistics: ExitStatistics, groupBy: "detail" | "reason"): Row[] {
  const rows: Row[] = [];
  if (groupBy === "reason") {
    for (const [reason, counters] of Object.entries(statistics.byReason)) rows.push({ reason, detail: "", counters });
  } else {
    for (const [reason, details] of Object.entries(statistics.byDetail)) {
      for (const [detail, counters] of Object.entries(details)) rows.push({ reason, detail, counters });
    }
  }
  // Most frequent first; ties by name so the table is the same every run.
  return rows.sort(
    (a, b) => b.counters.count - a.counters.count || a.reason.localeCompare(b.reason) || a.detail.localeCompare(b.detail),
  );
}

function cells(reason: string, detail: string, counters: ExitCounters, total: number): string[] {
  const share = total === 0 ? 0 : (100 * counters.count) / total;
  const meanCost = counters.count === 0 ? 0 : counters.cost / counters.count;
  const meanHostMicroseconds = counters.count === 0 ? 0 : counters.hostNanoseconds / counters.count / 1000;
  return [reason, detail, String(counters.count), `${share.toFixed(1)}%`, meanCost.toFixed(1), meanHostMicroseconds.toFixed(2)];
}

export function formatExitStatistics(statistics: ExitStatistics, options: ExitReportOptions = {}): string {
  const rows = rowsOf(statistics, options.groupBy ?? "detail");
  const totals: ExitCounters = { count: 0, cost: 0, hostNanoseconds: 0 };
  for (const counters of Object.values(statistics.byReason)) {
    totals.count += counters.count;
    totals.cost += counters.cost;
    totals.hostNanoseconds += counters.hostNanoseconds;
  }
  const table = [
    [...headers],
    ...rows.map((row) => cells(row.reason, row.detail, row.counters, statistics.total)),
    cells("total", "", totals, statistics.total),
  ];
  const widths = headers.map((_, column) => Math.max(...table.map((line) => line[column].length)));
  const format = (line: string[]) =>
    line
      .map((cell, column) => (column < textColumns ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [format(table[0]), rule, ...table.slice(1, -1).map(format), rule, format(table[table.length - 1])].join("\n") + "\n";
}
