/**
 * Shadow page tables for trap-and-emulate (RVirt's pmap.rs). The guest
 * kernel runs in real U-mode; the real satp points at a shadow Sv39 root
 * the monitor builds from the guest's tables (guest-virtual →
 * guest-physical) composed with the monitor's GuestPhysicalMap
 * (guest-physical → host-physical). Shadows start empty and are filled
 * one 4 KiB page per fault.
 *
 * Coherence choice: guest page-table pages are NOT write-protected. The
 * guest must execute SFENCE.VMA after changing its tables (the spec
 * requires it for the change to be seen at all), so shadows are rebuilt
 * lazily when the guest does: by address, by ASID, or everything. Roots are
 * cached per context (satp, virtual privilege, SUM, MXR) in an LRU, so a
 * satp write needs no flush: switching back finds the old shadow, which is
 * exactly what a TLB tagged by ASID would legally keep.
 *
 * The monitor keeps the real sstatus.MXR clear (shadow R bits already
 * encode the guest's MXR) and calls `rootFor` before resuming the guest: a
 * root's address is stable until it is evicted.
 */
import type { Bus } from "../../bus/bus";
import { Access, pte, walkSv39, type PteMemory } from "../../hart/mmu";
import type { GuestPhysicalMap } from "../guest-physical-map";
import { contextKey, isBare, normalizeContext, satpAsid, satpRoot, type ShadowContext } from "./context";
import { accessFaultCause, pageFaultCause, type FaultOutcome } from "./fault-outcome";
import { FramePool } from "./frame-pool";
import { guestPteMemory, hostPteMemory, readOnly, type CountingPteMemory } from "./pte-access";
import { allPermissions, formatPermissions, permissionBits, shadowPermissions, type Permissions } from "./permissions";
import { pageOf, ShadowRoot } from "./shadow-root";
import { walkTree, type PageTableTree } from "../page-table-tree";
import { translateThrough, type Translation } from "./translate";

export interface ShadowOptions {
  /** Shadow roots kept (least recently used evicted first). */
  cacheSize?: number;
  /** Host-physical frames for shadow tables; defaults to the map's monitor region. */
  region?: { base: bigint; size: bigint };
  /**
   * Called whenever existing shadow entries are removed or their frames
   * reused, so the monitor can flush the real hart's TLB.
   */
  onInvalidate?: () => void;
}

export interface ShadowCounters {
  fills: number;
  trueFaults: number;
  accessFaults: number;
  mmioFaults: number;
  /** Full flushes (SFENCE.VMA x0, x0 or flushAll). */
  flushes: number;
  asidFlushes: number;
  addressFlushes: number;
  /** Shadow PTEs cleared by address flushes. */
  entriesInvalidated: number;
  satpWrites: number;
  rootsCreated: number;
  rootsEvicted: number;
  /** Times the frame pool ran dry and every shadow was emptied. */
  startOvers: number;
  guestPteReads: number;
  guestPteWrites: number;
  shadowPteWrites: number;
}

/** A shadow root as the views list it. */
export interface ShadowRootInfo {
  key: string;
  context: ShadowContext;
  root: bigint;
  tables: number;
  fills: number;
}

const pageMask = 0xfffn;
/** Each fill needs at most the root and two lower tables. */
const framesPerFill = 3;

export class ShadowPageTables {
  readonly counters: ShadowCounters = {
    fills: 0,
    trueFaults: 0,
    accessFaults: 0,
    mmioFaults: 0,
    flushes: 0,
    asidFlushes: 0,
    addressFlushes: 0,
    entriesInvalidated: 0,
    satpWrites: 0,
    rootsCreated: 0,
    rootsEvicted: 0,
    startOvers: 0,
    guestPteReads: 0,
    guestPteWrites: 0,
    shadowPteWrites: 0,
  };
  readonly pool: FramePool;
  readonly cacheSize: number;
  /** Roots by context key, least recently used first (Map keeps insertion order). */
  private readonly roots = new Map<string, ShadowRoot>();
  private readonly guest: CountingPteMemory;
  private readonly shadow: CountingPteMemory;
  private readonly onInvalidate: () => void;

