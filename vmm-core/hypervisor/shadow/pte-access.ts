/**
 * PTE readers for the two kinds of tables the shadow code walks: the
 * guest's own (guest-physical addresses, reached through the monitor's
 * map, in guest RAM only) and the shadow tables (host-physical). Both count
 * their references, which is the deterministic cost of a fault.
 */
import type { Bus } from "../../bus/bus";
import type { PteMemory } from "../../hart/mmu";
import type { GuestPhysicalMap } from "../guest-physical-map";

export interface CountingPteMemory extends PteMemory {
  reads: number;
  writes: number;
}

/**
 * Guest page tables: a PTE outside guest RAM (a device, a hole) does not
 * answer, which walkSv39 reports as an access fault, as hardware would for
 * a table in memory that cannot hold one.
 */
export function guestPteMemory(bus: Bus, map: GuestPhysicalMap): CountingPteMemory {
  const memory: CountingPteMemory = {
    reads: 0,
    writes: 0,
    readPte(gpa) {
      const hpa = map.isRam(gpa, 8n) ? map.toHost(gpa) : undefined;
      if (hpa === undefined) return undefined;
      memory.reads++;
      return bus.readPhysical(hpa, 8);
    },
    writePte(gpa, value) {
      const hpa = map.isRam(gpa, 8n) ? map.toHost(gpa) : undefined;
      if (hpa === undefined) return false;
      memory.writes++;
      return bus.writePhysical(hpa, 8, value);
    },
  };
  return memory;
}

/** Host-physical PTEs (shadow tables, or any table in host RAM). */
export function hostPteMemory(bus: Bus): CountingPteMemory {
  const memory: CountingPteMemory = {
    reads: 0,
    writes: 0,
    readPte(hpa) {
      if (!bus.isRam(hpa, 8)) return undefined;
      memory.reads++;
      return bus.readPhysical(hpa, 8);
    },
    writePte(hpa, value) {
      if (!bus.isRam(hpa, 8)) return false;
      memory.writes++;
      return bus.writePhysical(hpa, 8, value);
    },
  };
  return memory;
}

/** A reader that never changes the tables it reads (debugger queries, invariant checks). */
export function readOnly(memory: PteMemory): PteMemory {
  return { readPte: (address) => memory.readPte(address), writePte: () => false };
}
