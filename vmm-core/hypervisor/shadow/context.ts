/**
 * The translation context a shadow root stands for. A shadow leaf can only
 * carry one set of permissions, and the real hart always runs the guest in
 * U-mode, so everything that changes what the guest may touch — its address
 * space (satp: mode, ASID, root PPN), its virtual privilege, and
 * sstatus.SUM/MXR — selects a different shadow root.
 */

export interface ShadowContext {
  /** The guest's virtual satp (mode 0 = Bare or 8 = Sv39; the monitor refuses others). */
  satp: bigint;
  /** Virtual privilege: 0 = guest user code, 1 = guest kernel. */
  privilege: 0 | 1;
  sum: boolean;
  mxr: boolean;
}

const ppnMask = (1n << 44n) - 1n;
const asidMask = 0xffffn;

export const satpMode = { bare: 0n, sv39: 8n } as const;

export function satpModeOf(satp: bigint): bigint {
  return BigInt.asUintN(64, satp) >> 60n;
}

export function satpAsid(satp: bigint): bigint {
  return (BigInt.asUintN(64, satp) >> 44n) & asidMask;
}

/** Guest-physical address of the guest's root page table. */
export function satpRoot(satp: bigint): bigint {
  return (satp & ppnMask) << 12n;
}

export function isBare(context: ShadowContext): boolean {
  return satpModeOf(context.satp) === satpMode.bare;
}

/**
 * The context with every field that cannot change a translation cleared,
 * so equivalent contexts share one root: SUM only matters to virtual S, and
 * with paging off nothing but the mode matters.
 */
export function normalizeContext(context: ShadowContext): ShadowContext {
  if (isBare(context)) return { satp: 0n, privilege: 1, sum: false, mxr: false };
  const mode = satpModeOf(context.satp);
  if (mode !== satpMode.sv39) throw new Error(`shadow page tables: unsupported satp mode ${mode}`);
  return {
    satp: BigInt.asUintN(64, context.satp),
    privilege: context.privilege,
    sum: context.privilege === 1 && context.sum,
    mxr: context.mxr,
  };
}

/** Cache key of a (normalized) context. */
export function contextKey(context: ShadowContext): string {
  const c = normalizeContext(context);
  return `${c.satp.toString(16)}/${c.privilege}${c.sum ? "s" : ""}${c.mxr ? "m" : ""}`;
}

/** e.g. "Sv39 asid 1 root 0x80001000, virtual S, SUM" — for views and exit records. */
export function describeContext(context: ShadowContext): string {
  const c = normalizeContext(context);
  if (isBare(c)) return "Bare";
  const flags = [c.privilege === 1 ? "virtual S" : "virtual U"];
  if (c.sum) flags.push("SUM");
  if (c.mxr) flags.push("MXR");
  return `Sv39 asid ${satpAsid(c.satp)} root 0x${satpRoot(c.satp).toString(16)}, ${flags.join(", ")}`;
}
