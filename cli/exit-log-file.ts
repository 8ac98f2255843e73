/**
 * `--exit-log FILE`: every VM exit as a JSON line, written as the monitor
 * records it (the ring in memory keeps only the newest; the file keeps all,
 * up to `--exit-log-limit` records). A guest stuck in a fault loop exits
 * hundreds of thousands of times a second; past the limit the file stops
 * growing, the statistics (`--stats`) go on counting every exit, and one
 * last line says how many records were left out.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { UserInputError } from "../vmm-core/machine/errors";
import { toJsonLine, type ExitLog } from "../vmm-core/hypervisor/exit-log";

/**
 * Lines are encoded straight into one reused block and written when it is
 * full, so an exit costs no system call; encoding each line as it comes
 * measured three times faster than joining a block's strings to write them.
 */
const blockBytes = 256 * 1024;
/** UTF-8 needs at most three bytes per UTF-16 unit. */
const maxBytesPerUnit = 3;

/** Records written when --exit-log-limit is not given: a few hundred megabytes of JSON lines. */
export const defaultExitLogFileLimit = 1_000_000;

export interface ExitLogFile {
  /** Flushes, adds the line about dropped records (if any), closes. */
  close(): void;
  /** Records written so far. */
  readonly written: number;
  /** Records left out after the limit (known exactly once closed). */
  readonly dropped: number;
}

/**
 * The last line of a file that reached its limit: JSON like the records
 * (so `jq` and line readers keep working), told apart by "truncated".
 */
export function truncationLine(written: number, dropped: number, limit: number): string {
  return JSON.stringify({ truncated: true, written, dropped, note: `--exit-log-limit ${limit} reached: later exits were counted (--stats) but not written` });
}

export function openExitLogFile(path: string, log: ExitLog, limit = defaultExitLogFileLimit): ExitLogFile {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new UserInputError(`--exit-log-limit: ${limit} is not a positive number of records`);
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (error) {
    throw new UserInputError(`--exit-log: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  // Exits before the file was opened (a restored snapshot's) are not this file's.
  const firstSequence = log.total;
  const block = Buffer.allocUnsafe(blockBytes);
  let used = 0;
  let written = 0;
  let closed = false;
  const flush = (): void => {
    if (used > 0) writeSync(fd, block, 0, used);
    used = 0;
  };
  const append = (line: string): void => {
    if (used + line.length * maxBytesPerUnit > blockBytes) {
      flush();
      // A line longer than a block (a huge handling text) goes out on its own.
      if (line.length * maxBytesPerUnit > blockBytes) {
        writeSync(fd, line);
        return;
      }
    }
    used += block.write(line, used);
  };
  const unsubscribe = log.onRecord((record) => {
    append(toJsonLine(record) + "\n");
    written++;
    // At the limit the listener leaves: later exits cost nothing here; close() counts them from the log.
    if (written >= limit) unsubscribe();
  });
  const dropped = (): number => Math.max(0, log.total - firstSequence - written);
  return {
    close: () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      const left = dropped();
      if (left > 0) append(truncationLine(written, left, limit) + "\n");
      flush();
      closeSync(fd);
    },
    get written() {
      return written;
    },
    get dropped() {
      return dropped();
    },
  };
}
