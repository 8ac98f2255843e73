/**
 * `vmscope run --save-snapshot FILE [--save-snapshot-at N]` and
 * `--load-snapshot FILE`: the snapshot file on the host side. Failures are
 * user errors (exit status 2) naming the file and the reason.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Machine } from "../vmm-core/machine/machine";
import { UserInputError } from "../vmm-core/machine/errors";

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file or directory" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
}

/** Restores the machine from FILE; throws UserInputError (bad file, other machine options). */
export function loadSnapshotFile(machine: Machine, path: string): void {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UserInputError(`--load-snapshot '${path}': cannot read the snapshot: ${reason(error)}`);
  }
  try {
    machine.loadSnapshot(bytes);
  } catch (error) {
    if (error instanceof UserInputError) throw new UserInputError(`--load-snapshot '${path}': ${error.message}`);
    throw error;
  }
}

/** Writes the machine's snapshot to FILE; returns an error message instead of throwing (the run is ending or going on). */
export function saveSnapshotFile(machine: Machine, path: string): string | undefined {
  try {
    writeFileSync(path, machine.saveSnapshot());
    return undefined;
  } catch (error) {
    return `--save-snapshot '${path}': cannot write the snapshot: ${reason(error)}`;
  }
}
