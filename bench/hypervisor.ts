/**
 * The hypervisor benchmark: what trap-and-emulate costs. Each S-mode guest
 * kernel runs on the bare machine under OpenSBI (mode none) and under
 * vmscope's monitor (trap-and-emulate); the table gives both speeds, the
 * slowdown, the VM exits, and the host cost of one exit round trip
 * (trap → monitor → resume) two ways: the monitor's own host time per exit
 * from the exit log, and end to end, the extra wall time per exit.
 */
import { expectedOutput, kernelOutput, type KernelGuest } from "./guests";
import { spreadOf } from "./stats";
import { row, type BenchOptions, type BenchResult } from "./types";
import type { ModeRun } from "./mode-run";
import { hasTool } from "../test/support/reference";

/** The goal for one exit round trip, in microseconds. */
export const targetExitMicroseconds = 2;

/** A runaway guest is stopped here (compute-smode needs ~160M with OpenSBI). */
const maxInstructions = 2_000_000_000;
/** Reasons listed one by one in the table (the rest are in the JSON's notes). */
const topReasons = 4;
/** Below this many exits the wall-time difference is mostly execution speed, not exits. */
const minExitsForEndToEnd = 10_000;

type RunInMode = typeof import("./mode-run").runInMode;

interface ModeSummary {
  runs: ModeRun[];
  /** The run with the best wall time: its figures go into the table. */
  best: ModeRun;
}

function summarize(runs: ModeRun[]): ModeSummary {
  const best = runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  return { runs, best };
}

/** Exit reasons, most frequent first. */
function reasonsByCount(run: ModeRun): Array<[string, { count: number; hostNanoseconds: number }]> {
  return Object.entries(run.exits?.byReason ?? {}).sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
}

function hostNanoseconds(run: ModeRun): number {
  return Object.values(run.exits?.byReason ?? {}).reduce((sum, counters) => sum + counters.hostNanoseconds, 0);
}

