/**
 * The monitor's state in the virtualized modes: each vCPU (virtual
 * privilege, virtual supervisor CSRs, SBI HSM state, its timer deadline in
 * stimecmp, WFI) and the exit log (ring, sequence, statistics).
 *
 * Shadow (trap-and-emulate) and nested (hardware-assisted) page tables are
 * caches of the guest's tables and the monitor's map, so they are not
 * saved: `rebuildTranslations` drops them and the monitor refills them on
 * the guest's next faults. The machine that saves does the same at the
 * moment it saves, so both machines continue from identical empty tables
 * and log the same refill exits — saving them instead would mean saving
 * frame-pool order, reverse maps and LRU order, all implementation detail.
 */
import type { Hart } from "../hart/hart";
import type { Monitor } from "../hypervisor/monitor";
import type { HardwareAssistedMonitor } from "../hypervisor/hardware-assisted";
import type { ShadowCounters } from "../hypervisor/shadow/shadow-page-tables";
import { VirtualSupervisorCsrs, type HartState } from "../hypervisor/vcpu";
import { captureFields, dataFieldNames, restoreFields, type FieldState } from "./fields";
import { SnapshotError } from "./snapshot-error";

const vcpuCsrFields = dataFieldNames(new VirtualSupervisorCsrs());

export interface MonitorSnapshot {
  vcpus: { priv: 0 | 1; state: HartState; waiting: boolean; csr: FieldState }[];
  exits: FieldState;
  counters: Record<string, number>;
}

type AnyMonitor = Monitor | HardwareAssistedMonitor;

function translationCounters(monitor: AnyMonitor): Record<string, number> {
  return "shadow" in monitor ? (monitor.shadow.counters as unknown as Record<string, number>) : monitor.nested.counters;
}

export function saveMonitorState(monitor: AnyMonitor): MonitorSnapshot {
  return {
    vcpus: monitor.vcpus.map((vcpu) => ({ priv: vcpu.priv, state: vcpu.state, waiting: vcpu.waiting, csr: captureFields(vcpu.csr, vcpuCsrFields) })),
    exits: monitor.exits.saveState(),
    counters: { ...translationCounters(monitor) },
  };
}

export function loadMonitorState(monitor: AnyMonitor, state: MonitorSnapshot, harts: readonly Hart[]): void {
  if (!Array.isArray(state?.vcpus) || state.vcpus.length !== monitor.vcpus.length) throw new SnapshotError("the monitor's vCPUs do not fit this machine");
  monitor.vcpus.forEach((vcpu, index) => {
    const saved = state.vcpus[index];
    vcpu.priv = saved.priv;
    vcpu.state = saved.state;
    vcpu.waiting = saved.waiting;
    restoreFields(vcpu.csr, vcpuCsrFields, saved.csr, `vCPU ${index}`);
  });
  monitor.exits.loadState(state.exits);
  rebuildTranslations(monitor, harts);
  // After the rebuild, which counts its own work: the saving machine counted that rebuild before saving.
  if ("shadow" in monitor) monitor.shadow.loadCounters(state.counters as unknown as ShadowCounters);
  else Object.assign(monitor.nested.counters, state.counters);
}

/** Drops the shadow or nested tables and points every hart that ran on a shadow root at a fresh one. */
export function rebuildTranslations(monitor: AnyMonitor, harts: readonly Hart[]): void {
  if ("shadow" in monitor) {
    monitor.shadow.discardAll();
    for (const hart of harts) if (hart.csr.satp !== 0n) monitor.applyContext(hart, monitor.vcpus[hart.hartId]);
  } else {
    monitor.nested.discardAll();
  }
  for (const hart of harts) {
    hart.tlb.flush();
    hart.tlb.contextChanged();
  }
}
