/**
 * The built `vmscope` command as a child process, for end-to-end CLI tests,
 * and the shape every bad-input answer must have.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const cli = join(resolve(import.meta.dirname, "..", ".."), "bin", "vmscope.js");

export interface CliOutcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `vmscope ARGS` with `input` on stdin (empty by default). */
export function runVmscope(args: string[], options: { input?: string; encoding?: "utf8" | "latin1"; timeoutMs?: number } = {}): CliOutcome {
  const result = spawnSync(process.execPath, [cli, ...args], { input: options.input ?? "", encoding: options.encoding ?? "utf8", timeout: options.timeoutMs ?? 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Exit status 2 with exactly one `vmscope: ...` line on stderr matching `message`, no stack. */
export function assertUserError(outcome: CliOutcome, message: RegExp): void {
  assert.equal(outcome.status, 2, `exit status (stderr: ${outcome.stderr})`);
  assert.match(outcome.stderr, /^vmscope: [^\n]+\n$/, "one line on stderr");
  assert.match(outcome.stderr, message);
  assert.doesNotMatch(outcome.stderr, /internal error|\n\s+at /);
}
