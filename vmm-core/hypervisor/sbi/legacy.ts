/**
 * The SBI v0.1 ("legacy") extensions vmscope still serves: set_timer,
 * console_putchar, console_getchar and shutdown. Each is its own EID, a6 is
 * ignored and the result is a single value in a0 (kept in SbiOutcome.error
 * so the monitor writes a0 the same way for every call). The legacy IPI and
 * fence calls (0x03 .. 0x07) take a *virtual* address of a hart mask and
 * are superseded by IPI and RFENCE; they are not implemented.
 */
import type { SbiExtension, SbiFunction, SbiOutcome } from "./sbi-extension";
import { describeDeadline } from "./time";
import { previewBytes } from "./dbcn";

/** A legacy call's only result, a0. */
function returnA0(a0: bigint, note?: string): SbiOutcome {
  return { error: a0, value: 0n, note };
}

function legacy(eid: bigint, fn: SbiFunction): SbiExtension {
  return { eid, name: "legacy", legacy: true, functions: { 0: fn } };
}

export const legacyExtensions: readonly SbiExtension[] = [
  legacy(0x00n, {
    name: "set_timer",
    params: ["stime_value"],
    handler: ({ host, vcpu, args }) => {
      host.setTimer(vcpu, args.a0);
      return returnA0(0n, describeDeadline(args.a0, host.mtime()));
    },
  }),
  legacy(0x01n, {
    name: "console_putchar",
    params: ["ch"],
    handler: ({ host, args }) => {
      const bytes = Uint8Array.of(Number(args.a0 & 0xffn));
      host.consoleWrite(bytes);
      return returnA0(0n, previewBytes(bytes));
    },
  }),
  legacy(0x02n, {
    name: "console_getchar",
    params: [],
    handler: ({ host }) => {
      const [byte] = host.consoleReadAvailable(1);
      // The byte read, or -1 when there is none.
      return byte === undefined ? returnA0(-1n, "no input") : returnA0(BigInt(byte), previewBytes(Uint8Array.of(byte)));
    },
  }),
  legacy(0x08n, {
    name: "shutdown",
    params: [],
    handler: ({ host }) => {
      host.systemReset(0, 0);
      return returnA0(0n, "shutdown");
    },
  }),
];
