/**
 * The SBI entry point the monitor calls when the guest kernel executes
 * ecall: look the EID up in the extension table, the FID in the extension's
 * function table, run the handler, and describe the call for the exit log.
 * An EID or FID that is not in the tables is SBI_ERR_NOT_SUPPORTED.
 */
import type { VirtualCpu } from "../vcpu";
import type { SbiArguments, SbiFunction, SbiOutcome } from "./sbi-extension";
import { hex } from "./sbi-extension";
import { SbiError, sbiErrorName } from "./sbi-error";
import type { SbiHost } from "./sbi-host";
import { isLegacyEid, sbiExtensionsByEid } from "./sbi-table";

export interface SbiResult {
  /** Goes to a0. For a legacy call, its only return value. */
  error: bigint;
  /** Goes to a1, except for legacy calls (a1 is left alone). */
  value: bigint;
  legacy: boolean;
  /** False when the call does not return to the ecall: a0, a1 and the pc are already what the guest resumes with. */
  returns: boolean;
  /** "TIME.set_timer", "legacy.console_putchar", "unknown 0x53555350.0x0". */
  name: string;
  /** Arguments and result for the exit log: "stime_value=0x1234 → SUCCESS (in 52 ticks)". */
  summary: string;
}

export function handleSbiCall(host: SbiHost, vcpu: VirtualCpu, registers: SbiArguments): SbiResult {
  const u = (value: bigint) => BigInt.asUintN(64, value);
  const args: SbiArguments = {
    a0: u(registers.a0),
    a1: u(registers.a1),
    a2: u(registers.a2),
    a3: u(registers.a3),
    a4: u(registers.a4),
    a5: u(registers.a5),
    a6: u(registers.a6),
    a7: u(registers.a7),
  };
  const extension = sbiExtensionsByEid.get(args.a7);
  const legacy = extension?.legacy ?? isLegacyEid(args.a7);
  const fid = legacy ? 0n : args.a6;
  const fn = extension !== undefined && fid <= 0xffff_ffffn ? lookup(extension.functions, Number(fid)) : undefined;
  if (extension === undefined || fn === undefined) {
    const why = extension === undefined ? "no such extension" : `${extension.name} has no function ${hex(fid)}`;
    return {
      error: SbiError.NOT_SUPPORTED,
      value: 0n,
      legacy,
      returns: true,
      name: `unknown ${hex(args.a7)}.${hex(args.a6)}`,
      summary: `→ ${sbiErrorName(SbiError.NOT_SUPPORTED)} (${why})`,
    };
  }
  const outcome = fn.handler({ host, vcpu, args, isImplemented: (eid) => sbiExtensionsByEid.has(BigInt.asUintN(64, eid)) });
  return {
    error: outcome.error,
    value: legacy ? 0n : outcome.value,
    legacy,
    returns: outcome.noReturn !== true,
    name: `${extension.name}.${fn.name}`,
    summary: summarize(fn, args, outcome, legacy),
  };
}

function lookup(functions: Readonly<Record<number, SbiFunction>>, fid: number): SbiFunction | undefined {
  return Object.hasOwn(functions, fid) ? functions[fid] : undefined;
}

const argumentRegisters = ["a0", "a1", "a2", "a3", "a4", "a5"] as const;

function summarize(fn: SbiFunction, args: SbiArguments, outcome: SbiOutcome, legacy: boolean): string {
  const parameters = fn.params.map((name, index) => `${name}=${hex(args[argumentRegisters[index]])}`);
  let result: string;
  if (legacy) {
    const a0 = BigInt.asIntN(64, outcome.error);
    result = `a0=${a0 < 0n ? a0.toString() : hex(a0)}`;
  } else {
    result = sbiErrorName(outcome.error);
    if (outcome.error === SbiError.SUCCESS && fn.returnsValue) result += ` value=${hex(outcome.value)}`;
  }
  if (outcome.note !== undefined) result += ` (${outcome.note})`;
  return [...parameters, `→ ${result}`].join(" ");
}
