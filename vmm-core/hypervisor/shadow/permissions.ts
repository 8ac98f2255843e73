/**
 * Which permissions a shadow leaf may carry. The real hart runs the guest
 * in U-mode with the real sstatus.MXR clear, so the shadow leaf must itself
 * encode what the guest's leaf allows for the virtual privilege, SUM and
 * MXR of the context (privileged spec 4.3.1, 4.4.1), plus the A/D rule:
 * no W until the guest's D is set, so the first store faults and the
 * monitor can set D exactly when the hardware would.
 */
import { pte } from "../../hart/mmu";
import type { ShadowContext } from "./context";

export interface Permissions {
  read: boolean;
  write: boolean;
  execute: boolean;
}

/** Permissions of the shadow leaf for a guest leaf PTE (its A/D bits as they are now). */
export function shadowPermissions(guestLeaf: bigint, context: ShadowContext): Permissions {
  const user = (guestLeaf & pte.U) !== 0n;
  const none = { read: false, write: false, execute: false };
  if (context.privilege === 0 && !user) return none;
  if (context.privilege === 1 && user && !context.sum) return none;
  const r = (guestLeaf & pte.R) !== 0n;
  const x = (guestLeaf & pte.X) !== 0n;
  const w = (guestLeaf & pte.W) !== 0n;
  return {
    read: r || (context.mxr && x),
    write: w && r && (guestLeaf & pte.D) !== 0n,
    // Virtual S never executes from a user page, even with SUM.
    execute: x && !(context.privilege === 1 && user),
  };
}

/** Full permissions: guest paging off, the page is plain guest RAM. */
export const allPermissions: Permissions = { read: true, write: true, execute: true };

/** R/W/X bits of a PTE for these permissions. */
export function permissionBits(p: Permissions): bigint {
  return (p.read ? pte.R : 0n) | (p.write ? pte.W : 0n) | (p.execute ? pte.X : 0n);
}

export function permissionsOf(entry: bigint): Permissions {
  return { read: (entry & pte.R) !== 0n, write: (entry & pte.W) !== 0n, execute: (entry & pte.X) !== 0n };
}

/** "rwx", "r-x", "---". */
export function formatPermissions(p: Permissions): string {
  return `${p.read ? "r" : "-"}${p.write ? "w" : "-"}${p.execute ? "x" : "-"}`;
}

/** True when `inner` grants nothing `outer` does not. */
export function permissionsWithin(inner: Permissions, outer: Permissions): boolean {
  return (!inner.read || outer.read) && (!inner.write || outer.write) && (!inner.execute || outer.execute);
}
