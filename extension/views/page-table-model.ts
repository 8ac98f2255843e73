/**
 * Page-table payloads (vmscope/pageTables) → tree nodes: root → table
 * entries (lazy, one table per request) → leaves, plus the coalesced ranges.
 * The same presentation serves the guest's own tables, the shadow tables and
 * the G-stage (nested) tables.
 */
import type { PageTableEntryInfo, PageTableRangeInfo, PageTableRoot, PageTablesArguments, PageTablesResponse, TranslateStep } from "../../debug-adapter/protocol";
import { formatSize, parseHex } from "./format";
import { messageNode, type ViewNode } from "./view-node";

/** Fetches one table (omit `table` for the root); the glue binds it to a session. */
export type FetchTables = (args: PageTablesArguments) => Promise<PageTablesResponse>;

export const rootTitles: Record<PageTableRoot, string> = {
  guest: "Guest page tables",
  shadow: "Shadow page tables",
  nested: "Nested (G-stage) page tables",
};

/** Sv39 has levels 2, 1, 0; a leaf at level 1 is a 2 MiB megapage, at 2 a 1 GiB gigapage. */
export function entryLabel(entry: PageTableEntryInfo): string {
  const slot = `L${entry.level}[${entry.index}]`;
  return entry.kind === "table" ? `${slot} → table ${entry.target}` : `${slot} ${entry.va} → ${entry.target}`;
}

export function entryDescription(entry: PageTableEntryInfo): string {
  const size = safeSize(entry.size);
  if (entry.kind === "table") return `va ${entry.va} +${size}`;
  const host = entry.hostTarget ? ` · host ${entry.hostTarget}` : "";
  const problem = entry.problem ? ` · ${entry.problem}` : "";
  return `${entry.flags} ${size}${host}${problem}`;
}

export function entryTooltip(entry: PageTableEntryInfo, root: PageTableRoot): string {
  const lines = [
    `${rootTitles[root]}, level ${entry.level}, index ${entry.index}`,
    `PTE ${entry.pte} at ${entry.pteAddress}`,
    `flags ${entry.flags} (R W X U G A D)`,
    `va ${entry.va}, size ${safeSize(entry.size)}`,
    entry.kind === "table" ? `next table ${entry.target}` : `maps to ${entry.target}`,
  ];
  if (entry.hostTarget) lines.push(`host-physical ${entry.hostTarget}`);
  if (entry.problem) lines.push(`problem: ${entry.problem}`);
  return lines.join("\n");
}

function safeSize(size: string): string {
  try {
    return formatSize(parseHex(size));
  } catch {
    return size;
  }
}

/** Node of one PTE; tables expand lazily into the next level. */
export function entryNode(root: PageTableRoot, entry: PageTableEntryInfo, fetch: FetchTables, vcpu?: number): ViewNode {
  const node: ViewNode = {
    id: `${root}/pte/${entry.pteAddress}`,
    label: entryLabel(entry),
    description: entryDescription(entry),
    tooltip: entryTooltip(entry, root),
    contextValue: entry.kind === "table" ? `${root}Table` : `${root}Leaf`,
    icon: entry.problem ? "warning" : entry.kind === "table" ? "list-tree" : "symbol-field",
    data: { root, entry },
  };
  if (entry.kind === "table") {
    node.load = async () => tableChildren(root, await fetch({ root, vcpu, table: entry.target, level: entry.level - 1 }), fetch, vcpu);
  }
  return node;
}

export function tableChildren(root: PageTableRoot, response: PageTablesResponse, fetch: FetchTables, vcpu?: number): ViewNode[] {
  if (!response.available) return [messageNode(`${root}/unavailable`, `No ${rootTitles[root].toLowerCase()}: ${response.reason ?? "not available"}`)];
  const nodes = response.entries.map((entry) => entryNode(root, entry, fetch, vcpu));
  if (response.truncated) nodes.push(messageNode(`${root}/truncated/${response.entries.length}`, "… more entries not listed"));
  if (nodes.length === 0) nodes.push(messageNode(`${root}/empty`, "(no valid entries)"));
  return nodes;
}

export function rangeNode(root: PageTableRoot, range: PageTableRangeInfo): ViewNode {
  return {
    id: `${root}/range/${range.va}`,
    label: `${range.va}–${range.vaEnd} → ${range.pa}`,
    description: `${range.flags} · ${range.leaves} ${range.leaves === 1 ? "leaf" : "leaves"}`,
    tooltip: `${range.leaves} contiguous leaves with flags ${range.flags}\nva ${range.va} up to ${range.vaEnd}\npa from ${range.pa}`,
    contextValue: `${root}Range`,
    icon: "symbol-array",
    data: { root, range },
  };
}

