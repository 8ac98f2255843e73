/**
 * The `launch` request's attributes for the vmscope debug type. package.json
 * (contributes.debuggers[0].configurationAttributes.launch) mirrors this
 * list; a test keeps the two in agreement.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import { parseMemorySize } from "../vmm-core/machine/memory-size";
import { UserInputError } from "../vmm-core/machine/errors";

export interface VmscopeLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** Guest kernel ELF (or raw image); run bare from reset without a bios. */
  program: string;
  /** Firmware at 0x8000_0000 (e.g. OpenSBI fw_jump.elf), or "none". */
  bios?: string;
  /** Guest RAM, e.g. "128M". */
  memory?: string;
  harts?: number;
  /** Kernel command line (/chosen/bootargs). */
  append?: string;
  stopOnEntry?: boolean;
}

/** Every attribute of VmscopeLaunchArguments, in schema order. */
export const launchAttributes = ["program", "bios", "memory", "harts", "append", "stopOnEntry"] as const;

export interface LaunchConfiguration {
  program: string;
  bios: string | undefined;
  memory: number;
  harts: number;
  append: string | undefined;
  stopOnEntry: boolean;
}

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

/** Checks the attributes and fills the defaults; throws LaunchAttributeError. */
export function validateLaunchArguments(raw: DebugProtocol.LaunchRequestArguments | undefined): LaunchConfiguration {
  // A launch request may come without any arguments at all.
  const args = (raw ?? {}) as Record<string, unknown>;
  const program = optionalString(args, "program");
  if (program === undefined || program.trim() === "") {
    throw new LaunchAttributeError("program", "is missing: set it to the guest ELF file");
  }
  const bios = optionalString(args, "bios");
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
  if (typeof harts !== "number" || !Number.isInteger(harts) || harts < 1 || harts > 512) {
    throw new LaunchAttributeError("harts", `must be a whole number from 1 to 512, got ${JSON.stringify(harts)}`);
  }
  const stopOnEntry = args.stopOnEntry ?? true;
  if (typeof stopOnEntry !== "boolean") {
    throw new LaunchAttributeError("stopOnEntry", `must be true or false, got ${JSON.stringify(stopOnEntry)}`);
  }
  return {
    program,
    bios: bios === undefined || bios === "" || bios === "none" ? undefined : bios,
    memory,
    harts,
    append: optionalString(args, "append"),
    stopOnEntry,
  };
}
