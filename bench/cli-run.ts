/**
 * `vmscope run` in a fresh process, as a user runs a guest: the JIT starts
 * cold, so a short guest's time is mostly the engine warming up. The
 * figure is the run's own wall time (the `--stats` report's, machine.run
 * only), not node's start-up or the bundle's load.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const cli = join(import.meta.dirname, "..", "dist", "cli.js");

export interface CliRun {
  /** Wall time of the run as `--stats` reports it (millisecond resolution). */
  wallMs: number;
  /** The guest's console output. */
  output: string;
  /** The command's exit status (the guest's power-off code). */
  status: number | null;
}

/** Runs `vmscope run --stats ARGS ELF` to its end; throws with the CLI's own message when it fails. */
export function runCli(elfPath: string, args: readonly string[]): CliRun {
  const child = spawnSync(process.execPath, [cli, "run", "--stats", ...args, elfPath], { encoding: "latin1", timeout: 120_000 });
  // --stats reports on stderr; stdout is the guest's console.
  const wall = /^\s*wall time\s+([\d.]+) s$/m.exec(child.stderr ?? "");
  if (child.error !== undefined || wall === null) {
    throw new Error(`vmscope run ${args.join(" ")} ${elfPath}: ${child.error?.message ?? `no wall time in its report (exit status ${child.status}): ${(child.stderr ?? "").trim().slice(-300)}`}`);
  }
  return { wallMs: Number(wall[1]) * 1000, output: child.stdout ?? "", status: child.status };
}
