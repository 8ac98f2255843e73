/**
 * The machine options a snapshot belongs to. Restoring needs a machine
 * built the same way: the same RAM, harts, mode, hart features and images
 * (compared by content hash, so a rebuilt kernel is caught), the same
 * drives and console settings. The engine may differ: both run the guest
 * identically.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import type { MachineOptions } from "../machine/machine";
import { SnapshotError } from "./snapshot-error";

export interface MachineIdentity {
  memory: number;
  harts: number;
  mode: string;
  hypervisorExtension: boolean;
  instructionsPerTick: number;
  exitLogSize: number | undefined;
  bios: string | undefined;
  kernel: string | undefined;
  dtb: string | undefined;
  append: string | undefined;
  drives: string[];
  rng: string;
  /** Names, for messages only. */
  biosName: string | undefined;
  kernelName: string | undefined;
}

function digest(bytes: Uint8Array | undefined): string | undefined {
  return bytes ? createHash("sha256").update(bytes).digest("hex").slice(0, 32) : undefined;
}

export function machineIdentity(options: MachineOptions): MachineIdentity {
  const mode = options.mode ?? "none";
  return {
    memory: options.memory,
    harts: options.harts ?? 1,
    mode,
    hypervisorExtension: options.hypervisorExtension === true || mode === "hardware-assisted",
    instructionsPerTick: options.instructionsPerTick ?? 10,
    exitLogSize: options.exitLogSize,
    bios: digest(options.bios),
    kernel: digest(options.kernel),
    dtb: digest(options.dtb),
    append: options.append,
    drives: (options.drives ?? []).map((drive) => `${resolve(drive.path)}${drive.readonly ? " readonly" : ""}${drive.snapshot ? " snapshot" : ""}`),
    rng: options.rng ?? "seeded",
    biosName: options.biosName,
    kernelName: options.kernelName,
  };
}

const described: Record<string, string> = {
  memory: "--memory (bytes)",
  harts: "--harts",
  mode: "--mode",
  hypervisorExtension: "the H extension",
  instructionsPerTick: "instructions per tick",
  exitLogSize: "the exit-log size",
  bios: "the --bios image",
  kernel: "the kernel image",
  dtb: "the --dtb blob",
  append: "--append",
  drives: "--drive",
  rng: "--rng",
};

/** Throws naming the first option that differs, with both values. */
export function checkIdentity(saved: MachineIdentity, current: MachineIdentity): void {
  for (const [key, name] of Object.entries(described)) {
    const was = JSON.stringify(saved[key as keyof MachineIdentity]);
    const now = JSON.stringify(current[key as keyof MachineIdentity]);
    if (was === now) continue;
    const image = key === "bios" || key === "kernel" ? ` (saved with ${saved[`${key}Name` as "biosName"] ?? "another image"}, content differs)` : `: saved with ${was ?? "none"}, given ${now ?? "none"}`;
    throw new SnapshotError(`the machine differs from the one saved in ${name}${image}; start vmscope with the same options as when the snapshot was saved`);
  }
}
