/**
 * The command line's grammar: subcommands and QEMU-like flags, parsed into
 * plain data. Every mistake is a UserInputError with a one-line message.
 */
import { UserInputError } from "../vmm-core/machine/errors";
import { parseMemorySize } from "../vmm-core/machine/memory-size";
import { virtualizationModes, type VirtualizationMode } from "../vmm-core/machine/machine";
import type { DriveOptions } from "../vmm-core/devices/virtio/block-storage";
import { randomSources, type RandomSource } from "../vmm-core/devices/virtio/virtio-rng";
import type { Engine } from "../vmm-core/hart/hart";
import { engineProblem } from "../vmm-core/hart/translator/engine";
import { minConsoleBufferBytes } from "../vmm-core/machine/console-buffer";

export interface RunOptions {
  /** Firmware file; undefined means none (the kernel runs bare from reset). */
  bios: string | undefined;
  /** Kernel or bare program; undefined only with a bios alone. */
  kernel: string | undefined;
  memory: number;
  harts: number;
  append: string | undefined;
  dtb: string | undefined;
  timeoutSeconds: number | undefined;
  maxInstructions: number | undefined;
  /** Snapshot file written when the run stops, or at saveSnapshotAt instructions (--save-snapshot). */
  saveSnapshot?: string;
  /** Instructions into this run at which --save-snapshot is written (--save-snapshot-at); the run goes on. */
  saveSnapshotAt?: number;
  /** Snapshot file the machine is restored from before it runs (--load-snapshot). */
  loadSnapshot?: string;
  stats: boolean;
  mode: VirtualizationMode;
  /** File for every VM exit as a JSON line (virtualized modes). */
  exitLog: string | undefined;
  /** Records --exit-log writes at most (--exit-log-limit); absent = cli/exit-log-file.ts's default. */
  exitLogLimit?: number;
  /** Guest time: instructions retired per 10 MHz timer tick. */
  instructionsPerTick: number;
  /** Disk images for virtio-blk, in --drive order; absent when none is given. */
  drives?: DriveOptions[];
  /** Balloon target at power-on, MiB (--balloon); absent = 0. */
  balloon?: number;
  /** virtio-rng's source (--rng seeded|host); absent = seeded. */
  rng?: RandomSource;
  /** Execution engine (--engine interpreter|translator); absent = the machine's default. */
  engine?: Engine;
  /** VM exits the in-memory ring keeps (--exit-log-size); absent = the monitor's default. */
  exitLogSize?: number;
  /** Console output held for a terminal that is not keeping up, bytes (--console-buffer); absent = 1M. */
  consoleBuffer?: number;
}

export interface CompareOptions {
  /** Firmware for mode none; the virtualized modes run the kernel alone. */
  bios: string | undefined;
  kernel: string;
  memory: number;
  harts: number;
  append: string | undefined;
  /** Per mode, firmware included. */
  maxInstructions: number;
  instructionsPerTick: number;
  /** Console input for every mode: the text itself, or a file to read it from. */
  input: { text: string } | { file: string } | undefined;
  json: boolean;
  /** Execution engine for every mode (--engine); absent = the machine's default. */
  engine?: Engine;
}

export interface DapOptions {
  /** TCP port; undefined means stdio. */
  port: number | undefined;
  host: string;
}

export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "run"; options: RunOptions }
  | { kind: "compare"; options: CompareOptions }
  | { kind: "dap"; options: DapOptions };

/** Instructions per mode when --max-instructions is not given: compare always ends. */
export const defaultCompareLimit = 1_000_000_000;

