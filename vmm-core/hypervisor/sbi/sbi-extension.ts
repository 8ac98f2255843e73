/**
 * The shape of one SBI extension in the dispatch table: an EID, a name for
 * the exit log and a table of functions by FID. Every handler gets the same
 * call context and returns an outcome; naming and the exit-log summary are
 * done once, in sbi.ts, from the function's declared parameter names.
 */
import type { VirtualCpu } from "../vcpu";
import type { SbiHost } from "./sbi-host";

/** The guest's a0..a7 at the ecall, as unsigned 64-bit values. */
export interface SbiArguments {
  a0: bigint;
  a1: bigint;
  a2: bigint;
  a3: bigint;
  a4: bigint;
  a5: bigint;
  /** FID */
  a6: bigint;
  /** EID */
  a7: bigint;
}

export interface SbiCallContext {
  host: SbiHost;
  vcpu: VirtualCpu;
  args: SbiArguments;
  /** True when `eid` names an extension in the table (for BASE.probe_extension). */
  isImplemented(eid: bigint): boolean;
}

export interface SbiOutcome {
  error: bigint;
  value: bigint;
  /** A few words for the exit log: what was done, e.g. "harts 0,2" or "'A'". */
  note?: string;
  /** The call does not return (non-retentive suspend): the host has set the guest's pc and registers itself. */
  noReturn?: boolean;
}

export interface SbiFunction {
  name: string;
  /** Spec names of the arguments in a0, a1 … (only those the function reads). */
  params: readonly string[];
  /** True when sbiret.value carries data worth showing in the summary. */
  returnsValue?: boolean;
  handler(call: SbiCallContext): SbiOutcome;
}

export interface SbiExtension {
  eid: bigint;
  /** "BASE", "TIME" … ("legacy" for the v0.1 extensions). */
  name: string;
  /**
   * v0.1 extensions ignore a6 (their one function sits at FID 0) and return
   * a single value in a0.
   */
  legacy?: boolean;
  functions: Readonly<Record<number, SbiFunction>>;
}

export function success(value = 0n, note?: string): SbiOutcome {
  return { error: 0n, value, note };
}

export function failure(error: bigint, note?: string): SbiOutcome {
  return { error, value: 0n, note };
}

/** 0x-prefixed unsigned hex, as objdump and the exit log print addresses. */
export function hex(value: bigint): string {
  return `0x${BigInt.asUintN(64, value).toString(16)}`;
}

export const allOnes64 = (1n << 64n) - 1n;
