/**
 * The `launch` request's attributes for the vmscope debug type. package.json
 * (contributes.debuggers[0].configurationAttributes.launch) mirrors this
 * list; a test keeps the two in agreement. Relative paths are taken against
 * `cwd` (the adapter's own working directory when it is not given).
 */
import { isAbsolute, resolve } from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { parseMemorySize } from "../vmm-core/machine/memory-size";
import { UserInputError } from "../vmm-core/machine/errors";
import { virtualizationModes, type VirtualizationMode } from "../vmm-core/machine/machine";
import type { DriveOptions } from "../vmm-core/devices/virtio/block-storage";

export interface SymbolFileArgument {
  /** An ELF with symbols (and DWARF) for code the program does not contain: firmware, user programs. */
  path: string;
  /** Added to its addresses: where it runs minus where it was linked (number or "0x…" string). */
  offset?: number | string;
}

export interface VmscopeLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** Guest kernel ELF (or raw image); run bare from reset without a bios. */
  program: string;
  /** Firmware at 0x8000_0000 (e.g. OpenSBI fw_jump.elf), or "none". */
  bios?: string;
  /** How the guest runs: on the bare machine, or under the monitor. */
  mode?: VirtualizationMode;
  /** Guest RAM, e.g. "128M". */
  memory?: string;
  harts?: number;
  /** Disk images: "FILE[,readonly][,snapshot]" or { path, readonly, snapshot }. */
  drives?: (string | DriveOptions)[];
  /** Kernel command line (/chosen/bootargs). */
  append?: string;
  stopOnEntry?: boolean;
  symbolFiles?: (string | SymbolFileArgument)[];
  /** Balloon target at power-on, MiB of guest RAM the guest's virtio-balloon driver gives back (the CLI's --balloon). */
  balloon?: number;
  /** Directory relative paths are resolved against. */
  cwd?: string;
}

/** Every attribute of VmscopeLaunchArguments, in schema order. */
export const launchAttributes = [
  "program", "bios", "mode", "memory", "harts", "drives", "append", "stopOnEntry", "symbolFiles", "balloon", "cwd",
] as const;

export interface LaunchConfiguration {
  program: string;
  bios: string | undefined;
  mode: VirtualizationMode;
  memory: number;
  harts: number;
  drives: DriveOptions[];
  append: string | undefined;
  stopOnEntry: boolean;
  symbolFiles: { path: string; offset: bigint }[];
  /** MiB; 0 = no balloon target at power-on. */
  balloon: number;
  cwd: string;
}

/** The machine's own limit on harts. */
const maxHarts = 8;

/** An invalid attribute; the message names it, as the user wrote it in launch.json. */
export class LaunchAttributeError extends UserInputError {
  constructor(readonly attribute: string, problem: string) {
    super(`launch attribute '${attribute}' ${problem}`);
    this.name = "LaunchAttributeError";
  }
}

function optionalString(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new LaunchAttributeError(name, `must be a string, got ${typeof value}`);
  return value;
}

function optionalArray(args: Record<string, unknown>, name: string, fix: string): unknown[] {
  const value = args[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new LaunchAttributeError(name, `must be a list, for example ${fix}`);
  return value;
}

function parseDrive(entry: unknown, index: number, cwd: string): DriveOptions {
  const name = `drives[${index}]`;
  if (typeof entry === "string") {
    const [path, ...flags] = entry.split(",");
    if (path.trim() === "") throw new LaunchAttributeError(name, `names no file: write "disk.img" or "disk.img,readonly"`);
    const drive: DriveOptions = { path: resolve(cwd, path), readonly: false, snapshot: false };
    for (const flag of flags) {
      const [option, value] = flag.split("=");
      if ((option !== "readonly" && option !== "snapshot") || !(value === undefined || value === "on" || value === "off")) {
        throw new LaunchAttributeError(name, `has an unknown option '${flag}' (options: readonly, snapshot)`);
      }
      drive[option] = value !== "off";
    }
    return drive;
  }
  if (typeof entry !== "object" || entry === null) throw new LaunchAttributeError(name, `must be a file name or { "path": … }, got ${JSON.stringify(entry)}`);
  const object = entry as Record<string, unknown>;
  if (typeof object.path !== "string" || object.path.trim() === "") throw new LaunchAttributeError(`${name}.path`, "must name the disk image file");
  for (const flag of ["readonly", "snapshot"] as const) {
    if (object[flag] !== undefined && typeof object[flag] !== "boolean") throw new LaunchAttributeError(`${name}.${flag}`, "must be true or false");
  }
  return { path: resolve(cwd, object.path), readonly: object.readonly === true, snapshot: object.snapshot === true };
}

function parseOffset(value: unknown, name: string): bigint {
  if (value === undefined) return 0n;
  if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === "string" && /^-?(0[xX][0-9a-fA-F]+|\d+)$/.test(value.trim())) {
    const text = value.trim();
    return text.startsWith("-") ? -BigInt(text.slice(1)) : BigInt(text);
  }
  throw new LaunchAttributeError(name, `must be a whole number or a "0x…" string, got ${JSON.stringify(value)}`);
}

