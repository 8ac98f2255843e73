/**
 * The shadow invariant, checked from the outside: every valid shadow leaf
 * is the composition of the guest's current mapping and the monitor's
 * GuestPhysicalMap, grants nothing the guest's leaf refuses for the
 * context, and is writable only once the guest's D bit is set (and present
 * only once its A bit is). Tests run it after every step; the debugger can
 * run it on demand.
 */
import { Access, pte, walkSv39, type PteMemory, type WalkOutcome } from "../../hart/mmu";
import type { PageTableNode } from "../page-table-tree";
import { isBare, normalizeContext, satpRoot, type ShadowContext } from "./context";
import { permissionsOf } from "./permissions";
import type { ShadowPageTables } from "./shadow-page-tables";

const hex = (value: bigint): string => `0x${value.toString(16)}`;

function leaves(nodes: PageTableNode[], out: PageTableNode[], problems: string[]): void {
  for (const node of nodes) {
    if (node.problem) problems.push(`shadow PTE at ${hex(node.pteAddress)} (va ${hex(node.va)}): ${node.problem}`);
    else if (node.kind === "leaf") out.push(node);
    else leaves(node.children ?? [], out, problems);
  }
}

/** Problems found in the shadow for `context` (empty when it holds, or when no root exists). */
export function checkShadowInvariant(shadow: ShadowPageTables, context: ShadowContext, guestTables: PteMemory): string[] {
  const problems: string[] = [];
  const root = shadow.peekRoot(context);
  if (root === undefined) return problems;
  const c = normalizeContext(context);
  const tree = shadow.walkTree(root);
  const found: PageTableNode[] = [];
  leaves(tree.entries, found, problems);
  const walk = (va: bigint, access: Access): WalkOutcome =>
    walkSv39(va, access, { root: satpRoot(c.satp), privilege: c.privilege, sum: c.sum, mxr: c.mxr, updateAccessedDirty: false }, guestTables);

  for (const leaf of found) {
    const where = `shadow va ${hex(leaf.va)}`;
    const entry = leaf.pte;
    if (leaf.level !== 0) problems.push(`${where}: shadow leaf at level ${leaf.level} (shadows use 4 KiB leaves only)`);
    if ((entry & pte.U) === 0n) problems.push(`${where}: U clear (the guest runs in real U-mode)`);
    if ((entry & pte.G) !== 0n) problems.push(`${where}: G set`);
    if ((entry & pte.A) === 0n) problems.push(`${where}: A clear (the real hart would write the shadow)`);
    if ((entry & pte.W) !== 0n && (entry & pte.D) === 0n) problems.push(`${where}: W without D`);
    const shadowPermissions = permissionsOf(entry);

    let gpa: bigint;
    let allowed = { read: true, write: true, execute: true };
    if (!isBare(c)) {
      const read = walk(leaf.va, Access.Read);
      const write = walk(leaf.va, Access.Write);
      const fetch = walk(leaf.va, Access.Fetch);
      const ok = [read, write, fetch].find((o) => o.kind === "ok");
      if (!ok || ok.kind !== "ok") {
        problems.push(`${where}: mapped, but the guest allows no access there`);
        continue;
      }
      gpa = ok.physicalAddress;
      const dirty = (ok.pte & pte.D) !== 0n;
      allowed = { read: read.kind === "ok", write: write.kind === "ok" && dirty, execute: fetch.kind === "ok" };
      if ((ok.pte & pte.A) === 0n) problems.push(`${where}: shadowed while the guest's A bit is clear`);
    } else {
      gpa = leaf.va;
    }
    const expected = shadow.map.toHost(gpa & ~0xfffn);
    if (expected === undefined || !shadow.map.isRam(gpa & ~0xfffn, 0x1000n)) {
      problems.push(`${where}: maps guest-physical ${hex(gpa)}, which is not guest RAM`);
      continue;
    }
    if (leaf.target !== expected) {
      problems.push(`${where}: maps host ${hex(leaf.target)}, guest and map say ${hex(expected)} (gpa ${hex(gpa)})`);
    }
    for (const [name, has, may] of [
      ["R", shadowPermissions.read, allowed.read],
      ["W", shadowPermissions.write, allowed.write],
      ["X", shadowPermissions.execute, allowed.execute],
    ] as const) {
      if (has && !may) problems.push(`${where}: ${name} wider than the guest allows${name === "W" ? " (or guest D clear)" : ""}`);
    }
  }
  return problems;
}
