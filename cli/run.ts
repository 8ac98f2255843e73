/**
 * `vmscope run`: boots a guest headless, like `qemu-system-riscv64 -M virt
 * -nographic`. The machine runs in slices with the event loop in between, so
 * stdin, signals and the wall-clock timeout are noticed while it runs.
 */
import { Machine } from "../vmm-core/machine/machine";
import { displayName, readGuestFile } from "../debug-adapter/host-files";
import type { RunOptions } from "./arguments";
import { EscapeDecoder, escapeHelp, RawTerminal } from "./tty";
import { formatStats } from "./stats-report";
import { formatExitStatistics } from "../vmm-core/hypervisor/exit-stats-report";
import { openExitLogFile } from "./exit-log-file";
import { loadSnapshotFile, saveSnapshotFile } from "./snapshot-file";
import { ConsoleBuffer, defaultConsoleBufferBytes } from "../vmm-core/machine/console-buffer";

/** Instructions per slice: long enough to amortise, short enough to stay responsive. */
const sliceInstructions = 2_000_000;
/** Console bytes buffered before a write, so byte-at-a-time UART output costs one syscall per slice. */
const outputFlushBytes = 64 * 1024;

export const exitStatus = { timeout: 124 } as const;
const exitStatusInternal = 70;

/** Builds the machine from the options; throws UserInputError/LoadError for bad input. */
function createMachine(options: RunOptions, write: (bytes: Uint8Array) => void): Machine {
  const bios = options.bios === undefined ? undefined : readGuestFile(options.bios, "bios");
  const kernel = options.kernel === undefined ? undefined : readGuestFile(options.kernel, "kernel");
  const dtb = options.dtb === undefined ? undefined : readGuestFile(options.dtb, "device tree");
  return new Machine({
    memory: options.memory,
    harts: options.harts,
    bios,
    biosName: options.bios === undefined ? undefined : displayName(options.bios),
    kernel,
    kernelName: options.kernel === undefined ? undefined : displayName(options.kernel),
    append: options.append,
    dtb,
    mode: options.mode,
    instructionsPerTick: options.instructionsPerTick,
    console: { write },
    drives: options.drives,
    balloon: options.balloon,
    rng: options.rng,
    engine: options.engine,
    exitLogSize: options.exitLogSize,
  });
}

