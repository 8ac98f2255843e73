/**
 * HSM extension (EID 0x48534D "HSM"): start, stop, query and suspend harts.
 *
 * The SBI layer checks what it can see in the vCPUs (hart id, state, that a
 * start address is guest RAM); the monitor does the start and stop itself.
 * hart_suspend implements the default retentive suspend only, as a WFI:
 * the vCPU is marked suspended and waiting, and the monitor resumes it like
 * a WFI (calling resumeFromSuspend) once a virtual interrupt is pending; the
 * guest then sees the call return SBI_SUCCESS. Non-retentive suspend is not
 * supported.
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
      handler: ({ vcpu, args }) => {
        const type = args.a0;
        if (type === suspendType.defaultRetentive) {
          vcpu.state = "suspended";
          vcpu.waiting = true;
          return success(0n, "retentive suspend (waits like wfi)");
        }
        // A defined type that vmscope does not implement; every other value is reserved or an unimplemented platform type.
        if (type === suspendType.defaultNonRetentive) return failure(SbiError.NOT_SUPPORTED, "non-retentive suspend");
        return failure(SbiError.INVALID_PARAM, "reserved or unimplemented suspend_type");
      },
    },
  },
};
