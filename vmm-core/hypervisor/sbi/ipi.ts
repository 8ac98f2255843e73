/** IPI extension (EID 0x735049 "sPI"): supervisor software interrupts to a hart list. */
import { decodeHartMask, describeHarts } from "./hart-mask";
import { failure, success, type SbiExtension } from "./sbi-extension";
import { SbiError } from "./sbi-error";

export const ipiExtension: SbiExtension = {
  eid: 0x735049n,
  name: "IPI",
  functions: {
    0: {
      name: "send_ipi",
      params: ["hart_mask", "hart_mask_base"],
      handler: ({ host, args }) => {
        const harts = decodeHartMask(args.a0, args.a1, host.hartCount);
        if (harts === undefined) return failure(SbiError.INVALID_PARAM, "no such hart");
        host.sendSoftwareInterrupt(harts);
        return success(0n, describeHarts(harts));
      },
    },
  },
};
