/**
 * `vmscope compare`: one guest in every virtualization mode that applies,
 * side by side — a text table with one column per mode, or `--json`. The
 * measuring is vmm-core/machine/mode-comparison.ts; this file reads the
 * files, prints, and picks the exit status.
 */
import { UserInputError } from "../vmm-core/machine/errors";
import { compareModes, firstDifference, type ComparedGuest, type ModeComparison, type ModeMeasurement } from "../vmm-core/machine/mode-comparison";
import type { ConsoleDeviceFigures } from "../vmm-core/devices/console-figures";
import { displayName, readGuestFile } from "../debug-adapter/host-files";
import type { CompareOptions } from "./arguments";
import { exitStatus as runExitStatus } from "./run";

export const compareExitStatus = { identical: 0, failed: 1, limit: runExitStatus.timeout } as const;

/** Where the report goes (stdout and stderr in the binary; strings in tests). */
export interface CompareOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: CompareOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** What `--json` prints for one mode: exactly these fields. */
export interface ModeFigures {
  instructions: number;
  exits: { total: number; byReason: Record<string, number> };
  pageFaults: { hidden: number; true: number };
  tlbMisses: number;
  walkRefsPerMiss: number;
  wallSeconds: number;
  mips: number;
}

export interface ComparisonJson {
  modes: Record<string, ModeFigures>;
  outputIdentical: boolean;
  skipped?: Record<string, string>;
}

const rounded = (value: number, digits: number): number => Number(value.toFixed(digits));

export function comparisonJson(comparison: ModeComparison): ComparisonJson {
  const modes: Record<string, ModeFigures> = {};
  for (const m of comparison.measurements) {
    modes[m.mode] = {
      instructions: m.guestInstructions,
      // Most frequent reason first, as in the table.
      exits: { total: m.exits.total, byReason: Object.fromEntries(Object.entries(m.exits.byReason).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) },
      pageFaults: { hidden: m.pageFaults.hidden, true: m.pageFaults.true },
      tlbMisses: m.tlbMisses,
      walkRefsPerMiss: rounded(m.walkRefsPerMiss, 3),
      wallSeconds: rounded(m.wallSeconds, 3),
      mips: rounded(m.mips, 3),
    };
  }
  const json: ComparisonJson = { modes, outputIdentical: comparison.outputIdentical };
  if (Object.keys(comparison.skipped).length > 0) json.skipped = { ...comparison.skipped } as Record<string, string>;
  return json;
}

