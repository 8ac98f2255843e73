/**
 * Runs the `vmscope` command line built from the sources checked out now:
 * cli/main.ts is bundled once per test process with esbuild (as
 * scripts/build.mjs does, into a temporary folder), so the suite never tests
 * a stale dist/ and each run starts in a fraction of tsx's time.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";

export const repositoryRoot = join(import.meta.dirname, "..", "..");

let bundled: Promise<string> | undefined;
let bundleDir: string | undefined;

/** Path of the bundled command line (built on first use). */
export function cliBundle(): Promise<string> {
  bundled ??= (async () => {
    bundleDir = mkdtempSync(join(tmpdir(), "vmscope-cli-bundle-"));
    const outfile = join(bundleDir, "cli.js");
    await build({
      absWorkingDir: repositoryRoot,
      entryPoints: ["cli/main.ts"],
      outfile,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      external: ["vscode"],
      define: { __VMSCOPE_VERSION__: JSON.stringify("reliability") },
      logLevel: "error",
    });
    process.once("exit", () => rmSync(bundleDir!, { recursive: true, force: true }));
    return outfile;
  })();
  return bundled;
}

export interface CliResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

export async function runCli(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const cli = await cliBundle();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cli, ...args],
      { cwd: repositoryRoot, encoding: "buffer", timeout: options.timeoutMs ?? 60_000, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ status, stdout, stderr: stderr.toString("utf8") });
      },
    );
    child.stdin?.end(options.input ?? "");
  });
}

/** Starts `vmscope ARGS` with pipes, for protocol tests. */
export async function spawnCli(args: string[]): Promise<ChildProcess> {
  const cli = await cliBundle();
  return spawn(process.execPath, [cli, ...args], { cwd: repositoryRoot, stdio: ["pipe", "pipe", "pipe"] });
}
