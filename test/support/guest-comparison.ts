/**
 * Running one bare-machine guest on vmscope and on QEMU and comparing what
 * they print: shared by the ISA suites (test/isa, test/isa-h).
 */
import { Machine, type MachineOptions } from "../../vmm-core/machine/machine";
import { runQemu } from "../reference/qemu";

export interface GuestRun {
  output: string;
  poweredOff: boolean;
  exitCode: number | null;
  detail: string;
}

export function runGuestOnVmscope(elf: Uint8Array, name: string, budget: number, options: Partial<MachineOptions> = {}): GuestRun {
  const chunks: Uint8Array[] = [];
  const machine = new Machine({
    memory: 128 * 1024 * 1024,
    kernel: elf,
    kernelName: `${name}.elf`,
    console: { write: (bytes: Uint8Array) => chunks.push(bytes.slice()) },
    ...options,
  });
  const result = machine.run(budget);
  return {
    output: Buffer.concat(chunks).toString("latin1"),
    poweredOff: result.reason === "poweroff",
    exitCode: machine.power.exitCode,
    detail: `stopped by ${result.reason} after ${result.instructions} instructions, pc=0x${machine.harts[0].pc.toString(16)}`,
  };
}

export async function runGuestOnQemu(elfPath: string, timeoutMs: number, cpu?: string): Promise<GuestRun> {
  const result = await runQemu(elfPath, { timeoutMs, ...(cpu ? { cpu } : {}) });
  return {
    output: result.stdout.toString("latin1"),
    poweredOff: !result.timedOut && result.exitCode !== null,
    exitCode: result.exitCode,
    detail: result.timedOut ? `QEMU timed out after ${timeoutMs} ms` : result.stderr.toString().trim(),
  };
}

/** The first differing line with a few lines of context, diff style. */
export function firstDifference(expected: string, actual: string, context = 3): string | undefined {
  if (expected === actual) return undefined;
  const want = expected.split("\n");
  const got = actual.split("\n");
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const from = Math.max(0, i - context);
  const lines = [`@@ first difference at line ${i + 1} @@`];
  for (let k = from; k < i; k++) lines.push(`  ${want[k]}`);
  for (let k = i; k < Math.min(want.length, i + context); k++) lines.push(`- ${want[k]}  (QEMU)`);
  for (let k = i; k < Math.min(got.length, i + context); k++) lines.push(`+ ${got[k]}  (vmscope)`);
  return lines.join("\n");
}
