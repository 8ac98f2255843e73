/**
 * One shadow Sv39 tree: its root frame, the frames of its lower tables, and
 * which 4 KiB shadow leaves were cut from guest superpages (so an
 * SFENCE.VMA naming any address of a superpage drops every piece of it).
 * Shadow leaves are always 4 KiB: a guest superpage is shadowed one page at
 * a time, on demand, which keeps every fill exact (one guest leaf, one A/D
 * decision) and never maps guest memory the guest has not touched.
 */
import { pte } from "../../hart/mmu";
import type { ShadowContext } from "./context";
import type { FramePool } from "./frame-pool";
import type { CountingPteMemory } from "./pte-access";

const ppnMask = (1n << 44n) - 1n;
const superpageMask = [0xfffn, (1n << 21n) - 1n, (1n << 30n) - 1n];

function vpn(va: bigint, level: number): bigint {
  return (va >> BigInt(12 + 9 * level)) & 0x1ffn;
}

export function pageOf(va: bigint): bigint {
  return BigInt.asUintN(64, va) & ~0xfffn;
}

export class ShadowRoot {
  /** Frames of the level-1 and level-0 tables (the root frame is `frame`). */
  readonly tables: bigint[] = [];
  /** Guest superpage base (by guest level 1 and 2) → shadow pages filled from it. */
  private readonly pieces = [new Map<bigint, bigint[]>(), new Map<bigint, bigint[]>(), new Map<bigint, bigint[]>()];
  fills = 0;

  constructor(
    readonly key: string,
    readonly context: ShadowContext,
    readonly frame: bigint,
  ) {}

  /**
   * Writes a 4 KiB leaf for `va`, creating lower tables as needed. Returns
   * the leaf's address, or undefined when the pool has no frame for a table.
   */
  install(va: bigint, leaf: bigint, guestLevel: number, memory: CountingPteMemory, pool: FramePool): bigint | undefined {
    let table = this.frame;
    for (let level = 2; level > 0; level--) {
      const address = table + vpn(va, level) * 8n;
      const entry = memory.readPte(address) ?? 0n;
      if ((entry & pte.V) !== 0n && (entry & (pte.R | pte.W | pte.X)) === 0n) {
        table = ((entry >> 10n) & ppnMask) << 12n;
        continue;
      }
      const frame = pool.allocate();
      if (frame === undefined) return undefined;
      this.tables.push(frame);
      memory.writePte(address, ((frame >> 12n) << 10n) | pte.V);
      table = frame;
    }
    const address = table + vpn(va, 0) * 8n;
    memory.writePte(address, leaf);
    this.fills++;
    if (guestLevel > 0) {
      const base = pageOf(va) & ~superpageMask[guestLevel];
      const list = this.pieces[guestLevel].get(base);
      if (list) list.push(pageOf(va));
      else this.pieces[guestLevel].set(base, [pageOf(va)]);
    }
    return address;
  }

  /** Address of the level-0 shadow PTE for `va`, or undefined when no table reaches it. */
  leafAddress(va: bigint, memory: CountingPteMemory): bigint | undefined {
    let table = this.frame;
    for (let level = 2; level > 0; level--) {
      const entry = memory.readPte(table + vpn(va, level) * 8n) ?? 0n;
      if ((entry & pte.V) === 0n || (entry & (pte.R | pte.W | pte.X)) !== 0n) return undefined;
      table = ((entry >> 10n) & ppnMask) << 12n;
    }
    return table + vpn(va, 0) * 8n;
  }

  /**
   * Drops the shadow of the guest leaf that maps `va`: its own 4 KiB page
   * and, when it was a guest superpage, every piece cut from it. Returns the
   * number of shadow PTEs cleared.
   */
  invalidate(va: bigint, memory: CountingPteMemory): number {
    const pages = new Set<bigint>([pageOf(va)]);
    for (let level = 1; level <= 2; level++) {
      const base = pageOf(va) & ~superpageMask[level];
      for (const page of this.pieces[level].get(base) ?? []) pages.add(page);
      this.pieces[level].delete(base);
    }
    let cleared = 0;
    for (const page of pages) {
      const address = this.leafAddress(page, memory);
      if (address === undefined) continue;
      const entry = memory.readPte(address) ?? 0n;
      if ((entry & pte.V) === 0n) continue;
      memory.writePte(address, 0n);
      cleared++;
    }
    return cleared;
  }

  /** Empties the tree: the root stays (same address), lower tables go back to the pool. */
  clear(pool: FramePool): void {
    pool.clear(this.frame);
    this.releaseTables(pool);
  }

  /** Gives every frame back, the root's included (eviction). */
  release(pool: FramePool): void {
    this.releaseTables(pool);
    pool.release(this.frame);
  }

  private releaseTables(pool: FramePool): void {
    for (const frame of this.tables) pool.release(frame);
    this.tables.length = 0;
    for (const map of this.pieces) map.clear();
  }
}