/**
 * The view's top level from the root-table response: where the tree comes
 * from (satp/vsatp/hgatp), the root table (expanded), and the ranges.
 */
export function rootNodes(root: PageTableRoot, response: PageTablesResponse, fetch: FetchTables, vcpu?: number): ViewNode[] {
  if (!response.available) {
    return [messageNode(`${root}/unavailable`, `No ${rootTitles[root].toLowerCase()}: ${response.reason ?? "not available"}`)];
  }
  const nodes: ViewNode[] = [];
  if (response.register) {
    nodes.push({
      id: `${root}/register`,
      label: `${response.register.name} = ${response.register.value}`,
      description: response.addressSpaces,
      tooltip: `The tree comes from ${response.register.name}${response.addressSpaces ? ` (${response.addressSpaces})` : ""}`,
      contextValue: "pageTableRegister",
      icon: "symbol-variable",
    });
  }
  const levels = response.entries.length ? response.entries[0].level : undefined;
  nodes.push({
    id: `${root}/root`,
    label: `Root table${response.rootTable ? ` @ ${response.rootTable}` : ""}`,
    description: levels === undefined ? undefined : `level ${levels} · ${response.entries.length} valid entries`,
    contextValue: "pageTableRoot",
    icon: "type-hierarchy",
    expanded: true,
    children: tableChildren(root, response, fetch, vcpu),
  });
  nodes.push({
    id: `${root}/ranges`,
    label: "Mapped ranges",
    description: "coalesced leaves",
    tooltip: "Contiguous leaves with the same flags, merged into one range",
    contextValue: "pageTableRanges",
    icon: "symbol-array",
    load: async () => {
      const ranged = await fetch({ root, vcpu, ranges: true, maxRanges: 512 });
      const ranges = (ranged.ranges ?? []).map((range) => rangeNode(root, range));
      if (ranged.truncated) ranges.push(messageNode(`${root}/ranges/truncated`, "… more ranges not listed"));
      return ranges.length ? ranges : [messageNode(`${root}/ranges/none`, "(no mapped ranges)")];
    },
  });
  return nodes;
}

/** The shadow tables exist in trap-and-emulate and binary translation, the G-stage tables when hardware-assisted. */
export function hostRootForMode(mode: string): PageTableRoot | undefined {
  if (mode === "trap-and-emulate" || mode === "binary-translation") return "shadow";
  if (mode === "hardware-assisted") return "nested";
  return undefined;
}

/** The host-side steps of a walk: what follows the last guest-stage read (the final G-stage walk, or the shadow walk). */
export function hostSteps(steps: readonly TranslateStep[]): TranslateStep[] {
  let last = -1;
  steps.forEach((step, index) => {
    if (step.stage === "guest") last = index;
  });
  return steps.slice(last + 1);
}

/** Ids of the host-tree nodes a walk passes through, root first: the path to reveal. */
export function counterpartPath(root: PageTableRoot, steps: readonly TranslateStep[]): string[] {
  return [`${root}/root`, ...hostSteps(steps).map((step) => `${root}/pte/${step.pteAddress}`)];
}

/**
 * The address to translate for a guest leaf's counterpart. The shadow is
 * filled on demand, page by page, so a large guest leaf is usually only
 * partly shadowed: take the first address inside the leaf that the host
 * tree maps (its ranges are guest-virtual for the shadow, guest-physical for
 * the G-stage). Undefined when no part of the leaf is mapped there yet.
 */
export function counterpartAddress(root: PageTableRoot, entry: PageTableEntryInfo, hostRanges: readonly PageTableRangeInfo[]): string | undefined {
  const size = BigInt(entry.size);
  const va = BigInt(entry.va);
  // The host tree's address space: guest-virtual (shadow) or guest-physical (G-stage).
  const start = root === "nested" ? BigInt(entry.target) : va;
  const end = start + size - 1n;
  let best: bigint | undefined;
  for (const range of hostRanges) {
    const from = BigInt(range.va);
    const to = BigInt(range.vaEnd);
    if (to < start || from > end) continue;
    const first = from > start ? from : start;
    if (best === undefined || first < best) best = first;
  }
  return best === undefined ? undefined : `0x${(va + (best - start)).toString(16)}`;
}
