/**
 * Emulated against paravirtual, measured: the same console text through
 * the ns16550a UART (a register access per LSR poll and per byte) and
 * through virtio-console (a buffer per request, one QueueNotify). Per
 * device: bytes it put on the console, its register accesses, and, under
 * a monitor, the VM exits they caused and the host time those took, each
 * also per KiB of text. `vmscope compare` and the benchmark print these.
 */
import type { ExitStatistics } from "../hypervisor/exit-log";

export interface ConsoleDeviceFigures {
  /** "uart0" (emulated) or "virtio-console" (paravirtual): the exit-detail prefix. */
  device: string;
  bytes: number;
  accesses: number;
  /** VM exits on the device's registers; 0 on the bare machine. */
  exits: number;
  hostMicroseconds: number;
  perKiB: { accesses: number; exits: number; hostMicroseconds: number } | undefined;
}

export interface ConsoleDeviceCounters {
  device: string;
  bytes: number;
  accesses: number;
}

/** Joins a device's own counters with the exits whose detail names it ("uart0.THR" …). */
export function consoleDeviceFigures(devices: ConsoleDeviceCounters[], exits: ExitStatistics | undefined): ConsoleDeviceFigures[] {
  return devices.map(({ device, bytes, accesses }) => {
    let count = 0;
    let nanoseconds = 0;
    for (const reason of ["mmio-read", "mmio-write"]) {
      for (const [detail, counters] of Object.entries(exits?.byDetail[reason] ?? {})) {
        if (!detail.startsWith(`${device}.`)) continue;
        count += counters.count;
        nanoseconds += counters.hostNanoseconds;
      }
    }
    const kib = bytes / 1024;
    const hostMicroseconds = nanoseconds / 1000;
    return {
      device,
      bytes,
      accesses,
      exits: count,
      hostMicroseconds,
      perKiB: kib > 0 ? { accesses: accesses / kib, exits: count / kib, hostMicroseconds: hostMicroseconds / kib } : undefined,
    };
  });
}

/** What the figures need from a machine (structurally: vmm-core/machine/machine.ts's Machine). */
export interface ConsoleBoard {
  uart: { traffic: { accesses: number; bytesOut: number } };
  virtioConsole: { counts: { bytesOut: number } };
  virtio: readonly { device?: { typeName: string } | undefined; accesses: number }[];
  monitor?: { exits: { statistics(): ExitStatistics } } | undefined;
}

/** The UART's and virtio-console's figures on a machine after a run. */
export function consoleFiguresOf(board: ConsoleBoard): ConsoleDeviceFigures[] {
  const transport = board.virtio.find((slot) => slot.device?.typeName === "virtio-console");
  return consoleDeviceFigures(
    [
      { device: "uart0", bytes: board.uart.traffic.bytesOut, accesses: board.uart.traffic.accesses },
      { device: "virtio-console", bytes: board.virtioConsole.counts.bytesOut, accesses: transport?.accesses ?? 0 },
    ],
    board.monitor?.exits.statistics(),
  );
}
