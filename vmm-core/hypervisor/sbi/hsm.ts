/**
 * HSM extension (EID 0x48534D "HSM"): start, stop, query and suspend harts.
 *
 * The SBI layer checks what it can see in the vCPUs (hart id, state, that a
 * start address is guest RAM); the monitor does the start and stop itself.
 * hart_suspend implements the two default types, as WFI: the vCPU is
 * marked suspended and its hart sleeps until an interrupt the guest enables
 * in sie is pending (resumeFromSuspend). Retentive: the call then returns
 * SBI_SUCCESS. Non-retentive: the vCPU resumes at resume_addr in S-mode,
 * MMU off, a0 = hartid, a1 = opaque (SBI v2.0, HSM hart_suspend). Platform
 * types are not implemented.
 */
import type { HartState, VirtualCpu } from "../vcpu";
import { failure, hex, success, type SbiExtension } from "./sbi-extension";
import { SbiError } from "./sbi-error";

/** HSM state ids (SBI v2.0 table "HSM Hart States"). */
export const hsmStateId: Readonly<Record<HartState, bigint>> = {
  started: 0n,
  stopped: 1n,
  "start-pending": 2n,
  "stop-pending": 3n,
  suspended: 4n,
};

export const suspendType = {
  defaultRetentive: 0x0000_0000n,
  defaultNonRetentive: 0x8000_0000n,
} as const;

/** The monitor calls this when a vCPU suspended by hart_suspend wakes up. */
export function resumeFromSuspend(vcpu: VirtualCpu): void {
  vcpu.waiting = false;
  if (vcpu.state === "suspended") vcpu.state = "started";
}

function validHart(hartId: bigint, hartCount: number): number | undefined {
  return hartId < BigInt(hartCount) ? Number(hartId) : undefined;
}

export const hsmExtension: SbiExtension = {
  eid: 0x48534dn,
  name: "HSM",
  functions: {
    0: {
      name: "hart_start",
      params: ["hartid", "start_addr", "opaque"],
      handler: ({ host, args }) => {
        const hartId = validHart(args.a0, host.hartCount);
        if (hartId === undefined) return failure(SbiError.INVALID_PARAM, "no such hart");
        const state = host.vcpu(hartId).state;
        if (state !== "stopped") return failure(SbiError.ALREADY_AVAILABLE, `hart ${hartId} is ${state}`);
        // The hart starts with the MMU off, so start_addr must be guest RAM (at least one compressed instruction).
        if (host.readGuestPhysical(args.a1, 2) === undefined) return failure(SbiError.INVALID_ADDRESS, "start_addr is not guest RAM");
        const error = BigInt(host.hartStart(hartId, args.a1, args.a2));
        return error === 0n ? success(0n, `hart ${hartId} starts at ${hex(args.a1)}`) : failure(error);
      },
    },
    1: {
      name: "hart_stop",
      params: [],
      handler: ({ host, vcpu }) => {
        const error = BigInt(host.hartStop(vcpu));
        return error === 0n ? success(0n, `hart ${vcpu.hartId} stopped`) : failure(error);
      },
    },
    2: {
      name: "hart_get_status",
      params: ["hartid"],
      returnsValue: true,
      handler: ({ host, args }) => {
        const hartId = validHart(args.a0, host.hartCount);
        if (hartId === undefined) return failure(SbiError.INVALID_PARAM, "no such hart");
        const state = host.vcpu(hartId).state;
        return success(hsmStateId[state], state);
      },
    },
    3: {
      name: "hart_suspend",
      params: ["suspend_type", "resume_addr", "opaque"],
      handler: ({ host, vcpu, args }) => {
        const type = args.a0;
        if (type === suspendType.defaultRetentive) {
          host.hartSuspend(vcpu);
          return success(0n, "retentive suspend (waits like wfi)");
        }
        if (type === suspendType.defaultNonRetentive) {
          // Resumed with the MMU off, so resume_addr must be guest RAM, as hart_start's start_addr.
          if (host.readGuestPhysical(args.a1, 2) === undefined) return failure(SbiError.INVALID_ADDRESS, "resume_addr is not guest RAM");
          host.hartSuspend(vcpu, { address: args.a1, opaque: args.a2 });
          return { ...success(0n, `non-retentive suspend, resumes at ${hex(args.a1)}`), noReturn: true };
        }
        return failure(SbiError.INVALID_PARAM, "reserved or unimplemented suspend_type");
      },
    },
  },
};
