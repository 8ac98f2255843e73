/**
 * Nested (G-stage) page tables for the hardware-assisted mode: the
 * monitor's guest-physical → host-physical map written as an Sv39x4 tree
 * that the hart walks in hardware below the guest's own tables. Filled
 * lazily, one 4 KiB page per guest-page fault, from the GuestPhysicalMap;
 * device addresses are never mapped, so guest MMIO faults to the monitor.
 */
import type { Bus } from "../bus/bus";
import { pte, type PteMemory } from "../hart/mmu";
import type { GuestPhysicalMap } from "./guest-physical-map";
import { FramePool } from "./shadow/frame-pool";
import { walkTree, type PageTableTree } from "./page-table-tree";

/** Sv39x4's root is four pages (16 KiB), 16 KiB aligned. */
const rootFrames = 4;
const ppnMask = (1n << 44n) - 1n;
/** Leaves are user pages (G-stage rule), readable, writable, executable, accessed and dirty: the guest's own tables restrict. */
const leafBits = pte.V | pte.R | pte.W | pte.X | pte.U | pte.A | pte.D;

export interface NestedFill {
  gpa: bigint;
  hpa: bigint;
  /** Guest-physical page tables written (new intermediate tables + the leaf). */
  writes: number;
}

export class NestedPageTables {
  readonly root: bigint;
  private readonly pool: FramePool;
  readonly counters = { fills: 0, tables: 0 };

  constructor(
    private readonly bus: Bus,
    readonly map: GuestPhysicalMap,
    region: { base: bigint; size: bigint },
  ) {
    // The root comes first: four contiguous frames at a 16 KiB-aligned base.
    const base = (region.base + 0x3fffn) & ~0x3fffn;
    this.root = base;
    this.pool = new FramePool(bus, base + BigInt(rootFrames * 4096), region.size - (base - region.base) - BigInt(rootFrames * 4096));
    bus.writeBytes(this.root, new Uint8Array(rootFrames * 4096));
  }

  /** Empties the tree and starts the frame pool over, as a fresh monitor (snapshots: refilled on demand, not saved). */
  discardAll(): void {
    this.bus.writeBytes(this.root, new Uint8Array(rootFrames * 4096));
    this.pool.reset();
  }

  /** hgatp for this tree: mode Sv39x4, VMID 1. */
  hgatp(): bigint {
    return (8n << 60n) | (1n << 44n) | ((this.root >> 12n) & ppnMask);
  }

  /** Maps the guest-physical page of `gpa` if it is guest RAM; undefined for anything else (MMIO). */
  fill(gpa: bigint): NestedFill | undefined {
    const page = gpa & ~0xfffn;
    const hpa = this.map.toHost(page);
    if (hpa === undefined) return undefined;
    let table = this.root;
    let writes = 0;
    for (let level = 2; level > 0; level--) {
      const index = (page >> BigInt(12 + 9 * level)) & (level === 2 ? 0x7ffn : 0x1ffn);
      const address = table + index * 8n;
      const entry = this.bus.readPhysical(address, 8) ?? 0n;
      if ((entry & pte.V) !== 0n) {
        table = ((entry >> 10n) & ppnMask) << 12n;
        continue;
      }
      const frame = this.pool.allocate();
      if (frame === undefined) throw new Error("the monitor ran out of frames for nested page tables");
      this.counters.tables++;
      this.bus.writePhysical(address, 8, ((frame >> 12n) << 10n) | pte.V);
      writes++;
      table = frame;
    }
    this.bus.writePhysical(table + ((page >> 12n) & 0x1ffn) * 8n, 8, ((hpa >> 12n) << 10n) | leafBits);
    this.counters.fills++;
    return { gpa: page, hpa, writes: writes + 1 };
  }

  /** The G-stage tree as the views show it. */
  tree(reader: PteMemory): PageTableTree {
    return walkTree(this.root, reader, { guestStage: true });
  }
}