  constructor(
    readonly bus: Bus,
    readonly map: GuestPhysicalMap,
    options: ShadowOptions = {},
  ) {
    const region = options.region ?? map.monitorRegion;
    this.pool = new FramePool(bus, region.base, region.size);
    this.cacheSize = options.cacheSize ?? 16;
    if (this.cacheSize < 1) throw new Error("shadow page tables: cacheSize must be at least 1");
    if (this.pool.capacity < framesPerFill) throw new Error("shadow page tables: monitor region too small");
    this.onInvalidate = options.onInvalidate ?? (() => {});
    this.guest = guestPteMemory(bus, map);
    this.shadow = hostPteMemory(bus);
  }

  get framesInUse(): number {
    return this.pool.inUse;
  }

  /** Host-physical address of the shadow root for this context (created empty if needed). */
  rootFor(context: ShadowContext): bigint {
    // The monitor asks on every return to the guest, mostly for one of the two contexts it asked for last
    // (a guest kernel and the process it runs).
    for (const recent of this.recentRoots) {
      const last = recent.context;
      if (last.satp === context.satp && last.privilege === context.privilege && last.sum === context.sum && last.mxr === context.mxr) {
        // Still the most recently used root for the LRU cache, without rebuilding its key.
        this.touch(recent.root);
        return recent.root.frame;
      }
    }
    const root = this.ensureRoot(context);
    this.recentRoots.unshift({ context: { satp: context.satp, privilege: context.privilege, sum: context.sum, mxr: context.mxr }, root });
    if (this.recentRoots.length > 2) this.recentRoots.pop();
    return root.frame;
  }

  /** The last two contexts asked for and their roots; forgotten when a root is evicted. */
  private recentRoots: { context: ShadowContext; root: ShadowRoot }[] = [];

  /** The root last moved to the LRU order's end (a removed one never matches a live root again). */
  private newestRoot: ShadowRoot | undefined;

  /**
   * Makes `root` (in the cache) the most recently used. Every return to the
   * guest asks, mostly for the root it asked for last: then the Map's
   * delete and re-insert (18 % of a trap storm's CPU time in a profile) are skipped.
   */
  private touch(root: ShadowRoot): void {
    if (this.newestRoot === root) return;
    this.roots.delete(root.key);
    this.roots.set(root.key, root);
    this.newestRoot = root;
  }

  /** The root for this context if one exists, without creating it or touching the LRU order. */
  peekRoot(context: ShadowContext): bigint | undefined {
    return this.roots.get(contextKey(context))?.frame;
  }

  /** Every cached root, least recently used first. */
  listRoots(): ShadowRootInfo[] {
    return [...this.roots.values()].map((r) => ({
      key: r.key,
      context: r.context,
      root: r.frame,
      tables: r.tables.length,
      fills: r.fills,
    }));
  }

