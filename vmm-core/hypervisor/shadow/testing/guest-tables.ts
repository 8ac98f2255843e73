/**
 * Test support: a host with real Bus + Ram, a GuestPhysicalMap placing
 * guest RAM after the monitor's region, hand-built guest Sv39 tables in
 * guest RAM, and a stand-in for the real hart that walks the shadow in
 * U-mode and calls the fault handler exactly when the hardware would trap.
 */
import { Bus } from "../../../bus/bus";
import { Ram } from "../../../bus/ram";
import { Access, pte, walkSv39 } from "../../../hart/mmu";
import { GuestPhysicalMap } from "../../guest-physical-map";
import type { ShadowContext } from "../context";
import type { FaultOutcome } from "../fault-outcome";
import { hostPteMemory } from "../pte-access";
import { ShadowPageTables, type ShadowOptions } from "../shadow-page-tables";

export const guestRamBase = 0x8000_0000n;
export const guestRamSize = 0x80_0000n; // 8 MiB
export const hostBase = 0x8000_0000n;
/** Guest page tables are allocated from here up (guest-physical). */
export const tableArea = 0x8070_0000n;
export const { V, R, W, X, U, G, A, D } = pte;
export const KiB4 = 0x1000n;
export const MiB2 = 0x20_0000n;
export const GiB1 = 0x4000_0000n;

export interface Host {
  bus: Bus;
  map: GuestPhysicalMap;
  shadow: ShadowPageTables;
  tables: GuestTables;
}

export function makeHost(options: ShadowOptions & { monitorRegionSize?: bigint } = {}): Host {
  const monitorRegionSize = options.monitorRegionSize ?? 0x10_0000n;
  const ram = new Ram(hostBase, Number(monitorRegionSize + guestRamSize));
  const bus = new Bus(ram);
  const map = new GuestPhysicalMap(guestRamBase, guestRamSize, hostBase, monitorRegionSize);
  const shadow = new ShadowPageTables(bus, map, options);
  return { bus, map, shadow, tables: new GuestTables(bus, map) };
}

/** Guest page tables written straight into guest RAM (through the map), as a guest kernel would. */
export class GuestTables {
  private next = tableArea;

  constructor(
    private readonly bus: Bus,
    private readonly map: GuestPhysicalMap,
  ) {}

  /** Tables handed out so far. */
  get allocated(): number {
    return Number((this.next - tableArea) / KiB4);
  }

  /** A zeroed 4 KiB table (guest-physical). */
  table(): bigint {
    const gpa = this.next;
    this.next += KiB4;
    this.bus.writeBytes(this.map.toHost(gpa)!, new Uint8Array(4096));
    return gpa;
  }

  read(gpa: bigint): bigint {
    return this.bus.readPhysical(this.map.toHost(gpa)!, 8)!;
  }

  write(gpa: bigint, value: bigint): void {
    this.bus.writePhysical(this.map.toHost(gpa)!, 8, value);
  }

  /** Address of the PTE for `va` at `level`, creating pointer tables above it as needed. */
  slot(root: bigint, va: bigint, level: number): bigint {
    let table = root;
    for (let l = 2; l > level; l--) {
      const address = table + ((va >> BigInt(12 + 9 * l)) & 0x1ffn) * 8n;
      const entry = this.read(address);
      const next = ((entry >> 10n) & ((1n << 44n) - 1n)) << 12n;
      if ((entry & V) !== 0n && (entry & (R | W | X)) === 0n && this.map.isRam(next, KiB4)) {
        table = next;
      } else {
        const next = this.table();
        this.write(address, ((next >> 12n) << 10n) | V);
        table = next;
      }
    }
    return table + ((va >> BigInt(12 + 9 * level)) & 0x1ffn) * 8n;
  }

  /** Maps `va` → `pa` with a leaf at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB); returns the leaf's address. */
  map4(root: bigint, va: bigint, pa: bigint, flags: bigint, level = 0): bigint {
    const address = this.slot(root, va, level);
    this.write(address, leafPte(pa, flags));
    return address;
  }
}

export function leafPte(pa: bigint, flags: bigint): bigint {
  return ((pa >> 12n) << 10n) | flags | V;
}

export function sv39(root: bigint, asid = 0n): bigint {
  return (8n << 60n) | (asid << 44n) | (root >> 12n);
}

export function ctx(satp: bigint, privilege: 0 | 1 = 1, sum = false, mxr = false): ShadowContext {
  return { satp, privilege, sum, mxr };
}

export type HartResult = { kind: "ok"; hpa: bigint; fills: number } | { kind: "fault"; outcome: FaultOutcome; fills: number };

/**
 * One access as the real hart in U-mode would make it on the shadow: a
 * shadow page fault goes to the handler; a hidden one is retried.
 */
export function hartAccess(shadow: ShadowPageTables, context: ShadowContext, va: bigint, access: Access): HartResult {
  const reader = hostPteMemory(shadow.bus);
  let fills = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    const root = shadow.rootFor(context);
    const walk = walkSv39(va, access, { root, privilege: 0, sum: false, mxr: false, updateAccessedDirty: false }, reader);
    if (walk.kind === "ok") return { kind: "ok", hpa: walk.physicalAddress, fills };
    if (walk.kind === "access-fault") throw new Error(`shadow walk hit non-RAM: ${walk.reason}`);
    const outcome = shadow.handleFault(context, va, access);
    if (outcome.kind !== "hidden") return { kind: "fault", outcome, fills };
    fills++;
  }
  throw new Error(`hidden fault at 0x${va.toString(16)} repeated: the fill did not make the access possible`);
}
