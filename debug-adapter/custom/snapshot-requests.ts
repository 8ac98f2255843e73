/**
 * vmscope/saveSnapshot and vmscope/loadSnapshot: the debugger's entry to
 * machine snapshots (vmm-core/snapshot). Save writes the complete VM to a
 * file on the adapter's host; load restores one into the running session's
 * machine, which must have been launched with the same options — the basis
 * for going back in time while debugging.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Machine } from "../../vmm-core/machine/machine";
import { UserInputError } from "../../vmm-core/machine/errors";
import { InspectionError } from "../inspection/guest-memory-access";
import type { SnapshotResponse } from "../protocol";
import { argumentsObject, requiredString } from "./arguments";
import { totalInstructions } from "./exits";

function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file or directory" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EISDIR" ? "it is a directory" : (error as Error).message;
}

function snapshotPath(args: unknown): string {
  const path = requiredString(argumentsObject(args), "path");
  if (path.length === 0) throw new InspectionError("'path' must name a snapshot file");
  return resolve(path);
}

export function saveSnapshotRequest(machine: Machine, args: unknown): SnapshotResponse {
  const path = snapshotPath(args);
  const bytes = machine.saveSnapshot();
  try {
    writeFileSync(path, bytes);
  } catch (error) {
    throw new InspectionError(`cannot write the snapshot '${path}': ${fileProblem(error)}`);
  }
  return { path, bytes: bytes.length, instret: totalInstructions(machine) };
}

export function loadSnapshotRequest(machine: Machine, args: unknown): SnapshotResponse {
  const path = snapshotPath(args);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new InspectionError(`cannot read the snapshot '${path}': ${fileProblem(error)}`);
  }
  try {
    machine.loadSnapshot(bytes);
  } catch (error) {
    // The checks come before anything is restored for a foreign file or other options, so the machine is as it was.
    if (error instanceof UserInputError) throw new InspectionError(`'${path}': ${error.message}`);
    throw error;
  }
  return { path, bytes: bytes.length, instret: totalInstructions(machine) };
}
