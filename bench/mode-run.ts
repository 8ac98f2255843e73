/**
 * Runs an S-mode kernel to power-off in one virtualization mode, in this
 * process: "none" under Debian's OpenSBI (the kernel owns real S-mode),
 * "trap-and-emulate" under vmscope's monitor (no firmware). Only the
 * kernel's part is timed: under OpenSBI the firmware's boot runs first,
 * untimed, until the hart first enters S-mode.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Machine, type VirtualizationMode } from "../vmm-core/machine/machine";
import type { ExitStatistics } from "../vmm-core/hypervisor/exit-log";
import type { KernelGuest } from "./guests";
import type { Engine } from "../vmm-core/hart/hart";

export const openSbiFwJump = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf";

export interface ModeRun {
  mode: VirtualizationMode;
  /** Everything the console showed, firmware banner included. */
  console: string;
  reason: string;
  exitCode: number;
  /** Who powered the machine off ("sifive_test", "SBI SRST" …). */
  powerSource: string;
  /** Instructions the hart retired while the kernel ran (the firmware's boot excluded). */
  instructions: number;
  /** Instructions of the firmware's boot, before the kernel's first one (0 without firmware). */
  firmwareInstructions: number;
  /** Wall time of the kernel's part of the run. */
  wallMs: number;
  /** CPU time (user + system) over the same stretch. */
  cpuMs: number;
  /** Wall time of the firmware's boot (not counted in wallMs). */
  firmwareMs: number;
  /** The monitor's exit statistics (trap-and-emulate only). */
  exits?: ExitStatistics;
}

/** Budget per machine.run() call while the kernel runs. */
const slice = 50_000_000;
/** While the firmware boots: short slices, so the kernel's first instructions are not counted as the firmware's. */
const firmwareSlice = 1_000;
const supervisor = 1;

export function runInMode(guest: KernelGuest, mode: VirtualizationMode, maxInstructions: number, engine?: Engine): ModeRun {
  const chunks: Buffer[] = [];
  const machine = new Machine({
    memory: 128 * 1024 * 1024,
    mode,
    bios: mode === "none" ? new Uint8Array(readFileSync(openSbiFwJump)) : undefined,
    biosName: mode === "none" ? "fw_jump.elf" : undefined,
    kernel: new Uint8Array(readFileSync(guest.elfPath)),
    kernelName: guest.name,
    console: { write: (bytes: Uint8Array) => chunks.push(Buffer.from(bytes)) },
    engine,
  });
  let reason = "budget";
  let executed = 0;
  const hart = machine.harts[0];
  const firmwareStart = performance.now();
  // Under the monitor the hart never leaves U-mode and M-mode (the monitor); priv is the real one.
  if (mode === "none") {
    while (reason === "budget" && hart.priv !== supervisor && executed < maxInstructions) {
      const result = machine.run(firmwareSlice);
      reason = result.reason;
      executed += result.instructions;
    }
  }
  const firmwareInstructions = machine.stats().instructions;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  while (reason === "budget" && executed < maxInstructions) {
    const result = machine.run(Math.min(slice, maxInstructions - executed));
    reason = result.reason;
    executed += result.instructions;
  }
  const end = performance.now();
  const cpu = process.cpuUsage(cpuStart);
  return {
    mode,
    console: Buffer.concat(chunks).toString("latin1"),
    reason,
    exitCode: machine.power.exitCode,
    powerSource: machine.power.source,
    instructions: machine.stats().instructions - firmwareInstructions,
    firmwareInstructions,
    wallMs: end - start,
    cpuMs: (cpu.user + cpu.system) / 1000,
    firmwareMs: start - firmwareStart,
    exits: machine.monitor?.exits.statistics(),
  };
}
