/**
 * Data breakpoints (watchpoints): dataBreakpointInfo names a guest-virtual
 * range — an address expression with a byte count (supportsDataBreakpointBytes),
 * or a data symbol — and setDataBreakpoints arms the machine debugger's
 * watchpoints with the access type, condition and hit condition.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Hart } from "../vmm-core/hart/hart";
import type { Watchpoint } from "../vmm-core/debug/machine-debugger";
import { behaviourOf, breakpointTest, type BreakpointHost } from "./breakpoints";
import { evaluate, ExpressionError, type ExpressionContext } from "./expression";
import type { ProgramDebugInfo } from "./stack-debug-info";

const accessTypes: DebugProtocol.DataBreakpointAccessType[] = ["read", "write", "readWrite"];
/** Largest range one data breakpoint may cover: the checked loop compares ranges, so size costs nothing, but a typo should not watch all memory. */
const maxBytes = 1 << 20;

/** "0x80001000/4": what dataId encodes. */
export function encodeDataId(address: bigint, bytes: number): string {
  return `0x${address.toString(16)}/${bytes}`;
}

export function decodeDataId(dataId: string): { address: bigint; bytes: number } {
  const match = /^(0x[0-9a-f]+)\/(\d+)$/.exec(dataId);
  if (!match) throw new ExpressionError(`dataId '${dataId}' is not one this adapter gave out`);
  return { address: BigInt(match[1]), bytes: Number(match[2]) };
}

export function dataBreakpointInfo(
  args: DebugProtocol.DataBreakpointInfoArguments,
  info: ProgramDebugInfo,
  context: ExpressionContext | undefined,
): DebugProtocol.DataBreakpointInfoResponse["body"] {
  const none = (description: string) => ({ dataId: null, description });
  const name = args.name.trim();
  let address: bigint;
  let bytes = args.bytes;
  if (args.asAddress) {
    try {
      address = context ? evaluate(name, context) : BigInt(name);
    } catch (error) {
      return none(`cannot watch '${name}': ${(error as Error).message}`);
    }
    bytes ??= 8;
  } else {
    const symbol = info.symbol(name);
    if (!symbol) {
      // Registers live in the hart, not in memory: nothing to watch.
      return none(`'${name}' is not a data symbol: give an address with asAddress and bytes`);
    }
    address = symbol.value;
    bytes ??= symbol.size > 0 ? symbol.size : 8;
  }
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > maxBytes) return none(`cannot watch ${bytes} bytes: give 1 to ${maxBytes}`);
  return {
    dataId: encodeDataId(BigInt.asUintN(64, address), bytes),
    description: `${bytes} byte${bytes === 1 ? "" : "s"} at 0x${BigInt.asUintN(64, address).toString(16)}${args.asAddress ? "" : ` (${name})`}`,
    accessTypes,
    canPersist: true,
  };
}

/** Watchpoints for setDataBreakpoints, with the DAP breakpoints to report. */
export function watchpointsFor(
  specs: readonly DebugProtocol.DataBreakpoint[],
  host: BreakpointHost,
  firstId: number,
): { watchpoints: Watchpoint[]; reported: DebugProtocol.Breakpoint[] } {
  const watchpoints: Watchpoint[] = [];
  const reported: DebugProtocol.Breakpoint[] = [];
  specs.forEach((spec, index) => {
    const id = firstId + index;
    try {
      const { address, bytes } = decodeDataId(spec.dataId);
      const access = spec.accessType ?? "write";
      if (!accessTypes.includes(access)) throw new ExpressionError(`accessType '${access}' is not read, write or readWrite`);
      const test = breakpointTest(behaviourOf(spec), host);
      watchpoints.push({
        id,
        address,
        length: bytes,
        read: access !== "write",
        write: access !== "read",
        test: test === undefined ? undefined : (hart: Hart) => test(hart),
      });
      reported.push({ id, verified: true, description: `${access} of 0x${address.toString(16)} (${bytes} bytes)` } as DebugProtocol.Breakpoint);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      reported.push({ id, verified: false, message: error.message, reason: "failed" });
    }
  });
  return { watchpoints, reported };
}
