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

export function expectedOutput(guest: Guest): string {
  return readFileSync(guest.expectedOutputPath, "latin1");
}