function parseSymbolFile(entry: unknown, index: number, cwd: string): { path: string; offset: bigint } {
  const name = `symbolFiles[${index}]`;
  if (typeof entry === "string" && entry.trim() !== "") return { path: resolve(cwd, entry), offset: 0n };
  if (typeof entry !== "object" || entry === null || typeof (entry as SymbolFileArgument).path !== "string" || (entry as SymbolFileArgument).path.trim() === "") {
    throw new LaunchAttributeError(name, `must be a file name or { "path": "fw.elf", "offset": "0x0" }, got ${JSON.stringify(entry)}`);
  }
  const object = entry as SymbolFileArgument;
  return { path: resolve(cwd, object.path), offset: parseOffset(object.offset, `${name}.offset`) };
}

/** Checks the attributes and fills the defaults; throws LaunchAttributeError. */
export function validateLaunchArguments(raw: DebugProtocol.LaunchRequestArguments | undefined, defaultCwd = process.cwd()): LaunchConfiguration {
  // A launch request may come without any arguments at all.
  const args = (raw ?? {}) as Record<string, unknown>;
  const cwdText = optionalString(args, "cwd");
  if (cwdText !== undefined && !isAbsolute(cwdText)) throw new LaunchAttributeError("cwd", `must be an absolute directory, got '${cwdText}'`);
  const cwd = cwdText ?? defaultCwd;
  const program = optionalString(args, "program");
  if (program === undefined || program.trim() === "") {
    throw new LaunchAttributeError("program", "is missing: set it to the guest ELF file");
  }
  const bios = optionalString(args, "bios");
  const mode = optionalString(args, "mode") ?? "none";
  if (!virtualizationModes.includes(mode as VirtualizationMode)) {
    throw new LaunchAttributeError("mode", `must be one of ${virtualizationModes.join(", ")}, got '${mode}'`);
  }
  const memoryText = optionalString(args, "memory");
  let memory = 128 * 1024 * 1024;
  if (memoryText !== undefined) {
    try {
      memory = parseMemorySize(memoryText, "memory");
    } catch (error) {
      const detail = (error as Error).message.replace(/^memory: /, "");
      throw new LaunchAttributeError("memory", `is invalid: ${detail}`);
    }
  }
  const harts = args.harts ?? 1;
  if (typeof harts !== "number" || !Number.isInteger(harts) || harts < 1 || harts > maxHarts) {
    throw new LaunchAttributeError("harts", `must be a whole number from 1 to ${maxHarts}, got ${JSON.stringify(harts)}`);
  }
  const stopOnEntry = args.stopOnEntry ?? true;
  if (typeof stopOnEntry !== "boolean") {
    throw new LaunchAttributeError("stopOnEntry", `must be true or false, got ${JSON.stringify(stopOnEntry)}`);
  }
  const balloon = args.balloon ?? 0;
  if (typeof balloon !== "number" || !Number.isInteger(balloon) || balloon < 0 || balloon * 1024 * 1024 > memory) {
    throw new LaunchAttributeError("balloon", `must be a whole number of MiB from 0 to the guest's ${Math.floor(memory / (1024 * 1024))} MiB of memory, got ${JSON.stringify(balloon)}`);
  }
  const biosPath = bios === undefined || bios === "" || bios === "none" ? undefined : resolve(cwd, bios);
  if (biosPath !== undefined && mode !== "none") {
    throw new LaunchAttributeError("bios", `cannot be used with mode '${mode}': the monitor is the guest's SBI; remove "bios" or set "mode": "none"`);
  }
  return {
    program: resolve(cwd, program),
    bios: biosPath,
    mode: mode as VirtualizationMode,
    memory,
    harts,
    drives: optionalArray(args, "drives", '["disk.img,readonly"]').map((entry, index) => parseDrive(entry, index, cwd)),
    append: optionalString(args, "append"),
    stopOnEntry,
    symbolFiles: optionalArray(args, "symbolFiles", '[{ "path": "fw_jump.elf", "offset": 0 }]').map((entry, index) => parseSymbolFile(entry, index, cwd)),
    balloon,
    cwd,
  };
}
