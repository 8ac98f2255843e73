/**
 * `npm run bench`: runs every benchmark and prints one table per benchmark
 * (metric, vmscope, QEMU, ratio), or with --json the same figures as JSON.
 * --quick runs fewer repetitions; --soak runs only the long soak
 * (bench/soak.ts); --boot runs only the boot table (bench/boot.ts);
 * --translator only the engines' and modes' table (bench/translator.ts);
 * --samples only the samples' MIPS per engine and mode (bench/samples.ts). The exit status is 1 when a correctness check failed (a wrong checksum makes the speed meaningless).
 */
import { arch, cpus, platform } from "node:os";
import { computeBenchmark } from "./compute";
import { computeSmodeGuest, syscallsGuest } from "./guests";
import { faultStormBenchmark, hypervisorBenchmark } from "./hypervisor";
import { debuggerBenchmark } from "./debugger";
import { translatorBenchmark } from "./translator";
import { devicesBenchmark } from "./devices";
import { viewsBenchmark } from "./views";
import { soakBenchmark } from "./soak";
import { bootBenchmark } from "./boot";
import { samplesBenchmark } from "./samples";
import { formatTable, type BenchReport } from "./table";
import type { BenchOptions, BenchResult } from "./types";

/** Later benchmarks (view latency) are added here. */
const benchmarks: Array<(options: BenchOptions) => Promise<BenchResult>> = [
  computeBenchmark,
  hypervisorBenchmark(syscallsGuest),
  hypervisorBenchmark(computeSmodeGuest),
  faultStormBenchmark,
  debuggerBenchmark,
  translatorBenchmark,
  samplesBenchmark,
  devicesBenchmark,
  viewsBenchmark,
  bootBenchmark,
];

async function main(argv: string[]): Promise<number> {
  const alone: Record<string, (options: BenchOptions) => Promise<BenchResult>> = { "--soak": soakBenchmark, "--boot": bootBenchmark, "--translator": translatorBenchmark, "--samples": samplesBenchmark };
  const known = new Set(["--json", "--quick", ...Object.keys(alone)]);
  const unknown = argv.filter((arg) => !known.has(arg));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown option ${unknown.join(" ")} (known: ${[...known].join(", ")})\n`);
    return 2;
  }
  const json = argv.includes("--json");
  const options: BenchOptions = {
    quick: argv.includes("--quick"),
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  };
  // --soak runs the soak alone: it takes minutes, and its memory figures must be its own.
  const chosen = Object.keys(alone).filter((flag) => argv.includes(flag));
  const selected = chosen.length > 0 ? chosen.map((flag) => alone[flag]) : benchmarks;
  const results: BenchResult[] = [];
  for (const benchmark of selected) results.push(await benchmark(options));

  if (json) {
    const processors = cpus();
    const report: BenchReport = {
      host: { node: process.version, platform: platform(), arch: arch(), cpu: processors[0]?.model ?? "unknown", cpus: processors.length },
      quick: options.quick,
      benchmarks: results,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(formatTable(results));
  }
  return results.every((result) => result.checks.every((check) => check.ok)) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