export const usage = `usage:
  vmscope run [ELF] [--bios FILE|none] [--kernel FILE] [--memory 128M] [--harts 1]
              [--append BOOTARGS] [--dtb FILE] [--timeout SECONDS]
              [--max-instructions N] [--stats] [--mode none|trap-and-emulate|hardware-assisted]
              [--exit-log FILE [--exit-log-limit 1000000]] [--instructions-per-tick 10]
              [--drive FILE[,readonly][,snapshot]]... [--balloon MIB] [--rng seeded|host]
              [--engine interpreter|translator] [--exit-log-size N] [--console-buffer 1M]
              [--save-snapshot FILE [--save-snapshot-at N]] [--load-snapshot FILE]
  vmscope compare [--bios FILE] --kernel FILE [--memory 128M] [--harts 1]
              [--append BOOTARGS] [--max-instructions N] [--input TEXT|--input-file FILE]
              [--instructions-per-tick 10] [--json] [--engine interpreter|translator]
  vmscope dap [--port N] [--host ADDR]
  vmscope --help | --version

run   boots a guest headless: its UART is this terminal (Ctrl-A X quits,
      Ctrl-A Ctrl-A sends Ctrl-A); the exit status is the guest's power-off
      code, 124 on --timeout or --max-instructions, 2 for bad input.
      --mode trap-and-emulate runs the kernel deprivileged under vmscope's
      monitor (its SBI, shadow page tables); --exit-log writes every VM exit
      as a JSON line; --stats adds the exit statistics.
      --drive attaches a disk image as virtio-blk (repeatable; the first
      drive is the last virtio-mmio slot, 0x10008000, as QEMU's first
      -device; readonly refuses writes, snapshot keeps them in memory).
      --save-snapshot writes the whole VM to FILE when the run stops (or at
      --save-snapshot-at N instructions, then runs on); --load-snapshot
      restores one before running: give the same images and options.
      --balloon asks the guest's virtio-balloon driver to give back MIB of
      its RAM; --rng host feeds virtio-rng from the host's entropy instead
      of the repeatable seeded stream.
      --engine translator (the default, or VMSCOPE_ENGINE) runs the guest as
      blocks of generated JavaScript; --engine interpreter runs the
      reference interpreter (same results, instruction for instruction).
      Limits: --max-instructions ends the run (exit 124); --exit-log-size
      is how many VM exits the in-memory ring keeps (--stats counts all);
      --exit-log-limit N (default 1000000) is how many records --exit-log
      writes; past it a last line {"truncated":true,...} says how many were
      left out;
      --console-buffer bounds console output waiting for a slow terminal
      (beyond it output is dropped and "[vmscope: N bytes of console
      output dropped]" says how much).
compare runs one guest in every virtualization mode that applies and prints
      the figures side by side, one column per mode (--json: as data):
      guest instructions, VM exits by reason, hidden and true page faults,
      TLB misses, walk references per miss, monitor work, time. With --bios,
      mode none boots firmware + kernel and the virtualized modes run the
      kernel alone; without it, a kernel entered at 0x80000000 is a
      bare-machine program (mode none only), any other an S-mode kernel
      (virtualized modes only). Every mode gets the same input and runs to
      power-off or --max-instructions (default ${defaultCompareLimit.toLocaleString("en-US")}).
      Exit status: 0 when every mode powered off with 0 and printed the
      same, 1 when outputs differ (the first differing line is shown) or a
      guest failed, 124 when the limit ended a run, 2 for bad input.
dap   serves the Debug Adapter Protocol on stdio, or on a TCP port
      (127.0.0.1 unless --host is given), one session per connection.
`;

/** Flags that take a value, per subcommand; the rest are switches. */
const runValueFlags = new Set([
  "--bios", "--kernel", "--memory", "--harts", "--append", "--dtb", "--timeout", "--max-instructions",
  "--mode", "--exit-log", "--instructions-per-tick", "--drive", "--balloon", "--rng", "--engine",
  "--exit-log-size", "--exit-log-limit", "--console-buffer", "--save-snapshot", "--save-snapshot-at", "--load-snapshot",
]);
/** Value flags that may be given more than once. */
const repeatableFlags = new Set(["--drive"]);
const runSwitches = new Set(["--stats"]);
const compareValueFlags = new Set([
  "--bios", "--kernel", "--memory", "--harts", "--append", "--max-instructions", "--instructions-per-tick",
  "--input", "--input-file", "--engine",
]);
const compareSwitches = new Set(["--json"]);
const dapValueFlags = new Set(["--port", "--host"]);

interface Parsed {
  values: Map<string, string>;
  /** Every value of a repeatable flag, in order. */
  lists: Map<string, string[]>;
  switches: Set<string>;
  positionals: string[];
}

