/**
 * The counters the "Hypervisor" scope shows: exits by reason, the shadow or
 * nested page tables' work, the hart's TLB and its traps. Groups are
 * numbered (the item of a HypervisorGroup reference); each lists plain
 * name/value pairs.
 */
import type { GuestView } from "./guest-view";

export interface Counter {
  name: string;
  value: string;
  /** Group shown as this counter's children, when it has some. */
  group?: CounterGroup;
}

export const enum CounterGroup {
  ExitsByReason = 0,
  Shadow = 1,
  Nested = 2,
  Tlb = 3,
  Traps = 4,
}

/** Instructions retired over all harts. */
export function totalInstret(view: GuestView): number {
  return view.machine.harts.reduce((sum, hart) => sum + hart.instret, 0);
}

export function topCounters(view: GuestView): Counter[] {
  const monitor = view.machine.monitor;
  const counters: Counter[] = [
    { name: "mode", value: view.machine.mode },
    { name: "privilege", value: `${view.guestPrivilege()} (guest), ${view.realPrivilege()} (real)` },
    { name: "instret", value: String(totalInstret(view)) },
  ];
  if (monitor) counters.push({ name: "exits", value: String(monitor.exits.total), group: CounterGroup.ExitsByReason });
  if (view.trapAndEmulate) {
    const shadow = view.trapAndEmulate.shadow;
    counters.push({ name: "shadow page tables", value: `${shadow.counters.fills} fills, ${shadow.framesInUse} frames`, group: CounterGroup.Shadow });
  }
  if (view.hardwareAssisted) {
    const nested = view.hardwareAssisted.nested;
    counters.push({ name: "nested page tables", value: `${nested.counters.fills} fills, ${nested.counters.tables} tables`, group: CounterGroup.Nested });
  }
  const tlb = view.hart.tlb.counters;
  counters.push({ name: "tlb", value: `${tlb.hits} hits, ${tlb.misses} misses`, group: CounterGroup.Tlb });
  counters.push({ name: "traps", value: String(view.hart.traps.total), group: CounterGroup.Traps });
  return counters;
}

export function groupCounters(view: GuestView, group: number): Counter[] {
  switch (group) {
    case CounterGroup.ExitsByReason: {
      const statistics = view.machine.monitor?.exits.statistics();
      if (!statistics) return [];
      return Object.entries(statistics.byReason)
        .sort((a, b) => b[1].count - a[1].count)
        .map(([reason, c]) => ({ name: reason, value: `${c.count} (cost ${c.cost}, ${(c.hostNanoseconds / 1e6).toFixed(3)} ms host)` }));
    }
    case CounterGroup.Shadow: {
      const shadow = view.trapAndEmulate?.shadow;
      if (!shadow) return [];
      return [
        ...Object.entries(shadow.counters).map(([name, value]) => ({ name, value: String(value) })),
        { name: "framesInUse", value: String(shadow.framesInUse) },
        { name: "roots", value: String(shadow.listRoots().length) },
      ];
    }
    case CounterGroup.Nested: {
      const nested = view.hardwareAssisted?.nested;
      return nested ? Object.entries(nested.counters).map(([name, value]) => ({ name, value: String(value) })) : [];
    }
    case CounterGroup.Tlb:
      return Object.entries(view.hart.tlb.counters).map(([name, value]) => ({ name, value: String(value) }));
    case CounterGroup.Traps:
      return Object.entries(view.hart.traps.byCause()).map(([name, value]) => ({ name, value: String(value) }));
    default:
      return [];
  }
}
