/**
 * Guest RAM sizes as people type them ("128M", "1G", "512K", plain bytes),
 * shared by the command line and the debug adapter's `memory` attribute.
 */
import { UserInputError } from "./errors";

const pageSize = 4096;
/** Largest RAM accepted: guest RAM is allocated lazily, but 16 GiB keeps addresses sane. */
export const maxMemoryBytes = 16 * 1024 ** 3;

const units: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/**
 * Parses a RAM size; `what` names the flag or attribute in the error
 * message. Rejects zero, non-numbers, sizes above 16G and sizes that are not
 * a whole number of 4 KiB pages.
 */
export function parseMemorySize(text: string, what: string): number {
  const match = /^\s*(\d+)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  if (!match) {
    throw new UserInputError(`${what}: '${text}' is not a size (examples: 128M, 1G, 512K, 65536)`);
  }
  const bytes = Number(match[1]) * units[match[2].toUpperCase()];
  if (bytes === 0) throw new UserInputError(`${what}: the size must not be zero`);
  if (!Number.isSafeInteger(bytes) || bytes > maxMemoryBytes) {
    throw new UserInputError(`${what}: '${text}' is more than the 16G maximum`);
  }
  if (bytes % pageSize !== 0) {
    throw new UserInputError(`${what}: '${text}' is not a multiple of 4K`);
  }
  return bytes;
}
