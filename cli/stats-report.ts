/**
 * The `--stats` report: the machine's counters as a short human-readable
 * table on stderr.
 */

/** What machine.stats() returns (the Machine's contract). */
export interface MachineStats {
  instructions: number | bigint;
  trapsByCause: Record<string, number>;
  instructionsByPrivilege: { M: number | bigint; S: number | bigint; U: number | bigint };
  tlb: { hits: number | bigint; misses: number | bigint; walks: number | bigint; walkMemoryReferences: number | bigint };
}

function grouped(value: number | bigint): string {
  return BigInt(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "-";
}

/** Lines of the report, without trailing newlines. */
export function formatStats(stats: MachineStats, wallSeconds: number): string[] {
  const instructions = Number(stats.instructions);
  const mips = wallSeconds > 0 ? instructions / wallSeconds / 1e6 : 0;
  const lines = [
    "vmscope statistics",
    `  instructions retired  ${grouped(stats.instructions)}`,
    `  wall time             ${wallSeconds.toFixed(3)} s`,
    `  speed                 ${mips.toFixed(2)} MIPS`,
    "  instructions by privilege mode",
  ];
  for (const mode of ["M", "S", "U"] as const) {
    const count = stats.instructionsByPrivilege[mode];
    lines.push(`    ${mode}  ${grouped(count).padStart(16)}  ${percent(Number(count), instructions).padStart(6)}`);
  }
  const traps = Object.entries(stats.trapsByCause).sort((a, b) => b[1] - a[1]);
  lines.push(`  traps by cause${traps.length === 0 ? "        none" : ""}`);
  for (const [cause, count] of traps) lines.push(`    ${cause.padEnd(34)} ${grouped(count).padStart(12)}`);
  const { hits, misses, walks, walkMemoryReferences } = stats.tlb;
  const lookups = Number(hits) + Number(misses);
  const perWalk = Number(walks) > 0 ? (Number(walkMemoryReferences) / Number(walks)).toFixed(2) : "-";
  lines.push(
    "  TLB",
    `    hits      ${grouped(hits).padStart(16)}  ${percent(Number(hits), lookups).padStart(6)}`,
    `    misses    ${grouped(misses).padStart(16)}`,
    `    walks     ${grouped(walks).padStart(16)}`,
    `    memory references per walk  ${perWalk}`,
  );
  return lines;
}