/** Splits `--flag value`, `--flag=value`, switches and positionals; rejects unknown flags. */
function tokenize(args: string[], valueFlags: Set<string>, switches: Set<string>, command: string): Parsed {
  const parsed: Parsed = { values: new Map(), lists: new Map(), switches: new Set(), positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      parsed.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      parsed.positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const flag = equals > 0 ? arg.slice(0, equals) : arg;
    if (switches.has(flag)) {
      if (equals > 0) throw new UserInputError(`option ${flag} takes no value`);
      parsed.switches.add(flag);
    } else if (valueFlags.has(flag)) {
      let value: string;
      if (equals > 0) {
        value = arg.slice(equals + 1);
      } else {
        if (i + 1 >= args.length) throw new UserInputError(`option ${flag} needs a value`);
        value = args[++i];
      }
      if (repeatableFlags.has(flag)) {
        parsed.lists.set(flag, [...(parsed.lists.get(flag) ?? []), value]);
        continue;
      }
      if (parsed.values.has(flag)) throw new UserInputError(`option ${flag} given twice`);
      parsed.values.set(flag, value);
    } else {
      throw new UserInputError(`unknown option ${flag} for '${command}' (see vmscope --help)`);
    }
  }
  return parsed;
}

function parseInteger(text: string, flag: string, min: number, max: number): number {
  const normalized = text.replace(/_/g, "");
  if (!/^\d+$/.test(normalized)) throw new UserInputError(`${flag}: '${text}' is not a whole number`);
  const value = Number(normalized);
  if (value < min || value > max) {
    throw new UserInputError(`${flag}: ${text} is out of range (${min}..${max})`);
  }
  return value;
}

function parseSeconds(text: string, flag: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(value > 0)) throw new UserInputError(`${flag}: '${text}' is not a positive number of seconds`);
  return value;
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value === "") throw new UserInputError(`option ${flag} needs a value`);
  return value;
}

/** QEMU virt accepts up to 512 harts. */
const maxHarts = 512;

function parseRun(args: string[]): RunOptions {
  const { values, lists, switches, positionals } = tokenize(args, runValueFlags, runSwitches, "run");
  if (positionals.length > 1) {
    throw new UserInputError(`run takes one ELF file, got ${positionals.length}: ${positionals.join(" ")}`);
  }
  const flagKernel = nonEmpty(values.get("--kernel"), "--kernel");
  if (positionals.length === 1 && flagKernel !== undefined) {
    throw new UserInputError("give the kernel either as an argument or with --kernel, not both");
  }
  const kernel = positionals[0] ?? flagKernel;
  const biosValue = nonEmpty(values.get("--bios"), "--bios");
  const bios = biosValue === "none" ? undefined : biosValue;
  if (kernel === undefined && bios === undefined) {
    throw new UserInputError("nothing to run: give an ELF file, --kernel FILE or --bios FILE");
  }
  const memory = values.get("--memory");
  const harts = values.get("--harts");
  const timeout = values.get("--timeout");
  const maxInstructions = values.get("--max-instructions");
  const ticks = values.get("--instructions-per-tick");
  if (values.has("--exit-log") && (values.get("--mode") ?? "none") === "none") {
    throw new UserInputError("--exit-log records VM exits: it needs a virtualized --mode (e.g. --mode trap-and-emulate)");
  }
  if (values.has("--exit-log-limit") && !values.has("--exit-log")) {
    throw new UserInputError("--exit-log-limit N bounds the file --exit-log FILE writes: give --exit-log too");
  }
  return {
    bios,
    kernel,
    memory: memory === undefined ? 128 * 1024 * 1024 : parseMemorySize(memory, "--memory"),
    harts: harts === undefined ? 1 : parseInteger(harts, "--harts", 1, maxHarts),
    append: values.get("--append"),
    dtb: nonEmpty(values.get("--dtb"), "--dtb"),
    timeoutSeconds: timeout === undefined ? undefined : parseSeconds(timeout, "--timeout"),
    maxInstructions:
      maxInstructions === undefined
        ? undefined
        : parseInteger(maxInstructions, "--max-instructions", 1, Number.MAX_SAFE_INTEGER),
    stats: switches.has("--stats"),
    mode: parseMode(values.get("--mode")),
    exitLog: nonEmpty(values.get("--exit-log"), "--exit-log"),
    ...(values.has("--exit-log-limit") ? { exitLogLimit: parseInteger(values.get("--exit-log-limit")!, "--exit-log-limit", 1, Number.MAX_SAFE_INTEGER) } : {}),
    instructionsPerTick: ticks === undefined ? 10 : parseInteger(ticks, "--instructions-per-tick", 1, 1_000_000),
    ...(lists.has("--drive") ? { drives: lists.get("--drive")!.map(parseDrive) } : {}),
    ...(values.has("--balloon") ? { balloon: parseInteger(values.get("--balloon")!, "--balloon", 0, maxMemoryMib) } : {}),
    ...(values.has("--rng") ? { rng: parseRng(values.get("--rng")!) } : {}),
    ...(values.has("--engine") ? { engine: parseEngine(values.get("--engine")!) } : {}),
    ...(values.has("--exit-log-size") ? { exitLogSize: parseInteger(values.get("--exit-log-size")!, "--exit-log-size", 1, maxExitLogSize) } : {}),
    ...(values.has("--console-buffer") ? { consoleBuffer: parseConsoleBuffer(values.get("--console-buffer")!) } : {}),
    ...parseSnapshotFlags(values),
  };
}