  /**
   * The real hart took a page fault at `va` while running the guest in this
   * context: fill the shadow if the guest's own tables allow the access, or
   * say which fault the guest must see.
   */
  handleFault(context: ShadowContext, va: bigint, access: Access): FaultOutcome {
    const start = this.snapshotCost();
    const normalized = normalizeContext(context);
    let root = this.ensureRoot(normalized);
    const address = BigInt.asUintN(64, va);
    let gpa: bigint;
    let permissions: Permissions;
    let guestLevel = 0;
    let guestPteAddress: bigint | undefined;
    let guestPte: bigint | undefined;
    let accessedSet = false;
    let dirtySet = false;
    if (isBare(normalized)) {
      gpa = address;
      permissions = allPermissions;
    } else {
      const walk = walkSv39(
        address,
        access,
        { root: satpRoot(normalized.satp), privilege: normalized.privilege, sum: normalized.sum, mxr: normalized.mxr, updateAccessedDirty: true },
        this.guest,
      );
      if (walk.kind === "page-fault") {
        this.counters.trueFaults++;
        return { kind: "true", cause: pageFaultCause(access), reason: walk.reason, cost: this.costSince(start) };
      }
      if (walk.kind === "access-fault") {
        this.counters.accessFaults++;
        return { kind: "access-fault", cause: accessFaultCause(access), reason: walk.reason, cost: this.costSince(start) };
      }
      const last = walk.steps[walk.steps.length - 1];
      const before = last.pte ?? 0n;
      gpa = walk.physicalAddress;
      guestLevel = walk.level;
      guestPteAddress = last.pteAddress;
      guestPte = walk.pte;
      accessedSet = (before & pte.A) === 0n;
      dirtySet = (before & pte.D) === 0n && (walk.pte & pte.D) !== 0n;
      permissions = shadowPermissions(walk.pte, normalized);
    }
    const gpaPage = gpa & ~pageMask;
    const hpaPage = this.map.isRam(gpaPage, 0x1000n) ? this.map.toHost(gpaPage) : undefined;
    if (hpaPage === undefined) {
      this.counters.mmioFaults++;
      return { kind: "mmio", gpa, cost: this.costSince(start) };
    }
    const leaf = shadowLeaf(hpaPage, permissions, guestLevel);
    let startedOver = false;
    let shadowPteAddress = root.install(address, leaf, guestLevel, this.shadow, this.pool);
    if (shadowPteAddress === undefined) {
      this.startOver(root);
      startedOver = true;
      root = this.ensureRoot(normalized);
      shadowPteAddress = root.install(address, leaf, guestLevel, this.shadow, this.pool);
      if (shadowPteAddress === undefined) throw new Error("shadow page tables: no frame even after starting over");
    }
    this.counters.fills++;
    return {
      kind: "hidden",
      created: {
        va: pageOf(address),
        gpa: gpaPage,
        hpa: hpaPage,
        permissions: formatPermissions(permissions),
        rights: permissions,
        guestLevel,
        guestPteAddress,
        guestPte,
        accessedSet,
        dirtySet,
        shadowPteAddress,
        shadowPte: leaf,
        startedOver,
      },
      cost: this.costSince(start),
    };
  }

  /**
   * Forgets every root and table and starts the frame pool over, as a
   * fresh monitor would be (snapshots: the shadows are rebuilt, not saved).
   * The caller points the harts at new roots (Monitor.applyContext).
   */
  discardAll(): void {
    this.roots.clear();
    this.recentRoots = [];
    this.pool.reset();
    this.onInvalidate();
  }

  /** Snapshot restore: the statistics, including the PTE counts they are derived from. */
  loadCounters(saved: ShadowCounters): void {
    Object.assign(this.counters, saved);
    this.guest.reads = saved.guestPteReads;
    this.guest.writes = saved.guestPteWrites;
    this.shadow.writes = saved.shadowPteWrites;
  }

  /** Empties every shadow (roots keep their addresses). */
  flushAll(): void {
    for (const root of this.roots.values()) root.clear(this.pool);
    this.counters.flushes++;
    this.onInvalidate();
  }

  /**
   * The guest executed SFENCE.VMA. `va` is rs1's value (undefined for
   * rs1 = x0), `asid` rs2's value (undefined for rs2 = x0). Dropping more
   * than asked is always legal, so global mappings are dropped too, and an
   * address flush drops every shadow piece of the guest leaf there.
   * Bare-mode shadows never change and are only emptied by a full flush.
   */
  onSfenceVma(va?: bigint, asid?: bigint): void {
    if (va === undefined && asid === undefined) {
      this.flushAll();
      return;
    }
    const wantedAsid = asid === undefined ? undefined : asid & 0xffffn;
    for (const root of this.roots.values()) {
      if (isBare(root.context)) continue;
      if (wantedAsid !== undefined && satpAsid(root.context.satp) !== wantedAsid) continue;
      if (va === undefined) root.clear(this.pool);
      else this.counters.entriesInvalidated += root.invalidate(va, this.shadow);
    }
    if (va === undefined) this.counters.asidFlushes++;
    else this.counters.addressFlushes++;
    this.onInvalidate();
  }

