/**
 * BASE extension (EID 0x10): version, implementation identity and probing.
 * All its functions succeed (the spec defines no errors for them).
 */
import { success, type SbiExtension } from "./sbi-extension";

/** SBI v2.0: major in bits 30:24, minor in bits 23:0. */
export const sbiSpecVersion = (2n << 24n) | 0n;

/**
 * Implementation id. The spec's registry assigns 0 (BBL) .. 11 (bhyve) and
 * keeps adding small numbers; vmscope takes a value far from that range,
 * 0x564D53 ("VMS" in ASCII, in the style of the EIDs), so no registered
 * implementation is ever mistaken for it.
 */
export const sbiImplementationId = 0x56_4d_53n;

/** vmscope 0.1: major << 16 | minor (OpenSBI's encoding). */
export const sbiImplementationVersion = (0n << 16n) | 1n;

export const baseExtension: SbiExtension = {
  eid: 0x10n,
  name: "BASE",
  functions: {
    0: { name: "get_spec_version", params: [], returnsValue: true, handler: () => success(sbiSpecVersion, "v2.0") },
    1: { name: "get_impl_id", params: [], returnsValue: true, handler: () => success(sbiImplementationId, "vmscope") },
    2: { name: "get_impl_version", params: [], returnsValue: true, handler: () => success(sbiImplementationVersion) },
    3: {
      name: "probe_extension",
      params: ["extension_id"],
      returnsValue: true,
      handler: ({ args, isImplemented }) => success(isImplemented(args.a0) ? 1n : 0n),
    },
    // The virtual machine reports the same identity as the real hart's CSRs (all 0, see docs/machine.md).
    4: { name: "get_mvendorid", params: [], returnsValue: true, handler: () => success(0n) },
    5: { name: "get_marchid", params: [], returnsValue: true, handler: () => success(0n) },
    6: { name: "get_mimpid", params: [], returnsValue: true, handler: () => success(0n) },
  },
};