/** --save-snapshot FILE [--save-snapshot-at N] and --load-snapshot FILE. */
function parseSnapshotFlags(values: Map<string, string>): Pick<RunOptions, "saveSnapshot" | "saveSnapshotAt" | "loadSnapshot"> {
  const save = nonEmpty(values.get("--save-snapshot"), "--save-snapshot");
  const at = values.get("--save-snapshot-at");
  if (at !== undefined && save === undefined) throw new UserInputError("--save-snapshot-at N needs --save-snapshot FILE to say where to write it");
  const load = nonEmpty(values.get("--load-snapshot"), "--load-snapshot");
  return {
    ...(save !== undefined ? { saveSnapshot: save } : {}),
    ...(at !== undefined ? { saveSnapshotAt: parseInteger(at, "--save-snapshot-at", 1, Number.MAX_SAFE_INTEGER) } : {}),
    ...(load !== undefined ? { loadSnapshot: load } : {}),
  };
}

/** Exit records are a few hundred bytes each: ten million is already gigabytes. */
const maxExitLogSize = 10_000_000;

function parseConsoleBuffer(text: string): number {
  const match = /^\s*(\d+)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  const bytes = match ? Number(match[1]) * ({ "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[match[2].toUpperCase()] : NaN;
  if (!(bytes >= minConsoleBufferBytes && bytes <= maxConsoleBufferBytes)) {
    throw new UserInputError(`--console-buffer: '${text}' is not a size from 1K to 1G (examples: 64K, 1M)`);
  }
  return bytes;
}

const maxConsoleBufferBytes = 1024 ** 3;

/** The balloon target is checked against the guest's RAM by the machine; this bounds the number itself. */
const maxMemoryMib = 16 * 1024;

function parseRng(text: string): RandomSource {
  if (!(randomSources as readonly string[]).includes(text)) {
    throw new UserInputError(`--rng: '${text}' is not a source; use one of ${randomSources.join(", ")}`);
  }
  return text as RandomSource;
}

/** `FILE[,readonly][,snapshot]` (QEMU spells them readonly=on, snapshot=on; both spellings work). */
export function parseDrive(text: string): DriveOptions {
  const [path, ...flags] = text.split(",");
  if (path === "") throw new UserInputError(`--drive: '${text}' names no file`);
  const drive: DriveOptions = { path, readonly: false, snapshot: false };
  for (const flag of flags) {
    const [name, value] = flag.split("=");
    if ((name !== "readonly" && name !== "snapshot") || !(value === undefined || value === "on" || value === "off")) {
      throw new UserInputError(`--drive: unknown option '${flag}' (options: readonly, snapshot)`);
    }
    drive[name] = value !== "off";
  }
  return drive;
}

function parseCompare(args: string[]): CompareOptions {
  const { values, switches, positionals } = tokenize(args, compareValueFlags, compareSwitches, "compare");
  if (positionals.length > 1) {
    throw new UserInputError(`compare takes one kernel file, got ${positionals.length}: ${positionals.join(" ")}`);
  }
  const flagKernel = nonEmpty(values.get("--kernel"), "--kernel");
  if (positionals.length === 1 && flagKernel !== undefined) {
    throw new UserInputError("give the kernel either as an argument or with --kernel, not both");
  }
  const kernel = positionals[0] ?? flagKernel;
  if (kernel === undefined) throw new UserInputError("compare needs a kernel: --kernel FILE (and --bios FILE for mode none's firmware)");
  const biosValue = nonEmpty(values.get("--bios"), "--bios");
  if (values.has("--input") && values.has("--input-file")) throw new UserInputError("give the input either with --input or with --input-file, not both");
  const inputFile = nonEmpty(values.get("--input-file"), "--input-file");
  const inputText = values.get("--input");
  const memory = values.get("--memory");
  const harts = values.get("--harts");
  const maxInstructions = values.get("--max-instructions");
  const ticks = values.get("--instructions-per-tick");
  return {
    bios: biosValue === "none" ? undefined : biosValue,
    kernel,
    memory: memory === undefined ? 128 * 1024 * 1024 : parseMemorySize(memory, "--memory"),
    harts: harts === undefined ? 1 : parseInteger(harts, "--harts", 1, maxHarts),
    append: values.get("--append"),
    maxInstructions:
      maxInstructions === undefined
        ? defaultCompareLimit
        : parseInteger(maxInstructions, "--max-instructions", 1, Number.MAX_SAFE_INTEGER),
    instructionsPerTick: ticks === undefined ? 10 : parseInteger(ticks, "--instructions-per-tick", 1, 1_000_000),
    input: inputFile !== undefined ? { file: inputFile } : inputText !== undefined ? { text: inputText } : undefined,
    json: switches.has("--json"),
    ...(values.has("--engine") ? { engine: parseEngine(values.get("--engine")!) } : {}),
  };
}

function parseEngine(text: string): Engine {
  const problem = engineProblem(text);
  if (problem) throw new UserInputError(`--${problem}`);
  return text as Engine;
}

function parseMode(text: string | undefined): VirtualizationMode {
  if (text === undefined) return "none";
  const mode = virtualizationModes.find((candidate) => candidate === text);
  if (!mode) throw new UserInputError(`--mode: '${text}' is not a mode (modes: ${virtualizationModes.join(", ")})`);
  return mode;
}

function parseDap(args: string[]): DapOptions {
  const { values, positionals } = tokenize(args, dapValueFlags, new Set(), "dap");
  if (positionals.length > 0) throw new UserInputError(`dap takes no arguments, got: ${positionals.join(" ")}`);
  const port = values.get("--port");
  const host = nonEmpty(values.get("--host"), "--host");
  if (host !== undefined && port === undefined) throw new UserInputError("--host needs --port");
  return {
    port: port === undefined ? undefined : parseInteger(port, "--port", 0, 65535),
    host: host ?? "127.0.0.1",
  };
}

/** Parses the arguments after the program name (process.argv.slice(2)). */
export function parseArguments(args: string[]): Command {
  const [first, ...rest] = args;
  switch (first) {
    case undefined:
    case "--help":
    case "-h":
    case "help":
      return { kind: "help" };
    case "--version":
    case "-V":
      return { kind: "version" };
    case "run":
      if (rest.includes("--help") || rest.includes("-h")) return { kind: "help" };
      return { kind: "run", options: parseRun(rest) };
    case "compare":
      if (rest.includes("--help") || rest.includes("-h")) return { kind: "help" };
      return { kind: "compare", options: parseCompare(rest) };
    case "dap":
      if (rest.includes("--help") || rest.includes("-h")) return { kind: "help" };
      return { kind: "dap", options: parseDap(rest) };
    default:
      throw new UserInputError(
        first.startsWith("-")
          ? `unknown option ${first} (see vmscope --help)`
          : `unknown command '${first}' (commands: run, compare, dap; see vmscope --help)`,
      );
  }
}
