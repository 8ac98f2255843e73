/**
 * Reads the exit table `vmscope run --stats` prints on stderr (columns
 * reason, detail, count, ...; see vmm-core/hypervisor/exit-stats-report.ts).
 * Columns are found from the header line, since a detail may be empty.
 */

/** Exits of `reason` (and `detail`, when given) summed over the table's rows. */
export function exitCount(stderr: string, reason: string, detail?: string): number {
  const lines = stderr.split("\n");
  const header = lines.findIndex((line) => /^reason\s+detail\s+count\b/.test(line));
  if (header < 0) return 0;
  const detailAt = lines[header].indexOf("detail");
  const countAt = lines[header].indexOf("count");
  const countEnd = countAt + "count".length;
  let total = 0;
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === "") break;
    if (line.slice(0, detailAt).trim() !== reason) continue;
    if (detail !== undefined && line.slice(detailAt, countAt).trim().replace(/\s+$/, "") !== detail) continue;
    // Counts are right-aligned under the header's "count".
    const count = Number(line.slice(detailAt, countEnd).trim().split(/\s+/).pop()?.replace(/,/g, ""));
    if (Number.isFinite(count)) total += count;
  }
  return total;
}
