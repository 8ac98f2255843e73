/**
 * RFENCE extension (EID 0x52464E43 "RFNC"): remote FENCE.I and SFENCE.VMA.
 * The HFENCE functions need harts with the H extension, which the virtual
 * harts do not have, so they answer SBI_ERR_NOT_SUPPORTED (as the spec asks).
 */
import { decodeHartMask, describeHarts } from "./hart-mask";
import type { RemoteFenceKind } from "./sbi-host";
import { allOnes64, failure, hex, success, type SbiCallContext, type SbiExtension, type SbiFunction, type SbiOutcome } from "./sbi-extension";
import { SbiError } from "./sbi-error";

/**
 * The range as the host receives it: the spec's two spellings of "whole
 * address space" (start = size = 0, or size = 2^XLEN - 1) both become
 * start 0, size 2^64 - 1. Undefined when start + size wraps around.
 */
export function normalizeFenceRange(start: bigint, size: bigint): { start: bigint; size: bigint } | undefined {
  if ((start === 0n && size === 0n) || size === allOnes64) return { start: 0n, size: allOnes64 };
  if (start + size > allOnes64 + 1n) return undefined;
  return { start, size };
}

function remoteFence(kind: RemoteFenceKind, call: SbiCallContext): SbiOutcome {
  const { host, args } = call;
  const harts = decodeHartMask(args.a0, args.a1, host.hartCount);
  if (harts === undefined) return failure(SbiError.INVALID_PARAM, "no such hart");
  const range = kind === "fence.i" ? { start: 0n, size: 0n } : normalizeFenceRange(args.a2, args.a3);
  if (range === undefined) return failure(SbiError.INVALID_ADDRESS, "range wraps around");
  const asid = kind === "sfence.vma.asid" ? args.a4 : 0n;
  host.remoteFence(harts, kind, range.start, range.size, asid);
  const what = kind === "fence.i" ? "" : range.size === allOnes64 ? " all addresses" : ` [${hex(range.start)}, ${hex(range.start + range.size)})`;
  return success(0n, `${kind} on ${describeHarts(harts)}${what}`);
}

function hypervisorFence(name: string, params: readonly string[]): SbiFunction {
  return { name, params, handler: () => failure(SbiError.NOT_SUPPORTED, "no H extension on the virtual harts") };
}

const mask = ["hart_mask", "hart_mask_base"] as const;
const range = [...mask, "start_addr", "size"] as const;

export const rfenceExtension: SbiExtension = {
  eid: 0x52464e43n,
  name: "RFENCE",
  functions: {
    0: { name: "remote_fence_i", params: mask, handler: (call) => remoteFence("fence.i", call) },
    1: { name: "remote_sfence_vma", params: range, handler: (call) => remoteFence("sfence.vma", call) },
    2: { name: "remote_sfence_vma_asid", params: [...range, "asid"], handler: (call) => remoteFence("sfence.vma.asid", call) },
    3: hypervisorFence("remote_hfence_gvma_vmid", [...range, "vmid"]),
    4: hypervisorFence("remote_hfence_gvma", range),
    5: hypervisorFence("remote_hfence_vvma_asid", [...range, "asid"]),
    6: hypervisorFence("remote_hfence_vvma", range),
  },
};
