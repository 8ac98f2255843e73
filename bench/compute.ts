/**
 * The compute benchmark: how fast vmscope's interpreter retires
 * instructions on a CPU-bound guest, against its 60 MIPS target and
 * against QEMU's TCG running the same ELF in the same session.
 */
import { computeGuest, expectedOutput, helloGuest } from "./guests";
import { alternateInQemu, type QemuRun } from "./qemu";
import { spreadOf } from "./stats";
import { row, type BenchOptions, type BenchResult } from "./types";
import type { VmscopeRun } from "./vmscope-run";
import { hasTool } from "../test/support/reference";
import { qemuBinary } from "../test/reference/qemu";

/** The interpreter's goal, in millions of instructions per second. */
export const targetMips = 60;

/** A runaway guest is stopped here (the compute guest needs ~153M). */
const maxInstructions = 2_000_000_000;
const qemuTimeoutMs = 60_000;

function checksumLine(output: string): string {
  return output.match(/checksum 0x[0-9a-f]+/)?.[0] ?? "(no checksum printed)";
}

async function measureVmscope(runs: number, options: BenchOptions): Promise<VmscopeRun[] | string> {
  let runInVmscope: typeof import("./vmscope-run").runInVmscope;
  try {
    ({ runInVmscope } = await import("./vmscope-run"));
  } catch (error) {
    return `vmscope's Machine could not be loaded: ${(error as Error).message.split("\n")[0]}`;
  }
  const results: VmscopeRun[] = [];
  for (let i = 0; i < runs; i++) {
    const run = runInVmscope(computeGuest, maxInstructions);
    options.log(`vmscope run ${i + 1}/${runs}: ${(run.wallMs / 1000).toFixed(2)} s, ${run.instructions} instructions, ${run.reason}`);
    results.push(run);
  }
  return results;
}

export async function computeBenchmark(options: BenchOptions): Promise<BenchResult> {
  const result: BenchResult = { name: "compute", rows: [], checks: [], notes: [] };
  const expected = expectedOutput(computeGuest);
  const vmscopeRuns = options.quick ? 1 : 3;
  // QEMU runs are short, and a busy host makes their difference noisy: take more.
  const qemuRuns = options.quick ? 5 : 10;

  // vmscope, in this process.
  const vm = await measureVmscope(vmscopeRuns, options);
  let instructions: number | undefined;
  let vmSeconds: number | undefined;
  let vmCpuSeconds: number | undefined;
  if (typeof vm === "string") {
    result.checks.push({ name: "vmscope: the Machine ran the guest", ok: false, detail: vm });
  } else {
    const last = vm[vm.length - 1];
    instructions = last.instructions;
    const wall = spreadOf(vm.map((run) => run.wallMs / 1000));
    vmSeconds = wall.best;
    vmCpuSeconds = spreadOf(vm.map((run) => run.cpuMs / 1000)).best;
    result.checks.push({
      name: "vmscope: guest powered off with exit code 0",
      ok: vm.every((run) => run.reason === "poweroff" && run.exitCode === 0),
      detail: vm.map((run) => `${run.reason}/${run.exitCode}`).join(", "),
    });
    result.checks.push({
      name: "vmscope: console output equals expected-output.txt",
      ok: vm.every((run) => run.output === expected),
      detail: checksumLine(last.output),
    });
    result.checks.push({
      name: "vmscope: instruction count is the same every run",
      ok: vm.every((run) => run.instructions === instructions),
      detail: vm.map((run) => run.instructions).join(", "),
    });
    result.notes.push(
      `vmscope wall time over ${vm.length} run(s): best ${wall.best.toFixed(3)} s, median ${wall.median.toFixed(3)} s, worst ${wall.worst.toFixed(3)} s; machine setup ${last.setupMs.toFixed(1)} ms (not counted)`,
    );
  }

  // QEMU TCG, as a child process.
  let qemuSeconds: number | undefined;
  let qemuCpuSeconds: number | undefined;
  let startupSeconds: number | undefined;
  if (!hasTool(qemuBinary)) {
    result.notes.push(`${qemuBinary} not found: no QEMU column`);
  } else {
    const { runs, baselineRuns: startup } = await alternateInQemu(computeGuest, helloGuest, qemuRuns, qemuTimeoutMs);
    const ok = (run: QemuRun) => !run.timedOut && run.exitCode === 0;
    result.checks.push({
      name: "QEMU: both guests powered off with exit code 0",
      ok: startup.every(ok) && runs.every(ok),
      detail: runs.map((run) => (run.timedOut ? "timeout" : String(run.exitCode))).join(", "),
    });
    result.checks.push({
      name: "QEMU: console output equals expected-output.txt",
      ok: runs.every((run) => run.output === expected),
      detail: checksumLine(runs[0].output),
    });
    if (typeof vm !== "string") {
      result.checks.push({
        name: "vmscope and QEMU printed the same checksum",
        ok: checksumLine(vm[0].output) === checksumLine(runs[0].output),
        detail: `${checksumLine(vm[0].output)} / ${checksumLine(runs[0].output)}`,
      });
    }
    const startupWall = spreadOf(startup.map((run) => run.wallMs / 1000));
    const computeWall = spreadOf(runs.map((run) => run.wallMs / 1000));
    startupSeconds = startupWall.best;
    const net = computeWall.best - startupWall.best;
    if (net > 0) qemuSeconds = net;
    else result.notes.push("QEMU's compute run was not measurably longer than its start-up: no QEMU speed");
    const cpu = (list: QemuRun[]) => list.map((run) => run.cpuMs).filter((ms): ms is number => ms !== undefined);
    if (cpu(runs).length === runs.length && cpu(startup).length === startup.length) {
      const netCpu = (spreadOf(cpu(runs)).best - spreadOf(cpu(startup)).best) / 1000;
      if (netCpu > 0) qemuCpuSeconds = netCpu;
    }
    result.notes.push(
      `QEMU spawn-to-exit over ${qemuRuns} runs: compute.elf best ${computeWall.best.toFixed(3)} s (worst ${computeWall.worst.toFixed(3)} s), hello.elf best ${startupWall.best.toFixed(3)} s (worst ${startupWall.worst.toFixed(3)} s); QEMU time = difference of the bests (CPU time likewise, at the host's clock-tick resolution)`,
    );
    result.notes.push("QEMU's instruction count is vmscope's count for the same ELF (same guest, same path through it)");
  }

  const millions = instructions !== undefined ? instructions / 1e6 : undefined;
  result.rows.push(row("instructions retired", "M", millions, qemuSeconds !== undefined ? millions : undefined));
  result.rows.push(row("wall time (best)", "s", vmSeconds, qemuSeconds));
  const mips = (seconds?: number) => (millions !== undefined && seconds !== undefined ? millions / seconds : undefined);
  result.rows.push(row("speed", "MIPS", mips(vmSeconds), mips(qemuSeconds), targetMips));
  result.rows.push(row("speed by CPU time", "MIPS", mips(vmCpuSeconds), mips(qemuCpuSeconds), targetMips));
  if (startupSeconds !== undefined) result.rows.push(row("QEMU start-up + shutdown", "s", undefined, startupSeconds));
  const vmMips = mips(vmSeconds);
  const vmCpuMips = mips(vmCpuSeconds);
  if (vmMips !== undefined && vmCpuMips !== undefined) {
    const percent = (value: number) => `${((value / targetMips) * 100).toFixed(0)}%`;
    result.notes.push(`target ${targetMips} MIPS: vmscope is at ${percent(vmMips)} of it by wall time, ${percent(vmCpuMips)} by CPU time`);
  }
  return result;
}
