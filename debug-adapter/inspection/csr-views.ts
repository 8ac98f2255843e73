/**
 * Which CSRs the Variables view lists, and how it reads and writes them:
 *  - "guest": the CSRs as the guest sees them. Mode none: the hart's real
 *    CSRs of its privilege level (M-mode also sees the S set, HS the H set).
 *    Trap-and-emulate: the monitor's virtual CSRs (hypervisor/virtual-csrs.ts).
 *    Hardware-assisted: the VS CSRs, under the S names the guest uses.
 *  - "machine": in the virtualized modes, the real hart CSRs the monitor runs
 *    the guest with (satp pointing at the shadow, hgatp, delegation).
 * Writes go through the same table rows the guest's own CSR instructions
 * use, so WARL legalization and side effects (TLB, interrupts) apply.
 */
import { csrByAddress, csrTable, type CsrDefinition } from "../../vmm-core/hart/csr-table";
import { virtualSubstitutes } from "../../vmm-core/hart/csr-table-hypervisor";
import { virtualCsrs } from "../../vmm-core/hypervisor/virtual-csrs";
import type { GuestView } from "./guest-view";

export interface CsrEntry {
  address: number;
  /** The name the view shows (the guest's name: "sstatus" also when it is vsstatus underneath). */
  name: string;
  /** The name whose field layout applies ("vsstatus" decodes as sstatus). */
  layoutName: string;
  read(): bigint;
  /** Absent for read-only CSRs. */
  write?(value: bigint): void;
}

export type CsrViewKind = "guest" | "machine";

const supervisorNames = ["sstatus", "sie", "sip", "stvec", "sscratch", "sepc", "scause", "stval", "satp", "scounteren", "senvcfg", "stimecmp"];
const machineNames = [
  "mstatus", "misa", "medeleg", "mideleg", "mie", "mip", "mtvec", "mscratch", "mepc", "mcause", "mtval", "mcounteren", "menvcfg", "mhartid",
];
const hypervisorNames = [
  "hstatus", "hedeleg", "hideleg", "hie", "hip", "hvip", "hgatp", "htval", "htinst", "hcounteren", "htimedelta",
  "vsstatus", "vsie", "vsip", "vstvec", "vsscratch", "vsepc", "vscause", "vstval", "vsatp",
];
const counterNames = ["cycle", "time", "instret"];
/** What the monitor sets on the real hart to run the guest. */
const realUnderTrapAndEmulate = ["satp", "mstatus", "medeleg", "mideleg", "mie", "mip", "scounteren", "mcounteren"];
const realUnderHardwareAssisted = [
  "hgatp", "vsatp", "hstatus", "hedeleg", "hideleg", "hvip", "hip", "hie", "hcounteren", "mstatus", "medeleg", "mideleg", "mie", "mip", "satp",
];

const rowsByName = new Map(csrTable.map((row) => [row.name, row]));

function hartEntry(view: GuestView, row: CsrDefinition, shownName = row.name): CsrEntry {
  const hart = view.hart;
  return {
    address: row.address,
    name: shownName,
    layoutName: row.name,
    read: () => BigInt.asUintN(64, row.read(hart)),
    ...(row.write ? { write: (value: bigint) => row.write!(hart, value) } : {}),
  };
}

function hartEntries(view: GuestView, names: readonly string[]): CsrEntry[] {
  return names.flatMap((name) => {
    const row = rowsByName.get(name);
    return row ? [hartEntry(view, row)] : [];
  });
}

/** The CSR list of a view; empty "machine" view on the bare machine (the guest view is the machine). */
export function csrEntries(view: GuestView, kind: CsrViewKind): CsrEntry[] {
  const hart = view.hart;
  if (kind === "machine") {
    if (view.trapAndEmulate) return hartEntries(view, realUnderTrapAndEmulate);
    if (view.hardwareAssisted) return hartEntries(view, realUnderHardwareAssisted);
    return [];
  }
  const monitor = view.trapAndEmulate;
  const vcpu = view.vcpu;
  if (monitor && vcpu) {
    const host = { mtime: () => monitor.board.clint.mtime(), cycle: () => hart.mcycle(), instret: () => hart.minstret() };
    return virtualCsrs.flatMap((row) => {
      if (!row) return [];
      const entry: CsrEntry = { address: row.address, name: row.name, layoutName: row.name, read: () => BigInt.asUintN(64, row.read(vcpu, host)) };
      if (row.write) {
        entry.write = (value) => {
          // The effects the monitor applies after an emulated CSR write (emulate-privileged.ts).
          const effect = row.write!(vcpu, value);
          if (effect === "translation") monitor.applyContext(hart, vcpu);
          else if (effect === "timer") monitor.programTimer(hart, vcpu);
        };
      }
      return [entry];
    });
  }
  if (hart.virt || view.hardwareAssisted) {
    // The guest's S CSRs are the VS CSRs underneath.
    return [...supervisorNames, ...counterNames].flatMap((name) => {
      const row = rowsByName.get(name);
      if (!row) return [];
      const substitute = virtualSubstitutes.get(row.address);
      const actual = substitute === undefined ? row : csrByAddress[substitute]!;
      return [{ ...hartEntry(view, actual, row.name), address: row.address }];
    });
  }
  const names = hart.priv === 3 ? [...machineNames, ...supervisorNames] : [...supervisorNames];
  if (hart.hypervisorExtension && hart.priv >= 1) names.push(...hypervisorNames);
  names.push(...counterNames);
  return hartEntries(view, names);
}

/** The entry named `name` (or `$name`) in the guest view, then the machine view. */
export function findCsr(view: GuestView, name: string): CsrEntry | undefined {
  const wanted = name.replace(/^\$/, "").toLowerCase();
  return csrEntries(view, "guest").find((entry) => entry.name === wanted) ?? csrEntries(view, "machine").find((entry) => entry.name === wanted);
}