function grouped(value: number): string {
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

const endNames = { poweroff: "power off", limit: "limit reached", halted: "halted" } as const;

function ended(m: ModeMeasurement): string {
  return m.end === "poweroff" && m.exitCode !== 0 ? `power off (${m.exitCode})` : endNames[m.end];
}

/** The report: a row per figure, a column per mode, then skipped modes and the bare machine's traps. */
export function formatComparison(comparison: ModeComparison, kernelName: string): string {
  const ms = comparison.measurements;
  const rows: [string, ...string[]][] = [];
  const row = (label: string, cell: (m: ModeMeasurement) => string): void => {
    rows.push([label, ...ms.map(cell)]);
  };
  row("", (m) => m.mode);
  row("runs", (m) => m.setup);
  row("ended", ended);
  row("guest instructions", (m) => grouped(m.guestInstructions));
  row("VM exits", (m) => grouped(m.exits.total));
  const reasons = [...new Set(ms.flatMap((m) => Object.keys(m.exits.byReason)))].sort(
    (a, b) => Math.max(...ms.map((m) => m.exits.byReason[b] ?? 0)) - Math.max(...ms.map((m) => m.exits.byReason[a] ?? 0)) || a.localeCompare(b),
  );
  for (const reason of reasons) row(`  ${reason}`, (m) => (m.exits.byReason[reason] === undefined ? "-" : grouped(m.exits.byReason[reason])));
  if (ms.some((m) => m.exits.translated !== undefined)) {
    row("translated, no exit", (m) => (m.exits.translated === undefined ? "-" : grouped(m.exits.translated)));
  }
  row("page faults, hidden", (m) => grouped(m.pageFaults.hidden));
  row("page faults, true", (m) => grouped(m.pageFaults.true));
  row("TLB misses", (m) => grouped(m.tlbMisses));
  row("walk refs per miss", (m) => m.walkRefsPerMiss.toFixed(2));
  row("monitor work (cost)", (m) => grouped(m.monitorWork));
  row("wall seconds", (m) => m.wallSeconds.toFixed(3));
  row("guest MIPS", (m) => m.mips.toFixed(2));
  row("guest output", (m) => (m === ms[0] ? `${grouped(m.output.length)} bytes` : firstDifference(ms[0], m) ? "differs" : "identical"));
  consoleDeviceRows(ms, row);

  const widths = rows[0].map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
  const lines = [`vmscope compare: ${kernelName}`, ""];
  for (const cells of rows) {
    lines.push(cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join("   ").trimEnd());
  }
  for (const m of ms) {
    if (m.firmwareOutputBytes > 0) lines.push("", `${m.mode}: the firmware's ${grouped(m.firmwareOutputBytes)} bytes of output before the kernel started are left out of the comparison`);
  }
  const skipped = Object.entries(comparison.skipped);
  if (skipped.length > 0) {
    lines.push("", "skipped");
    for (const [mode, reason] of skipped) lines.push(`  ${mode}: ${reason}`);
  }
  for (const m of ms.filter((m) => m.mode === "none")) {
    // On the bare machine nothing exits: firmware and kernel take their own traps.
    const traps = Object.entries(m.traps);
    lines.push("", `${m.mode}: traps on the bare machine (firmware's and kernel's; not VM exits)${traps.length === 0 ? ": none" : ""}`);
    const width = Math.max(0, ...traps.map(([cause]) => cause.length));
    for (const [cause, count] of traps) lines.push(`  ${cause.padEnd(width)}  ${grouped(count).padStart(12)}`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Emulated against paravirtual: per console device that printed anything,
 * bytes, register accesses and (under a monitor) exits and host time per
 * KiB. Kept out of --json, whose fields are fixed.
 */
function consoleDeviceRows(ms: ModeMeasurement[], row: (label: string, cell: (m: ModeMeasurement) => string) => void): void {
  const devices = [...new Set(ms.flatMap((m) => m.consoleDevices.filter((d) => d.bytes > 0).map((d) => d.device)))];
  if (devices.length === 0) return;
  row("console devices", () => "");
  for (const device of devices) {
    const of = (m: ModeMeasurement) => m.consoleDevices.find((d) => d.device === device);
    const perKiB = (m: ModeMeasurement, pick: (p: NonNullable<ConsoleDeviceFigures["perKiB"]>) => number, digits: number) => {
      const figures = of(m)?.perKiB;
      return figures === undefined ? "-" : pick(figures).toFixed(digits);
    };
    row(`  ${device} bytes`, (m) => grouped(of(m)?.bytes ?? 0));
    row(`  ${device} accesses per KiB`, (m) => perKiB(m, (p) => p.accesses, 1));
    row(`  ${device} exits per KiB`, (m) => (m.mode === "none" ? "-" : perKiB(m, (p) => p.exits, 1)));
    row(`  ${device} host µs per KiB`, (m) => (m.mode === "none" ? "-" : perKiB(m, (p) => p.hostMicroseconds, 0)));
  }
}

function quoted(text: string | undefined): string {
  return text === undefined ? "(output ended)" : JSON.stringify(text);
}

/** Runs the comparison; resolves with the exit status. Bad input throws UserInputError (main makes it status 2). */
export async function compareGuest(options: CompareOptions, output: CompareOutput = processOutput): Promise<number> {
  const guest: ComparedGuest = {
    bios: options.bios === undefined ? undefined : readGuestFile(options.bios, "bios"),
    biosName: options.bios === undefined ? undefined : displayName(options.bios),
    kernel: readGuestFile(options.kernel, "kernel"),
    kernelName: displayName(options.kernel),
    memory: options.memory,
    harts: options.harts,
    append: options.append,
    instructionsPerTick: options.instructionsPerTick,
    engine: options.engine,
  };
  const input =
    options.input === undefined
      ? undefined
      : "file" in options.input
        ? readGuestFile(options.input.file, "input")
        : new TextEncoder().encode(options.input.text);
  const comparison = await compareModes(guest, { input, maxInstructions: options.maxInstructions });
  if (comparison.measurements.length === 0) throw new UserInputError(`no mode can run ${guest.kernelName}`);

  output.out(options.json ? JSON.stringify(comparisonJson(comparison), null, 2) + "\n" : formatComparison(comparison, guest.kernelName));

  const limited = comparison.measurements.filter((m) => m.end === "limit");
  for (const m of limited) output.err(`vmscope: ${m.mode}: instruction limit reached (${m.executed} instructions)\n`);
  if (limited.length > 0) return compareExitStatus.limit;
  const difference = comparison.difference;
  if (difference) {
    const [a, b] = difference.modes;
    output.err(`vmscope: guest output differs at line ${difference.line}: ${a}: ${quoted(difference.texts[0])}, ${b}: ${quoted(difference.texts[1])}\n`);
    return compareExitStatus.failed;
  }
  let status: number = compareExitStatus.identical;
  for (const m of comparison.measurements) {
    if (m.end === "halted") {
      output.err(`vmscope: ${m.mode}: every hart is halted and no input is left to wake them\n`);
      status = compareExitStatus.failed;
    } else if (m.exitCode !== 0) {
      output.err(`vmscope: ${m.mode}: the guest powered off with code ${m.exitCode}\n`);
      status = compareExitStatus.failed;
    }
  }
  return status;
}
