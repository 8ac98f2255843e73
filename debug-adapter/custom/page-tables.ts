/**
 * vmscope/pageTables: one table of the guest's, the shadow or the nested
 * (G-stage) tree per request, fetched lazily as the view expands it.
 * The tree comes from vmm-core's walkTree (hypervisor/page-table-tree.ts),
 * the same function the monitor's own views use, and is kept until the
 * guest runs again, so expanding a subtree does not walk everything anew.
 */
import { walkTree, type PageTableNode, type PageTableTree } from "../../vmm-core/hypervisor/page-table-tree";
import { InspectionError } from "../inspection/guest-memory-access";
import { hex, type GuestView } from "../inspection/guest-view";
import type { PageTableEntryInfo, PageTableRoot, PageTablesResponse } from "../protocol";
import { argumentsObject, oneOf, optionalAddress, optionalBoolean, optionalInteger } from "./arguments";

export const pageTableRoots: readonly PageTableRoot[] = ["guest", "shadow", "nested"];
const ppnMask = (1n << 44n) - 1n;
const defaultMaxRanges = 4096;

interface TreeSource {
  register: { name: string; value: bigint };
  root: bigint;
  addressSpaces: string;
  guestStage: boolean;
  walk(): PageTableTree;
  /** Host-physical address of a guest leaf's guest-physical target. */
  hostOf?(target: bigint): bigint | undefined;
}

/** The tree a root names in this view, or why there is none. */
export function treeSource(view: GuestView, root: PageTableRoot): TreeSource | string {
  const hart = view.hart;
  switch (root) {
    case "guest": {
      const state = view.translationState();
      if (state.satp >> 60n === 0n) return `${state.satpName} is Bare: the guest has paging off`;
      const tableRoot = (state.satp & ppnMask) << 12n;
      const map = view.map;
      return {
        register: { name: state.satpName, value: state.satp },
        root: tableRoot,
        addressSpaces: view.virtualized ? "guest-virtual → guest-physical" : "virtual → physical",
        guestStage: false,
        walk: () => walkTree(tableRoot, view.guestPteReader()),
        ...(map ? { hostOf: (target: bigint) => map.toHost(target) } : {}),
      };
    }
    case "shadow": {
      if (!view.trapAndEmulate) return `mode ${view.machine.mode} has no shadow page tables (trap-and-emulate has)`;
      const satp = hart.csr.satp;
      if (satp >> 60n === 0n) return "the real satp is Bare";
      const tableRoot = (satp & ppnMask) << 12n;
      const shadow = view.trapAndEmulate.shadow;
      return {
        register: { name: "satp (real)", value: satp },
        root: tableRoot,
        addressSpaces: "guest-virtual → host-physical",
        guestStage: false,
        walk: () => shadow.walkTree(tableRoot),
      };
    }
    case "nested": {
      if (!view.hardwareAssisted) return `mode ${view.machine.mode} has no nested page tables (hardware-assisted has)`;
      const hgatp = hart.h.hgatp;
      if (hgatp >> 60n === 0n) return "hgatp is Bare";
      const tableRoot = (hgatp & ppnMask) << 12n;
      return {
        register: { name: "hgatp", value: hgatp },
        root: tableRoot,
        addressSpaces: "guest-physical → host-physical",
        guestStage: true,
        walk: () => walkTree(tableRoot, view.hostPteReader(), { guestStage: true }),
      };
    }
  }
}

export function entryInfo(node: PageTableNode, hostOf?: (target: bigint) => bigint | undefined): PageTableEntryInfo {
  const info: PageTableEntryInfo = {
    level: node.level,
    index: node.index,
    pteAddress: hex(node.pteAddress),
    pte: hex(node.pte),
    flags: node.flags,
    kind: node.kind,
    va: hex(node.va),
    size: hex(node.size),
    target: hex(node.target),
  };
  if (node.kind === "leaf" && hostOf) {
    const host = hostOf(node.target);
    if (host !== undefined) info.hostTarget = hex(host);
  }
  if (node.problem) info.problem = node.problem;
  return info;
}

/** The table node whose `target` is `table` (at `level` + 1 when given), anywhere in the tree. */
function findTable(nodes: readonly PageTableNode[], table: bigint, level: number | undefined): PageTableNode | undefined {
  for (const node of nodes) {
    if (node.kind !== "table" || !node.children) continue;
    if (node.target === table && (level === undefined || node.level === level + 1)) return node;
    const inner = findTable(node.children, table, level);
    if (inner) return inner;
  }
  return undefined;
}

/** Walked trees by source and guest state; dropped whenever the guest has run or memory was written. */
export class PageTableCache {
  private stamp = "";
  private readonly trees = new Map<string, PageTableTree>();

  tree(source: TreeSource, root: PageTableRoot, hartId: number, stamp: string): PageTableTree {
    if (stamp !== this.stamp) {
      this.trees.clear();
      this.stamp = stamp;
    }
    const key = `${root}/${hartId}/${source.root.toString(16)}`;
    let tree = this.trees.get(key);
    if (!tree) {
      tree = source.walk();
      this.trees.set(key, tree);
    }
    return tree;
  }
}

export function pageTablesRequest(view: GuestView, rawArgs: unknown, cache: PageTableCache, stamp: string): PageTablesResponse {
  const args = argumentsObject(rawArgs);
  const root = oneOf(args, "root", pageTableRoots);
  const table = optionalAddress(args, "table");
  const level = optionalInteger(args, "level");
  if (level !== undefined && level > 2) throw new InspectionError(`'level' must be 0, 1 or 2, got ${level}`);
  const wantRanges = optionalBoolean(args, "ranges");
  const maxRanges = optionalInteger(args, "maxRanges", 1) ?? defaultMaxRanges;
  const source = treeSource(view, root);
  if (typeof source === "string") return { available: false, reason: source, entries: [] };
  const tree = cache.tree(source, root, view.hartId, stamp);
  let nodes: readonly PageTableNode[];
  if (table === undefined || table === source.root) {
    nodes = tree.entries;
  } else {
    const parent = findTable(tree.entries, table, level);
    if (!parent) throw new InspectionError(`table ${hex(table)} is not a table of the ${root} tree rooted at ${hex(source.root)}`);
    nodes = parent.children ?? [];
  }
  const response: PageTablesResponse = {
    available: true,
    register: { name: source.register.name, value: hex(source.register.value) },
    rootTable: hex(source.root),
    addressSpaces: source.addressSpaces,
    entries: nodes.map((node) => entryInfo(node, source.hostOf)),
  };
  if (wantRanges) {
    response.ranges = tree.ranges.slice(0, maxRanges).map((range) => ({
      va: hex(range.va),
      vaEnd: hex(range.vaEnd),
      pa: hex(range.pa),
      flags: range.flags,
      leaves: range.leaves,
    }));
  }
  if (tree.truncated || (wantRanges && tree.ranges.length > maxRanges)) response.truncated = true;
  return response;
}
