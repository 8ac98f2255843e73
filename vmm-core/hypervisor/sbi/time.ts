/**
 * TIME extension (EID 0x54494D45 "TIME"): one-shot supervisor timer. The
 * host arms the vCPU's timer and clears its pending STIP; the note says how
 * far in the future the deadline lies, which is what one wants to see in
 * the exit log.
 */
import { allOnes64, success, type SbiExtension } from "./sbi-extension";

export const timeExtension: SbiExtension = {
  eid: 0x54494d45n,
  name: "TIME",
  functions: {
    0: {
      name: "set_timer",
      params: ["stime_value"],
      handler: ({ host, vcpu, args }) => {
        const deadline = args.a0;
        host.setTimer(vcpu, deadline);
        return success(0n, describeDeadline(deadline, host.mtime()));
      },
    },
  },
};

export function describeDeadline(deadline: bigint, now: bigint): string {
  if (deadline === allOnes64) return "timer off";
  return deadline > now ? `in ${deadline - now} ticks` : "already due";
}