function guestBenchmark(guest: KernelGuest, runInMode: RunInMode, options: BenchOptions): BenchResult {
  const result: BenchResult = { name: `hypervisor: ${guest.name}`, rows: [], checks: [], notes: [] };
  const expected = expectedOutput(guest);
  const repetitions = options.quick ? 1 : 3;
  const byMode: Record<"none" | "trap-and-emulate" | "hardware-assisted", ModeRun[]> = { none: [], "trap-and-emulate": [], "hardware-assisted": [] };
  // Alternating, so a burst of load on the host hits both modes alike.
  for (let i = 0; i < repetitions; i++) {
    for (const mode of ["none", "trap-and-emulate", "hardware-assisted"] as const) {
      const run = runInMode(guest, mode, maxInstructions);
      const exits = run.exits ? `, ${run.exits.total} exits` : "";
      options.log(`${guest.name} ${mode} run ${i + 1}/${repetitions}: ${(run.wallMs / 1000).toFixed(2)} s, ${run.instructions} instructions${exits}, ${run.reason}`);
      byMode[mode].push(run);
    }
  }
  const none = summarize(byMode.none);
  const emulated = summarize(byMode["trap-and-emulate"]);
  const assisted = summarize(byMode["hardware-assisted"]);
  const kernel = (run: ModeRun) => kernelOutput(guest, run.console) ?? "(no banner)";
  const lastLine = (text: string) => JSON.stringify(text.trimEnd().split("\n").at(-1) ?? "");

  // Correctness first: a guest that printed something else was not measured.
  result.checks.push({
    name: "none (OpenSBI): the kernel powered off with exit code 0",
    ok: none.runs.every((run) => run.reason === "poweroff" && run.exitCode === 0),
    detail: none.runs.map((run) => `${run.reason}/${run.exitCode}`).join(", "),
  });
  result.checks.push({
    name: "trap-and-emulate: the kernel shut down through SBI SRST with exit code 0",
    ok: emulated.runs.every((run) => run.reason === "poweroff" && run.exitCode === 0 && run.powerSource === "SBI SRST"),
    detail: emulated.runs.map((run) => `${run.reason}/${run.exitCode} (${run.powerSource})`).join(", "),
  });
  result.checks.push({
    name: "hardware-assisted: the kernel shut down through SBI SRST with exit code 0, its output the same",
    ok: assisted.runs.every((run) => run.reason === "poweroff" && run.exitCode === 0 && run.powerSource === "SBI SRST" && kernel(run) === kernel(none.runs[0])),
    detail: assisted.runs.map((run) => `${run.reason}/${run.exitCode} (${run.powerSource})`).join(", "),
  });
  result.checks.push({
    name: "both modes print identical guest output",
    ok: [...none.runs, ...emulated.runs].every((run) => kernel(run) === kernel(none.runs[0])) && emulated.runs.every((run) => run.console === kernel(run)),
    detail: `${lastLine(kernel(none.best))} / ${lastLine(kernel(emulated.best))}`,
  });
  result.checks.push({
    name: `guest output equals ${guest.expectedOutputPath.split("/").slice(-2).join("/")}`,
    ok: kernel(none.best) === expected && kernel(emulated.best) === expected,
    detail: lastLine(expected),
  });
  result.checks.push({
    name: "trap-and-emulate: the same instructions and exits every run",
    ok: emulated.runs.every(
      (run) => run.instructions === emulated.best.instructions && JSON.stringify(counts(run)) === JSON.stringify(counts(emulated.best)),
    ),
    detail: emulated.runs.map((run) => `${run.instructions}/${run.exits?.total ?? 0}`).join(", "),
  });

  const seconds = (run: ModeRun) => run.wallMs / 1000;
  const mips = (run: ModeRun) => run.instructions / 1e6 / seconds(run);
  const exits = emulated.best.exits?.total ?? 0;
  result.rows.push(row("none: wall time (best)", "s", seconds(none.best)));
  result.rows.push(row("none: instructions", "M", none.best.instructions / 1e6));
  result.rows.push(row("none: speed", "MIPS", mips(none.best)));
  result.rows.push(row("trap-and-emulate: wall time (best)", "s", seconds(emulated.best)));
  result.rows.push(row("trap-and-emulate: instructions", "M", emulated.best.instructions / 1e6));
  result.rows.push(row("trap-and-emulate: speed", "MIPS", mips(emulated.best)));
  result.rows.push(row("slowdown (trap-and-emulate / none)", "x", seconds(emulated.best) / seconds(none.best)));
  result.rows.push(row("exits", "count", exits));
  result.rows.push(row("exits per second", "1/s", exits / seconds(emulated.best)));
  if (exits > 0) {
    result.rows.push(row("exit round trip, monitor host time", "µs", hostNanoseconds(emulated.best) / exits / 1000, undefined, targetExitMicroseconds));
  }
  const extraMs = emulated.best.wallMs - none.best.wallMs;
  if (exits >= minExitsForEndToEnd) {
    result.rows.push(row("exit round trip, end to end", "µs", (extraMs * 1000) / exits, undefined, targetExitMicroseconds));
  } else {
    result.notes.push(`only ${exits} exits: no end-to-end figure (the ${extraMs.toFixed(0)} ms wall-time difference is execution speed, not exits)`);
  }
  const assistedExits = assisted.best.exits?.total ?? 0;
  result.rows.push(row("hardware-assisted: wall time (best)", "s", seconds(assisted.best)));
  result.rows.push(row("hardware-assisted: speed", "MIPS", mips(assisted.best)));
  result.rows.push(row("slowdown (hardware-assisted / none)", "x", seconds(assisted.best) / seconds(none.best)));
  result.rows.push(row("hardware-assisted: exits", "count", assistedExits));
  result.rows.push(row("hardware-assisted: exits per second", "1/s", assistedExits / seconds(assisted.best)));
  if (assistedExits > 0) {
    result.rows.push(row("hardware-assisted: exit round trip, monitor host time", "µs", hostNanoseconds(assisted.best) / assistedExits / 1000, undefined, targetExitMicroseconds));
  }
  for (const [reason, counters] of reasonsByCount(emulated.best).slice(0, topReasons)) {
    result.rows.push(row(`exits: ${reason}`, "count", counters.count));
    result.rows.push(row(`round trip: ${reason}`, "µs", counters.hostNanoseconds / counters.count / 1000));
  }

  const all = reasonsByCount(emulated.best).map(([reason, counters]) => `${reason} ${counters.count} (${(counters.hostNanoseconds / counters.count / 1000).toFixed(2)} µs)`);
  result.notes.push(`exits by reason (monitor host time per exit): ${all.join(", ")}`);
  const spread = (runs: ModeRun[]) => {
    const wall = spreadOf(runs.map(seconds));
    return `best ${wall.best.toFixed(3)} s, median ${wall.median.toFixed(3)} s, worst ${wall.worst.toFixed(3)} s over ${runs.length} run(s)`;
  };
  result.notes.push(`none: wall ${spread(none.runs)}; OpenSBI's boot (${(none.best.firmwareInstructions / 1e6).toFixed(1)}M instructions, ${(none.best.firmwareMs / 1000).toFixed(2)} s) not counted`);
  result.notes.push(`trap-and-emulate: wall ${spread(emulated.runs)}`);
  result.notes.push(`hardware-assisted: wall ${spread(assisted.runs)}; exits ${reasonsByCount(assisted.best).map(([reason, counters]) => `${reason} ${counters.count}`).join(", ")}`);
  result.notes.push(
    "instructions are those the hart retired; under the monitor the trapping ones (CSR accesses, sret, sfence.vma, ecall) are emulated, not retired, and OpenSBI's SBI handlers count in mode none",
  );
  result.notes.push(
    "monitor host time = host nanoseconds the exit log holds (trap dispatch to record, the hart's trap entry and resume excluded) / exits; end to end = (trap-and-emulate wall - none wall) / exits",
  );
  return result;
}

/** Exit counts per reason: deterministic, unlike host times. */
function counts(run: ModeRun): Record<string, number> {
  return Object.fromEntries(reasonsByCount(run).map(([reason, counters]) => [reason, counters.count]));
}

