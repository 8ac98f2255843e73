/**
 * Exit timeline data: exits per reason counted in equal slices of guest time
 * (instret), ready for chart.js. Sent to the webview as JSON through
 * postMessage, so no guest string ever becomes markup.
 */
import type { ExitRecordInfo } from "../../debug-adapter/protocol";

export interface TimelineData {
  /** Bucket start in guest instructions retired. */
  labels: string[];
  datasets: { reason: string; counts: number[] }[];
  /** Guest-time span covered and how many exits it holds. */
  from: number;
  to: number;
  total: number;
}

export function bucketExits(records: readonly ExitRecordInfo[], bucketCount = 40): TimelineData {
  if (records.length === 0) return { labels: [], datasets: [], from: 0, to: 0, total: 0 };
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    from = Math.min(from, r.instret);
    to = Math.max(to, r.instret);
  }
  const buckets = Math.max(1, Math.min(bucketCount, to - from + 1));
  const width = Math.max(1, Math.ceil((to - from + 1) / buckets));
  const byReason = new Map<string, number[]>();
  for (const r of records) {
    let counts = byReason.get(r.reason);
    if (!counts) byReason.set(r.reason, (counts = new Array<number>(buckets).fill(0)));
    counts[Math.min(buckets - 1, Math.floor((r.instret - from) / width))]++;
  }
  const labels = Array.from({ length: buckets }, (_, i) => String(from + i * width));
  const datasets = [...byReason]
    .map(([reason, counts]) => ({ reason, counts }))
    .sort((a, b) => sum(b.counts) - sum(a.counts) || a.reason.localeCompare(b.reason));
  return { labels, datasets, from, to, total: records.length };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
