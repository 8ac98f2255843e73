/**
 * `--exit-log FILE`: every VM exit as a JSON line, written as the monitor
 * records it (the ring in memory keeps only the newest; the file keeps all).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { UserInputError } from "../vmm-core/machine/errors";
import { toJsonLine, type ExitLog } from "../vmm-core/hypervisor/exit-log";

/** Lines are buffered and written in blocks, so an exit costs no system call. */
const flushBytes = 256 * 1024;

export function openExitLogFile(path: string, log: ExitLog): { close(): void } {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (error) {
    throw new UserInputError(`--exit-log: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let buffered: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (buffered.length === 0) return;
    writeSync(fd, buffered.join(""));
    buffered = [];
    size = 0;
  };
  const unsubscribe = log.onRecord((record) => {
    const line = toJsonLine(record) + "\n";
    buffered.push(line);
    size += line.length;
    if (size >= flushBytes) flush();
  });
  return {
    close: () => {
      unsubscribe();
      flush();
      closeSync(fd);
    },
  };
}