/** The benchmark for one guest kernel (bench/run.ts registers one per guest). */
export function hypervisorBenchmark(guest: KernelGuest): (options: BenchOptions) => Promise<BenchResult> {
  return async (options) => {
    const name = `hypervisor: ${guest.name}`;
    let runInMode: RunInMode;
    let openSbiFwJump: string;
    try {
      ({ runInMode, openSbiFwJump } = await import("./mode-run"));
    } catch (error) {
      const detail = `vmscope's Machine could not be loaded: ${(error as Error).message.split("\n")[0]}`;
      return { name, rows: [], checks: [{ name: "the Machine ran the guest", ok: false, detail }], notes: [] };
    }
    // Mode none needs the firmware; without it there is nothing to compare against.
    if (!hasTool(openSbiFwJump)) return { name, rows: [], checks: [], notes: [`${openSbiFwJump} not found (Debian package opensbi): benchmark skipped`] };
    return guestBenchmark(guest, runInMode, options);
  };
}

// ---- fault storms -------------------------------------------------------

/** Hostile guests (test/reliability/hostile) that exit on (nearly) every instruction, per monitor mode. */
const stormGuests = [
  { name: "trap-and-emulate: random guest kernel #1", what: "illegal instruction every other instruction" },
  { name: "trap-and-emulate: misaligned and illegal everything", what: "misaligned and device accesses, CSR handler" },
  { name: "hardware-assisted: misaligned and illegal everything", what: "device accesses through the nested tables" },
];
/** Per measuring round: short, so the best round is one the rest of the host left alone. */
const stormRoundMs = 250;

/**
 * What an exit costs when the guest does nothing else: the CPU time of this
 * process per exit (GC included), best and median over rounds (the best is
 * the one other processes disturbed least), and exits per second.
 */
export async function faultStormBenchmark(options: BenchOptions): Promise<BenchResult> {
  const result: BenchResult = { name: "hypervisor: fault storms (exit cost when every instruction exits)", rows: [], checks: [], notes: [] };
  const [{ Machine }, { hostilePrograms }] = await Promise.all([import("../vmm-core/machine/machine"), import("../test/reliability/hostile/programs")]);
  const { PerformanceObserver } = await import("node:perf_hooks");
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ["gc"] });
  const rounds = options.quick ? 4 : 12;
  const programs = hostilePrograms(["trap-and-emulate", "hardware-assisted"]);
  try {
    for (const guest of stormGuests) {
      const program = programs.find((p) => p.name === guest.name);
      if (!program) throw new Error(`no hostile program named ${guest.name}`);
      const machine = new Machine({ memory: 8 * 1024 * 1024, kernel: program.image, mode: program.mode });
      machine.run(200_000); // warm-up: compiled code and the shadow or nested tables in place
      const samples: number[] = [];
      let exits = 0;
      let gcTotal = 0;
      let wallTotal = 0;
      for (let round = 0; round < rounds; round++) {
        const before = machine.monitor!.exits.total;
        // A GC observed after the round is charged to it: entries arrive asynchronously.
        await new Promise((resolve) => setImmediate(resolve));
        gcMs = 0;
        const cpu = process.cpuUsage();
        const started = performance.now();
        while (performance.now() - started < stormRoundMs) {
          if (machine.run(5_000).reason !== "budget") break;
        }
        const used = process.cpuUsage(cpu);
        const wallMs = performance.now() - started;
        await new Promise((resolve) => setImmediate(resolve));
        const count = machine.monitor!.exits.total - before;
        exits += count;
        gcTotal += gcMs;
        wallTotal += wallMs;
        if (count > 0) samples.push((used.user + used.system) / count);
      }
      result.checks.push({ name: `${guest.name}: the guest exits continuously`, ok: samples.length === rounds && exits > 10_000, detail: `${exits} exits in ${rounds} rounds` });
      if (samples.length === 0) continue;
      const sorted = [...samples].sort((a, b) => a - b);
      const best = sorted[0];
      const median = sorted[Math.floor(sorted.length / 2)];
      // Per CPU second, not per wall second: on a loaded host the wall clock mostly measures the other processes.
      result.rows.push(row(`${guest.name}: exits per CPU second (best round)`, "1/s", 1e6 / best));
      result.rows.push(row(`${guest.name}: CPU per exit (best round)`, "µs", best));
      result.rows.push(row(`${guest.name}: CPU per exit (median round)`, "µs", median));
      result.notes.push(`${guest.name} (${guest.what}): garbage collection ${((gcTotal / wallTotal) * 100).toFixed(0)} % of the rounds' wall time`);
      options.log(`fault storm ${guest.name}: ${best.toFixed(2)} µs CPU per exit (best of ${rounds})`);
    }
  } finally {
    observer.disconnect();
  }
  result.notes.push(`${rounds} rounds of ${stormRoundMs} ms per guest; CPU per exit = this process's user + system time / exits, GC and the hart's own work included`);
  return result;
}
