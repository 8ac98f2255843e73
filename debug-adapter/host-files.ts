/**
 * Reads guest images from the host for the front ends (adapter, CLI):
 * vmm-core only ever sees bytes, never paths.
 */
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { UserInputError } from "../vmm-core/machine/errors";

/**
 * The whole file, or a UserInputError naming its role ("kernel", "bios",
 * "device tree") and the reason in one line.
 */
export function readGuestFile(path: string, role: string): Uint8Array {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new UserInputError(`cannot open ${role} file '${path}': ${reason(error)}`);
  }
  if (isDirectory) throw new UserInputError(`${role} file '${path}' is a directory`);
  try {
    const data = readFileSync(path);
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    throw new UserInputError(`cannot read ${role} file '${path}': ${reason(error)}`);
  }
}

/** The file name alone, for the Machine's error messages. */
export function displayName(path: string): string {
  return basename(path);
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a parent is not a directory";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
