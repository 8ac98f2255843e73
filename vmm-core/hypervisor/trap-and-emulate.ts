/**
 * Mode `trap-and-emulate`: wires a monitor to a machine. The guest's RAM
 * sits after the monitor's region in host RAM; the kernel runs in real
 * U-mode on shadow page tables; the monitor is its SBI.
 */
import type { Bus } from "../bus/bus";
import type { Clint } from "../devices/clint";
import type { Hart } from "../hart/hart";
import type { ConsoleInput, ConsoleIO } from "../machine/console";
import type { PowerControl } from "../machine/power";
import { ExitLog } from "./exit-log";
import { GuestPhysicalMap } from "./guest-physical-map";
import { Monitor, type MonitorBoard } from "./monitor";
import { HardwareAssistedMonitor } from "./hardware-assisted";
import { ShadowPageTables } from "./shadow/shadow-page-tables";

export interface TrapAndEmulateOptions {
  guestRamBase: bigint;
  guestRamSize: bigint;
  monitorRegionSize: bigint;
  exitLogSize?: number;
  power: PowerControl;
  console: ConsoleIO;
}

/** The board as a monitor sees it, shared by both virtualized modes. */
export function monitorBoard(machine: { harts: Hart[]; bus: Bus; clint: Clint; input: ConsoleInput }, options: TrapAndEmulateOptions): MonitorBoard {
  return {
    harts: machine.harts,
    bus: machine.bus,
    clint: machine.clint,
    privateDevices: new Set(machine.bus.regions.map((region) => region.device).filter((device) => device === machine.clint || device.kind.startsWith("sifive,test"))),
    powerOff: (code, source) => options.power.powerOff(code, source),
    reset: (source) => options.power.reset(source),
    // As OpenSBI's sbi_putc: a carriage return before every line feed, so output looks the same under either.
    consoleWrite: (bytes) => options.console.write(withCarriageReturns(bytes)),
    consoleRead: (max) => {
      const bytes: number[] = [];
      while (bytes.length < max && machine.input.available > 0) bytes.push(machine.input.take());
      return Uint8Array.from(bytes);
    },
  };
}

export function createTrapAndEmulateMonitor(
  machine: { harts: Hart[]; bus: Bus; clint: Clint; input: ConsoleInput },
  options: TrapAndEmulateOptions,
): Monitor {
  const map = new GuestPhysicalMap(options.guestRamBase, options.guestRamSize, machine.bus.ram.base, options.monitorRegionSize);
  // Shadows are shared by every vCPU: when entries go, every hart's TLB must forget them.
  const shadow = new ShadowPageTables(machine.bus, map, { onInvalidate: () => machine.harts.forEach((hart) => hart.tlb.flush()) });
  return new Monitor(monitorBoard(machine, options), map, shadow, new ExitLog(options.exitLogSize));
}

/** Mode `hardware-assisted`: the H extension runs the guest; the monitor keeps the nested tables. */
export function createHardwareAssistedMonitor(
  machine: { harts: Hart[]; bus: Bus; clint: Clint; input: ConsoleInput },
  options: TrapAndEmulateOptions,
): HardwareAssistedMonitor {
  const map = new GuestPhysicalMap(options.guestRamBase, options.guestRamSize, machine.bus.ram.base, options.monitorRegionSize);
  return new HardwareAssistedMonitor(monitorBoard(machine, options), map, new ExitLog(options.exitLogSize));
}

function withCarriageReturns(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(10)) return bytes;
  const out: number[] = [];
  for (const byte of bytes) {
    if (byte === 10) out.push(13);
    out.push(byte);
  }
  return Uint8Array.from(out);
}
