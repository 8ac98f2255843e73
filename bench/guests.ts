/** The guest programs the benchmarks run, with the console output each must print. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface Guest {
  name: string;
  elfPath: string;
  /** The exact console output of a correct run (committed next to the ELF). */
  expectedOutputPath: string;
}

/** CPU-bound: list, matrix, state machine and CRC kernels, ~150M instructions. */
export const computeGuest: Guest = {
  name: "compute.elf",
  elfPath: join(root, "bench/guests/compute/compute.elf"),
  expectedOutputPath: join(root, "bench/guests/compute/expected-output.txt"),
};

/** Trivial: prints four lines and powers off. Measures QEMU's own start-up and shutdown. */
export const helloGuest: Guest = {
  name: "hello.elf",
  elfPath: join(root, "samples/hello/hello.elf"),
  expectedOutputPath: join(root, "samples/hello/expected-output.txt"),
};

/** An S-mode kernel for the hypervisor benchmark: it runs under OpenSBI (mode none) and under the monitor. */
export interface KernelGuest extends Guest {
  /** The start of the kernel's first line; what the console shows before it is the firmware's. */
  banner: string;
}

/** compute's kernels as an S-mode kernel at 0x8020_0000: SBI console and SRST. Prints compute's own output. */
export const computeSmodeGuest: KernelGuest = {
  name: "compute-smode.elf",
  elfPath: join(root, "bench/guests/compute-smode/compute-smode.elf"),
  expectedOutputPath: join(root, "bench/guests/compute/expected-output.txt"),
  banner: "compute:",
};

/** Exit-heavy: Sv39, one user process, 50,000 system calls and 2,000 pages mapped on demand. */
export const syscallsGuest: KernelGuest = {
  name: "syscalls.elf",
  elfPath: join(root, "bench/guests/syscalls/syscalls.elf"),
  expectedOutputPath: join(root, "bench/guests/syscalls/expected-output.txt"),
  banner: "syscalls:",
};

/** The privileged sample: every supervisor CSR and privileged instruction, then 200 context-switch rounds (~1,900 exits under trap-and-emulate, 80 thousand instructions). */
export const privilegedGuest: KernelGuest = {
  name: "privileged.elf",
  elfPath: join(root, "samples/privileged/privileged.elf"),
  expectedOutputPath: join(root, "samples/privileged/expected-output.txt"),
  banner: "privileged:",
};

export function expectedOutput(guest: Guest): string {
  return readFileSync(guest.expectedOutputPath, "latin1");
}

/** A kernel's own output: from its banner on (undefined when it never printed it). */
export function kernelOutput(guest: KernelGuest, console: string): string | undefined {
  const start = console.indexOf(guest.banner);
  return start < 0 ? undefined : console.slice(start);
}