  /** The guest wrote satp: nothing to drop, the cache is keyed by satp. */
  onSatpWrite(): void {
    this.counters.satpWrites++;
  }

  /** Every valid entry of a shadow tree (host-physical), coalesced for views. */
  walkTree(rootHpa: bigint): PageTableTree {
    return walkTree(rootHpa, this.hostReader());
  }

  /** The guest's own tables for a context (guest-physical), or undefined with paging off. */
  walkGuestTree(context: ShadowContext): PageTableTree | undefined {
    return isBare(context) ? undefined : walkTree(satpRoot(context.satp), this.guestReader());
  }

  /** One address through the guest's tables and the shadow, every step shown; changes nothing. */
  translate(context: ShadowContext, va: bigint, access: Access): Translation {
    return translateThrough(context, va, access, {
      guest: this.guestReader(),
      shadow: this.hostReader(),
      map: this.map,
      shadowRoot: this.peekRoot(context),
    });
  }

  /** Side-effect-free reader of guest page tables (uncounted). */
  guestReader(): PteMemory {
    return readOnly(guestPteMemory(this.bus, this.map));
  }

  /** Side-effect-free reader of host memory (shadow tables). */
  hostReader(): PteMemory {
    return readOnly(hostPteMemory(this.bus));
  }

  private ensureRoot(context: ShadowContext): ShadowRoot {
    const normalized = normalizeContext(context);
    const key = contextKey(normalized);
    const existing = this.roots.get(key);
    if (existing) {
      this.touch(existing);
      return existing;
    }
    if (this.roots.size >= this.cacheSize) this.evictOldest();
    let frame = this.pool.allocate();
    if (frame === undefined) {
      this.startOver(undefined);
      frame = this.pool.allocate();
      while (frame === undefined && this.roots.size > 0) {
        this.evictOldest();
        frame = this.pool.allocate();
      }
      if (frame === undefined) throw new Error("shadow page tables: no frame for a root");
    }
    const root = new ShadowRoot(key, normalized, frame);
    this.roots.set(key, root);
    this.newestRoot = root;
    this.counters.rootsCreated++;
    return root;
  }

  private evictOldest(): void {
    const oldest = this.roots.values().next().value;
    if (!oldest) return;
    this.recentRoots = this.recentRoots.filter((recent) => recent.root !== oldest);
    this.roots.delete(oldest.key);
    oldest.release(this.pool);
    this.counters.rootsEvicted++;
    this.onInvalidate();
  }

  /**
   * The pool ran dry: empty every shadow and start over. If roots alone
   * still leave no room for a fill, evict all but `keep`.
   */
  private startOver(keep: ShadowRoot | undefined): void {
    for (const root of this.roots.values()) root.clear(this.pool);
    this.counters.startOvers++;
    for (const root of [...this.roots.values()]) {
      if (this.pool.available >= framesPerFill) break;
      if (root === keep) continue;
      this.recentRoots = this.recentRoots.filter((recent) => recent.root !== root);
      this.roots.delete(root.key);
      root.release(this.pool);
      this.counters.rootsEvicted++;
    }
    this.onInvalidate();
  }

  private snapshotCost(): number {
    return this.guest.reads + this.guest.writes + this.shadow.writes;
  }

  private costSince(start: number): number {
    this.counters.guestPteReads = this.guest.reads;
    this.counters.guestPteWrites = this.guest.writes;
    this.counters.shadowPteWrites = this.shadow.writes;
    return this.snapshotCost() - start;
  }
}

/**
 * A shadow leaf: V, U (the guest runs in real U-mode), A set and D set
 * with W so the real hart never writes shadow PTEs, G clear (shadows of
 * different contexts map the same addresses differently), and the guest
 * leaf's level in the software bits 9:8 for views.
 */
export function shadowLeaf(hpaPage: bigint, permissions: Permissions, guestLevel: number): bigint {
  return (
    ((hpaPage >> 12n) << 10n) |
    (BigInt(guestLevel) << 8n) |
    pte.V |
    pte.U |
    pte.A |
    (permissions.write ? pte.D : 0n) |
    permissionBits(permissions)
  );
}
