/**
 * An Sv39 tree as data for the page-table views: every valid entry, and the
 * leaves coalesced into ranges (contiguous virtual and physical addresses,
 * equal flags), so a kernel's linear map shows as one line, not thousands.
 * Generic over the PTE reader: the same function dumps the guest's own
 * tables (guest-physical reader) and the monitor's shadow (host-physical).
 */
import { pte, type PteMemory } from "../hart/mmu";

export interface PageTableNode {
  level: number;
  /** Index of the entry in its table (VPN[level]). */
  index: number;
  pteAddress: bigint;
  pte: bigint;
  /** "RWXUGAD" with "-" for clear bits. */
  flags: string;
  kind: "table" | "leaf";
  /** First virtual address the entry covers (sign-extended, as an unsigned 64-bit value). */
  va: bigint;
  /** Bytes of virtual address space it covers. */
  size: bigint;
  /** Next table's address (kind "table") or the leaf's physical address. */
  target: bigint;
  /** What the hardware would refuse about this entry (reserved bits, misaligned superpage, table not in RAM …). */
  problem?: string;
  /** Valid entries of the next table (kind "table"). */
  children?: PageTableNode[];
}

export interface PageTableRange {
  va: bigint;
  /** Exclusive end. */
  vaEnd: bigint;
  pa: bigint;
  flags: string;
  /** Leaves coalesced into this range. */
  leaves: number;
}

export interface PageTableTree {
  root: bigint;
  /** Valid entries of the root table, each with its subtree. */
  entries: PageTableNode[];
  ranges: PageTableRange[];
  tables: number;
  leaves: number;
  /** True when `maxEntries` stopped the walk. */
  truncated: boolean;
}

const ppnMask = (1n << 44n) - 1n;
const flagOrder: [bigint, string][] = [
  [pte.R, "R"],
  [pte.W, "W"],
  [pte.X, "X"],
  [pte.U, "U"],
  [pte.G, "G"],
  [pte.A, "A"],
  [pte.D, "D"],
];

export function formatFlags(entry: bigint): string {
  return flagOrder.map(([bit, letter]) => ((entry & bit) !== 0n ? letter : "-")).join("");
}

function entryProblem(entry: bigint, level: number, leaf: boolean, ppn: bigint): string | undefined {
  if (entry >> 54n !== 0n) return "reserved bits 63:54 set";
  if ((entry & pte.R) === 0n && (entry & pte.W) !== 0n) return "reserved combination W without R";
  if (!leaf && level === 0) return "pointer entry at the last level";
  if (leaf && level > 0 && (ppn & ((1n << BigInt(9 * level)) - 1n)) !== 0n) return "misaligned superpage";
  return undefined;
}

/**
 * `guestStage` walks an Sv39x4 G-stage tree (hgatp): a 16 KiB root of 2048
 * entries, guest-physical addresses not sign-extended.
 */
export function walkTree(root: bigint, memory: PteMemory, options: { maxEntries?: number; guestStage?: boolean } = {}): PageTableTree {
  const maxEntries = options.maxEntries ?? 1 << 16;
  const tree: PageTableTree = { root, entries: [], ranges: [], tables: 0, leaves: 0, truncated: false };
  let seen = 0;

  const addLeaf = (va: bigint, size: bigint, pa: bigint, flags: string): void => {
    const last = tree.ranges[tree.ranges.length - 1];
    if (last && last.vaEnd === va && last.pa + (last.vaEnd - last.va) === pa && last.flags === flags) {
      last.vaEnd = va + size;
      last.leaves++;
    } else {
      tree.ranges.push({ va, vaEnd: va + size, pa, flags, leaves: 1 });
    }
  };

  const visit = (table: bigint, level: number, base: bigint): PageTableNode[] => {
    tree.tables++;
    const nodes: PageTableNode[] = [];
    const shift = BigInt(12 + 9 * level);
    const count = options.guestStage && level === 2 ? 2048 : 512;
    for (let index = 0; index < count; index++) {
      if (seen >= maxEntries) {
        tree.truncated = true;
        break;
      }
      const pteAddress = table + BigInt(index) * 8n;
      const entry = memory.readPte(pteAddress);
      if (entry === undefined) {
        // The table itself is not in memory: one node says so.
        nodes.push({ level, index, pteAddress, pte: 0n, flags: "-------", kind: "table", va: base, size: 1n << (shift + 9n), target: table, problem: "table is not in RAM" });
        break;
      }
      if ((entry & pte.V) === 0n) continue;
      seen++;
      let va = base + (BigInt(index) << shift);
      if (level === 2 && !options.guestStage) va = BigInt.asUintN(64, BigInt.asIntN(39, va));
      const ppn = (entry >> 10n) & ppnMask;
      const leaf = (entry & (pte.R | pte.X)) !== 0n;
      const size = 1n << shift;
      const problem = entryProblem(entry, level, leaf, ppn);
      const node: PageTableNode = {
        level,
        index,
        pteAddress,
        pte: entry,
        flags: formatFlags(entry),
        kind: leaf ? "leaf" : "table",
        va,
        size,
        target: ppn << 12n,
        ...(problem ? { problem } : {}),
      };
      if (leaf) {
        tree.leaves++;
        if (!problem) addLeaf(va, size, node.target, node.flags);
      } else if (!problem) {
        node.children = visit(node.target, level - 1, va);
      }
      nodes.push(node);
    }
    return nodes;
  };

  tree.entries = visit(root, 2, 0n);
  return tree;
}
