/**
 * A debugger write into the guest's page tables under trap-and-emulate:
 * the shadow tables were built from the old entries, and the guest will not
 * execute an SFENCE.VMA for a change it did not make. So when a write lands
 * on a page that holds a table of any address space the monitor shadows,
 * every shadow is dropped (they refill on demand, as after the guest's own
 * full fence). Writes elsewhere leave the shadows — and the exit log — alone.
 */
import { walkTree } from "../../vmm-core/hypervisor/page-table-tree";
import { isBare, satpRoot } from "../../vmm-core/hypervisor/shadow/context";
import type { GuestView } from "./guest-view";

/** Guest-physical pages holding the tables of every shadowed address space. */
function shadowedTablePages(view: GuestView): Set<bigint> {
  const pages = new Set<bigint>();
  const monitor = view.trapAndEmulate;
  if (!monitor) return pages;
  const reader = view.guestPteReader();
  for (const root of monitor.shadow.listRoots()) {
    if (isBare(root.context)) continue;
    const tableRoot = satpRoot(root.context.satp);
    pages.add(tableRoot);
    const visit = (nodes: ReturnType<typeof walkTree>["entries"]) => {
      for (const node of nodes) {
        if (node.kind !== "table") continue;
        pages.add(node.target);
        if (node.children) visit(node.children);
      }
    };
    visit(walkTree(tableRoot, reader).entries);
  }
  return pages;
}

/** Drops the shadows when `written` (guest-physical pages) touched a shadowed guest table; true when it did. */
export function forgetStaleShadows(view: GuestView, written: readonly bigint[]): boolean {
  const monitor = view.trapAndEmulate;
  if (!monitor || written.length === 0) return false;
  const tables = shadowedTablePages(view);
  if (!written.some((page) => tables.has(page))) return false;
  monitor.flushTranslations();
  return true;
}
