/**
 * SRST extension (EID 0x53525354 "SRST"): shutdown and reboot. vmscope
 * implements the three standard reset types and the two standard reasons;
 * reserved values and the vendor/implementation-specific ranges (none is
 * implemented) are SBI_ERR_INVALID_PARAM, as the spec says. On success the
 * call does not return to the guest: the monitor powers the machine off or
 * resets it.
 */
import { failure, success, type SbiExtension } from "./sbi-extension";
import { SbiError } from "./sbi-error";

export const resetTypeNames: readonly string[] = ["shutdown", "cold reboot", "warm reboot"];
export const resetReasonNames: readonly string[] = ["no reason", "system failure"];

export const srstExtension: SbiExtension = {
  eid: 0x53525354n,
  name: "SRST",
  functions: {
    0: {
      name: "system_reset",
      params: ["reset_type", "reset_reason"],
      handler: ({ host, args }) => {
        const type = args.a0 < BigInt(resetTypeNames.length) ? Number(args.a0) : undefined;
        const reason = args.a1 < BigInt(resetReasonNames.length) ? Number(args.a1) : undefined;
        if (type === undefined) return failure(SbiError.INVALID_PARAM, "reserved or unimplemented reset_type");
        if (reason === undefined) return failure(SbiError.INVALID_PARAM, "reserved or unimplemented reset_reason");
        host.systemReset(type, reason);
        return success(0n, `${resetTypeNames[type]}, ${resetReasonNames[reason]}`);
      },
    },
  },
};
