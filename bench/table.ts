/** Renders benchmark results as a plain-text table (and the JSON document for --json). */
import type { BenchResult, MetricRow } from "./types";

function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "-";
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "-" : `${formatNumber(value)}x`;
}

const header = ["metric", "unit", "vmscope", "QEMU", "ratio", "target"];

function cells(r: MetricRow): string[] {
  return [r.metric, r.unit, formatNumber(r.vmscope), formatNumber(r.qemu), formatRatio(r.ratio), formatNumber(r.target)];
}

/** One block per benchmark: its table, its checks (PASS/FAIL) and its notes. */
export function formatTable(results: BenchResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const table = [header, ...result.rows.map(cells)];
    const widths = header.map((_, column) => Math.max(...table.map((line) => line[column].length)));
    const render = (line: string[]) =>
      line.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ");
    lines.push(`== ${result.name} ==`);
    lines.push(render(header));
    lines.push(widths.map((w) => "-".repeat(w)).join("  "));
    for (const line of table.slice(1)) lines.push(render(line));
    for (const check of result.checks) lines.push(`${check.ok ? "PASS" : "FAIL"}  ${check.name}: ${check.detail}`);
    for (const note of result.notes) lines.push(`note: ${note}`);
    lines.push("");
  }
  return lines.join("\n");
}

export interface BenchReport {
  host: { node: string; platform: string; arch: string; cpu: string; cpus: number };
  quick: boolean;
  benchmarks: BenchResult[];
}
