/**
 * Saving and restoring a complete VM: the machine options it was built
 * with (checked on restore), every hart, guest RAM (resident pages only),
 * every device on the bus, console input not yet read, the power state and,
 * in the virtualized modes, the monitor. Caches (TLBs, decoded code,
 * translated blocks, shadow/nested tables) are flushed on both sides
 * instead of saved; see hart-state.ts and monitor-state.ts.
 */
import type { Machine, MachineOptions } from "../machine/machine";
import { pageSize } from "../bus/ram";
import { encodeSnapshot, decodeSnapshot, type SnapshotPage } from "./snapshot-format";
import { flushHartCaches, loadHartState, saveHartState, type HartSnapshot } from "./hart-state";
import { loadMonitorState, rebuildTranslations, saveMonitorState, type MonitorSnapshot } from "./monitor-state";
import { machineIdentity, checkIdentity, type MachineIdentity } from "./machine-identity";
import { isStateful } from "./stateful";
import { SnapshotError } from "./snapshot-error";

/** Devices with nothing to save (the reset ROM is written once at power-on). */
const statelessKinds = new Set(["riscv.mrom"]);

interface MachineSnapshotHeader {
  identity: MachineIdentity;
  power: { state: "running" | "off" | "reset"; exitCode: number; source: string };
  input: unknown;
  harts: HartSnapshot[];
  devices: { name: string; kind: string; base: bigint; state: unknown }[];
  monitor: MonitorSnapshot | undefined;
}

export function saveMachineSnapshot(machine: Machine, options: MachineOptions): Uint8Array {
  // The saving machine's caches go too, so it and a restored copy continue alike (see monitor-state.ts).
  for (const hart of machine.harts) flushHartCaches(hart);
  if (machine.monitor) rebuildTranslations(machine.monitor, machine.harts);
  const header: MachineSnapshotHeader = {
    identity: machineIdentity(options),
    power: { ...machine.power },
    input: machine.input.saveState(),
    harts: machine.harts.map(saveHartState),
    devices: machine.bus.regions.map(({ base, device }) => {
      if (!isStateful(device) && !statelessKinds.has(device.kind)) throw new SnapshotError(`device ${device.name} (${device.kind}) cannot be saved`);
      return { name: device.name, kind: device.kind, base, state: isStateful(device) ? device.saveState() : undefined };
    }),
    monitor: machine.monitor ? saveMonitorState(machine.monitor) : undefined,
  };
  return encodeSnapshot({ header: header as unknown as Record<string, unknown>, pages: residentGuestPages(machine) });
}

/** Guest RAM pages that exist (the monitor's own region below guest RAM holds only rebuilt tables). */
function residentGuestPages(machine: Machine): SnapshotPage[] {
  const pages: SnapshotPage[] = [];
  const first = Number(machine.guestRamOffset) / pageSize;
  for (let index = first; index < machine.ram.pageCount; index++) {
    const view = machine.ram.existingPage(index);
    if (view) pages.push({ index: index - first, data: new Uint8Array(view.buffer, view.byteOffset, pageSize) });
  }
  return pages;
}

export function restoreMachineSnapshot(machine: Machine, options: MachineOptions, bytes: Uint8Array): void {
  const { header: raw, pages } = decodeSnapshot(bytes);
  const header = raw as unknown as MachineSnapshotHeader;
  if (!header.identity || !Array.isArray(header.harts) || !Array.isArray(header.devices)) throw new SnapshotError("the header is incomplete");
  checkIdentity(header.identity, machineIdentity(options));
  restoreRam(machine, pages);
  const regions = machine.bus.regions;
  if (header.devices.length !== regions.length) throw new SnapshotError(`the snapshot has ${header.devices.length} devices, this machine ${regions.length}`);
  regions.forEach(({ base, device }, index) => {
    const saved = header.devices[index];
    if (saved.kind !== device.kind || saved.base !== base) throw new SnapshotError(`device ${index} is ${saved.kind} in the snapshot but ${device.kind} here`);
    if (isStateful(device)) device.loadState(saved.state);
  });
  machine.input.loadState(header.input);
  machine.harts.forEach((hart, index) => loadHartState(hart, header.harts[index]));
  if (machine.monitor) {
    if (!header.monitor) throw new SnapshotError("the snapshot has no monitor state");
    loadMonitorState(machine.monitor, header.monitor, machine.harts);
  }
  Object.assign(machine.power, header.power);
}

function restoreRam(machine: Machine, pages: SnapshotPage[]): void {
  const ram = machine.ram;
  const first = Number(machine.guestRamOffset) / pageSize;
  const touched: number[] = [];
  for (let index = 0; index < ram.pageCount; index++) if (ram.existingPage(index)) touched.push(index);
  ram.clear();
  // Decoded code of the pages just dropped must go as well (a restore into a machine that ran).
  for (const index of touched) ram.onPageWritten(index);
  for (const page of pages) {
    if (page.index < 0 || first + page.index >= ram.pageCount) throw new SnapshotError(`RAM page ${page.index} is outside this machine's memory`);
    ram.writeBytes((first + page.index) * pageSize, page.data);
  }
}