/** Runs the guest to its end; resolves with the process exit status. */
export function runGuest(options: RunOptions): Promise<number> {
  // Bounded: when stdout cannot keep up (an asynchronous pipe or socket with a slow reader), output is dropped with a marker, not queued without end.
  const capacity = options.consoleBuffer ?? defaultConsoleBufferBytes;
  const flush = (force: boolean): void => {
    if (!force && process.stdout.writableLength >= capacity) return;
    const bytes = output.take();
    if (bytes) process.stdout.write(bytes);
  };
  const output = new ConsoleBuffer(capacity, () => flush(false));
  const machine = createMachine(options, (bytes) => {
    output.write(bytes);
    if (output.buffered >= outputFlushBytes) flush(false);
  });
  if (options.loadSnapshot !== undefined) loadSnapshotFile(machine, options.loadSnapshot);
  const exitLog = options.exitLog !== undefined && machine.monitor ? openExitLogFile(options.exitLog, machine.monitor.exits, options.exitLogLimit) : undefined;

  return new Promise<number>((resolve, reject) => {
    const started = performance.now();
    const terminal = new RawTerminal(process.stdin);
    const decoder = new EscapeDecoder();
    let executed = 0;
    let finished = false;
    let stdinOpen = true;
    let wakeIdle: (() => void) | undefined;
    let crashed: { error: unknown } | undefined;

    /** --save-snapshot without --save-snapshot-at: written wherever the run stops. */
    let snapshotPending = options.saveSnapshot !== undefined;
    const finish = (status: number, message?: string): void => {
      if (finished) return;
      finished = true;
      if (snapshotPending && options.saveSnapshotAt === undefined) {
        const failed = saveSnapshotFile(machine, options.saveSnapshot!);
        if (failed !== undefined) [status, message] = [2, failed];
      }
      if (snapshotPending && options.saveSnapshotAt !== undefined) {
        process.stderr.write(`vmscope: --save-snapshot-at ${options.saveSnapshotAt}: the run ended after ${executed} instructions; no snapshot written\n`);
      }
      flush(true);
      exitLog?.close();
      if (exitLog && exitLog.dropped > 0) {
        process.stderr.write(`vmscope: --exit-log wrote the first ${exitLog.written} exits; ${exitLog.dropped} more were counted but not written (--exit-log-limit)\n`);
      }
      terminal.restore();
      process.stdin.off("data", onData);
      process.stdin.pause();
      for (const signal of signals) process.off(signal, onSignal);
      if (message !== undefined) process.stderr.write(`${terminal.isTerminal ? "\n" : ""}vmscope: ${message}\n`);
      if (crashed) return reject(crashed.error);
      if (options.stats) {
        const wall = (performance.now() - started) / 1000;
        process.stderr.write(formatStats(machine.stats(), wall).join("\n") + "\n");
        if (machine.monitor) process.stderr.write(formatExitStatistics(machine.monitor.exits.statistics(), { groupBy: "detail" }) + "\n");
      }
      resolve(status);
    };

    const onData = (chunk: Buffer): void => {
      if (!terminal.isTerminal) {
        machine.input.push(new Uint8Array(chunk));
      } else {
        const { bytes, actions } = decoder.decode(chunk);
        if (bytes.length > 0) machine.input.push(bytes);
        for (const action of actions) {
          if (action === "quit") return finish(0, "terminated");
          process.stderr.write(escapeHelp);
        }
      }
      wakeIdle?.();
    };
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    const onSignal = (signal: NodeJS.Signals): void => {
      const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
      finish(128 + numbers[signal], `terminating on signal ${signal}`);
    };
    for (const signal of signals) process.on(signal, onSignal);

    terminal.enter();
    process.stdin.on("data", onData);
    process.stdin.on("end", () => {
      stdinOpen = false;
      wakeIdle?.();
    });
    process.stdin.on("error", () => {
      stdinOpen = false; // e.g. stdin closed by the parent: the guest just gets no input
    });

    // A failure inside a slice is a bug of ours: clean up, then let main report it.
    const slice = (): void => {
      try {
        runSlice();
      } catch (error) {
        crashed = { error };
        finish(exitStatusInternal);
      }
    };
    const runSlice = (): void => {
      if (finished) return;
      const remaining = options.maxInstructions === undefined ? Infinity : options.maxInstructions - executed;
      const untilSnapshot = snapshotPending && options.saveSnapshotAt !== undefined ? options.saveSnapshotAt - executed : Infinity;
      const result = machine.run(Math.min(sliceInstructions, remaining, untilSnapshot));
      executed += result.instructions;
      if (snapshotPending && executed === options.saveSnapshotAt) {
        snapshotPending = false;
        const failed = saveSnapshotFile(machine, options.saveSnapshot!);
        if (failed !== undefined) return finish(2, failed);
      }
      flush(false);
      switch (result.reason) {
        case "poweroff":
          return finish(machine.power.exitCode);
        case "reset":
          // Like QEMU without -no-reboot: the board reboots and runs on.
          machine.reset();
          break;
      }
      if (executed >= (options.maxInstructions ?? Infinity)) {
        return finish(exitStatus.timeout, `instruction limit reached (${executed} instructions)`);
      }
      const elapsed = (performance.now() - started) / 1000;
      if (options.timeoutSeconds !== undefined && elapsed >= options.timeoutSeconds) {
        return finish(exitStatus.timeout, `timeout after ${options.timeoutSeconds} s`);
      }
      if (result.reason === "halted") {
        // Every hart waits and nothing inside the machine will wake it: only
        // console input can. Without any, the guest is stuck for good.
        if (!stdinOpen && machine.input.available === 0) {
          return finish(1, "every hart is halted and no input is left to wake them");
        }
        wakeIdle = () => {
          wakeIdle = undefined;
          clearTimeout(timer);
          setImmediate(slice);
        };
        const timer = setTimeout(() => wakeIdle?.(), 50);
        return;
      }
      setImmediate(slice);
    };
    setImmediate(slice);
  });
}
