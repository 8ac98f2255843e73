/**
 * The contract between the bus and every memory-mapped device (TinyEMU's
 * iomem model): a device owns a region, answers reads and writes at an
 * offset inside it, and can describe itself without side effects.
 */

/** Access width in bytes, as the hart issues it. */
export type AccessSize = 1 | 2 | 4 | 8;

/** One register as the Devices view and tests see it. */
export interface RegisterSnapshot {
  name: string;
  /** Offset inside the device's region, when the register is memory-mapped. */
  offset?: number;
  value: bigint | number | string;
  description?: string;
}

/** A side-effect-free picture of a device (reading it changes nothing). */
export interface DeviceSnapshot {
  name: string;
  kind: string;
  base: bigint;
  size: number;
  registers: RegisterSnapshot[];
  /** Device-specific extras (FIFO contents, per-context PLIC state …). */
  details?: Record<string, unknown>;
}

export interface Device {
  /** Instance name, e.g. "uart0". */
  readonly name: string;
  /** Device family, e.g. "ns16550a". */
  readonly kind: string;
  /** Size of the MMIO region in bytes. */
  readonly size: number;
  /**
   * Read `size` bytes at `offset`; the result is the unsigned value
   * (zero-extended). Unimplemented registers read as 0.
   */
  read(offset: number, size: AccessSize): bigint;
  /** Write the low `size` bytes of `value` at `offset`. */
  write(offset: number, size: AccessSize, value: bigint): void;
  /** Back to power-on state. */
  reset(): void;
  snapshot(base: bigint): DeviceSnapshot;
  /** Register name at an offset, for exit records ("THR", "mtimecmp[0]"). */
  registerName(offset: number, write: boolean): string;
}

/** A level-triggered interrupt wire into an interrupt controller. */
export interface IrqLine {
  set(level: boolean): void;
}

/**
 * Guest time. Derived from instructions retired, never from the wall clock,
 * so runs are deterministic.
 */
export interface GuestClock {
  /** Current value of mtime (timebase ticks). */
  mtime(): bigint;
}

/** What a device needs to raise a hart's interrupt-pending bits. */
export interface HartInterruptSink {
  /** Set or clear bits of the hart's mip that are driven by hardware (MSIP, MTIP, MEIP, SEIP). */
  setPending(hartId: number, mask: number, level: boolean): void;
}

/** Physical memory as DMA-capable devices (HTIF, later virtio) see it. */
export interface PhysicalMemoryAccess {
  /** Read `size` bytes at a physical address; undefined when nothing answers there. */
  readPhysical(address: bigint, size: AccessSize): bigint | undefined;
  /** Write; false when nothing answers at that address. */
  writePhysical(address: bigint, size: AccessSize, value: bigint): boolean;
}
