/**
 * The virtio-mmio transport, version 2 ("modern", virtio 1.2 §4.2.2), as
 * QEMU's hw/virtio/virtio-mmio.c with force-legacy=false. A slot without a
 * device still answers: magic, version and vendor, device ID 0, so the
 * guest skips it (QEMU does the same for its eight always-present slots).
 *
 * Queue notifications are served synchronously inside the store to
 * QueueNotify, so a request completes at a deterministic point in guest
 * time. A malformed queue never throws out of the emulator: the device sets
 * DEVICE_NEEDS_RESET and raises a configuration-change interrupt.
 */
import type { AccessSize, Device, DeviceSnapshot, IrqLine, RegisterSnapshot } from "../../bus/device";
import type { GuestMemory } from "./guest-memory";
import { Virtqueue, VirtqueueError } from "./virtqueue";
import type { VirtioDevice, VirtioDeviceHost } from "./virtio-device";
import { captureFields, restoreFields, type FieldState } from "../../snapshot/fields";
import { isStateful } from "../../snapshot/stateful";
import { SnapshotError } from "../../snapshot/snapshot-error";

export const VIRTIO_MMIO_MAGIC = 0x7472_6976; // "virt"
export const VIRTIO_MMIO_VERSION = 2;
/** QEMU's vendor ID, "QEMU" little-endian. */
export const VIRTIO_MMIO_VENDOR = 0x554d_4551;

/** Register offsets (virtio 1.2 §4.2.2). */
export const Reg = {
  MagicValue: 0x000,
  Version: 0x004,
  DeviceID: 0x008,
  VendorID: 0x00c,
  DeviceFeatures: 0x010,
  DeviceFeaturesSel: 0x014,
  DriverFeatures: 0x020,
  DriverFeaturesSel: 0x024,
  QueueSel: 0x030,
  QueueNumMax: 0x034,
  QueueNum: 0x038,
  QueueReady: 0x044,
  QueueNotify: 0x050,
  InterruptStatus: 0x060,
  InterruptACK: 0x064,
  Status: 0x070,
  QueueDescLow: 0x080,
  QueueDescHigh: 0x084,
  QueueDriverLow: 0x090,
  QueueDriverHigh: 0x094,
  QueueDeviceLow: 0x0a0,
  QueueDeviceHigh: 0x0a4,
  ConfigGeneration: 0x0fc,
  Config: 0x100,
} as const;
const registerNames = new Map<number, string>(Object.entries(Reg).map(([name, offset]) => [offset, name]));

/** Device status bits (virtio 1.2 §2.1). */
export const Status = { ACKNOWLEDGE: 1, DRIVER: 2, DRIVER_OK: 4, FEATURES_OK: 8, DEVICE_NEEDS_RESET: 0x40, FAILED: 0x80 } as const;
/** InterruptStatus bits. */
export const Interrupt = { USED_BUFFER: 1, CONFIG_CHANGE: 2 } as const;

/** Transport feature bits (virtio 1.2 §6). */
export const VIRTIO_F_INDIRECT_DESC = 1n << 28n;
export const VIRTIO_RING_F_EVENT_IDX = 1n << 29n;
export const VIRTIO_F_VERSION_1 = 1n << 32n;

export class VirtioMmio implements Device {
  readonly kind = "virtio-mmio";
  readonly size = 0x1000;
  private deviceFeaturesSel = 0;
  private driverFeaturesSel = 0;
  private driverFeatures = 0n;
  private queueSel = 0;
  private interruptStatus = 0;
  private status = 0;
  private configGeneration = 0;
  private readonly queues: Virtqueue[];
  /** Register accesses since power-on (each one a VM exit under a monitor). */
  accesses = 0;
  /** Why the device last needed a reset (Devices view, tests). */
  lastError: string | undefined;

  constructor(
    readonly name: string,
    private readonly irq: IrqLine,
    private readonly memory: GuestMemory,
    readonly device: VirtioDevice | undefined,
  ) {
    const negotiated = () => ({
      indirect: (this.driverFeatures & VIRTIO_F_INDIRECT_DESC) !== 0n,
      eventIdx: (this.driverFeatures & VIRTIO_RING_F_EVENT_IDX) !== 0n,
    });
    this.queues = Array.from({ length: device?.queueCount ?? 0 }, () => new Virtqueue(device!.queueMaxSize, memory, negotiated));
    const host: VirtioDeviceHost = {
      memory,
      configChanged: () => this.configChanged(),
      readyQueue: (index) => {
        const queue = this.queues[index];
        return queue?.ready && this.status & Status.DRIVER_OK && !(this.status & Status.DEVICE_NEEDS_RESET) ? queue : undefined;
      },
      queueUpdated: (index) => this.guard(() => {
        if (this.queues[index]?.shouldInterrupt()) this.raise(Interrupt.USED_BUFFER);
      }),
      negotiatedFeatures: () => this.driverFeatures,
      guard: (work) => this.guard(work),
    };
    device?.bind?.(host);
  }

  /** Runs device work on guest memory; a broken queue becomes DEVICE_NEEDS_RESET instead of an exception. */
  guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      if (!(error instanceof VirtqueueError)) throw error;
      this.needsReset(error.message);
    }
  }

  /** The device changed its config space (virtio 1.2 §4.2.2.1: ConfigGeneration changes, config-change interrupt). */
  private configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) >>> 0;
    if (this.status & Status.DRIVER_OK) this.raise(Interrupt.CONFIG_CHANGE);
  }

  /** Everything the device offers: its own bits plus the transport's. */
  get deviceFeatures(): bigint {
    return this.device ? this.device.features | VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC | VIRTIO_RING_F_EVENT_IDX : 0n;
  }

  get negotiatedFeatures(): bigint {
    return this.driverFeatures;
  }

  get deviceStatus(): number {
    return this.status;
  }

  queue(index: number): Virtqueue | undefined {
    return this.queues[index];
  }

  read(offset: number, size: AccessSize): bigint {
    this.accesses++;
    if (offset >= Reg.Config) return this.device ? this.device.readConfig(offset - Reg.Config, size) : 0n;
    // Registers are 32-bit; a 64-bit load reads two of them.
    if (size === 8) return this.readRegister(offset) | (this.readRegister(offset + 4) << 32n);
    if (size !== 4) return 0n;
    return this.readRegister(offset);
  }

  private readRegister(offset: number): bigint {
    switch (offset) {
      case Reg.MagicValue:
        return BigInt(VIRTIO_MMIO_MAGIC);
      case Reg.Version:
        return BigInt(VIRTIO_MMIO_VERSION);
      case Reg.VendorID:
        return BigInt(VIRTIO_MMIO_VENDOR);
    }
    if (!this.device) return 0n;
    const queue = this.queues[this.queueSel];
    switch (offset) {
      case Reg.DeviceID:
        return BigInt(this.device.deviceId);
      case Reg.DeviceFeatures:
        return this.deviceFeaturesSel > 1 ? 0n : (this.deviceFeatures >> BigInt(32 * this.deviceFeaturesSel)) & 0xffff_ffffn;
      case Reg.QueueNumMax:
        return BigInt(queue?.maxSize ?? 0);
      case Reg.QueueReady:
        return queue?.ready ? 1n : 0n;
      case Reg.InterruptStatus:
        return BigInt(this.interruptStatus);
      case Reg.Status:
        return BigInt(this.status);
      case Reg.ConfigGeneration:
        return BigInt(this.configGeneration);
      default:
        return 0n; // write-only or reserved
    }
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    this.accesses++;
    if (!this.device) return;
    if (offset >= Reg.Config) return this.device.writeConfig(offset - Reg.Config, size, value);
    if (size === 8) {
      this.writeRegister(offset, Number(value & 0xffff_ffffn));
      this.writeRegister(offset + 4, Number(value >> 32n));
      return;
    }
    if (size === 4) this.writeRegister(offset, Number(value));
  }

  private writeRegister(offset: number, value: number): void {
    const queue = this.queues[this.queueSel];
    const low = (old: bigint) => (old & ~0xffff_ffffn) | BigInt(value >>> 0);
    const high = (old: bigint) => (old & 0xffff_ffffn) | (BigInt(value >>> 0) << 32n);
    switch (offset) {
      case Reg.DeviceFeaturesSel:
        this.deviceFeaturesSel = value >>> 0;
        return;
      case Reg.DriverFeatures:
        if (this.driverFeaturesSel > 1) return;
        if (this.driverFeaturesSel === 0) this.driverFeatures = low(this.driverFeatures);
        else this.driverFeatures = high(this.driverFeatures);
        // A driver cannot accept what the device did not offer.
        this.driverFeatures &= this.deviceFeatures;
        return;
      case Reg.DriverFeaturesSel:
        this.driverFeaturesSel = value >>> 0;
        return;
      case Reg.QueueSel:
        this.queueSel = value >>> 0;
        return;
      case Reg.QueueNum:
        if (queue && !queue.ready && value >= 1 && value <= queue.maxSize) queue.size = value;
        return;
      case Reg.QueueReady:
        if (queue) queue.ready = (value & 1) === 1;
        return;
      case Reg.QueueNotify:
        this.notify(value & 0xffff);
        return;
      case Reg.InterruptACK:
        this.interruptStatus &= ~value;
        this.updateIrq();
        return;
      case Reg.Status:
        this.writeStatus(value & 0xff);
        return;
    }
    if (!queue || queue.ready) return; // addresses are fixed while the queue runs
    switch (offset) {
      case Reg.QueueDescLow:
        queue.descriptorTable = low(queue.descriptorTable);
        return;
      case Reg.QueueDescHigh:
        queue.descriptorTable = high(queue.descriptorTable);
        return;
      case Reg.QueueDriverLow:
        queue.driverArea = low(queue.driverArea);
        return;
      case Reg.QueueDriverHigh:
        queue.driverArea = high(queue.driverArea);
        return;
      case Reg.QueueDeviceLow:
        queue.deviceArea = low(queue.deviceArea);
        return;
      case Reg.QueueDeviceHigh:
        queue.deviceArea = high(queue.deviceArea);
        return;
    }
  }

  private writeStatus(value: number): void {
    if (value === 0) return this.reset();
    // FEATURES_OK only sticks when the driver accepted VERSION_1: a legacy driver is refused (virtio 1.2 §6.1).
    if (value & Status.FEATURES_OK && !(this.status & Status.FEATURES_OK) && (this.driverFeatures & VIRTIO_F_VERSION_1) === 0n) {
      value &= ~Status.FEATURES_OK;
    }
    // DEVICE_NEEDS_RESET is the device's bit; the driver only clears it by resetting.
    this.status = value | (this.status & Status.DEVICE_NEEDS_RESET);
  }

  private notify(index: number): void {
    const queue = this.queues[index];
    if (!this.device || !queue || !queue.ready || this.status & Status.DEVICE_NEEDS_RESET) return;
    const device = this.device;
    this.guard(() => {
      device.processQueue(index, queue, this.memory);
      if (queue.shouldInterrupt()) this.raise(Interrupt.USED_BUFFER);
    });
  }

  /** The driver broke the queue: stop using it until it resets us, and tell it. */
  needsReset(reason: string): void {
    this.lastError = reason;
    this.status |= Status.DEVICE_NEEDS_RESET;
    if (this.status & Status.DRIVER_OK) this.raise(Interrupt.CONFIG_CHANGE);
  }

  private raise(bits: number): void {
    this.interruptStatus |= bits;
    this.updateIrq();
  }

  private updateIrq(): void {
    this.irq.set(this.interruptStatus !== 0);
  }

  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["deviceFeaturesSel", "driverFeaturesSel", "driverFeatures", "queueSel", "interruptStatus", "status", "configGeneration", "accesses", "lastError"]), queues: this.queues.map((queue) => queue.saveState()), device: isStateful(this.device) ? this.device.saveState() : undefined };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["deviceFeaturesSel", "driverFeaturesSel", "driverFeatures", "queueSel", "interruptStatus", "status", "configGeneration", "accesses", "lastError"], state, `${this.name}`);
    const saved = state as FieldState;
    if (!Array.isArray(saved.queues) || saved.queues.length !== this.queues.length) throw new SnapshotError(`${this.name}: the saved queues do not fit this device`);
    this.queues.forEach((queue, index) => queue.loadState((saved.queues as unknown[])[index]));
    if (isStateful(this.device)) this.device.loadState(saved.device);
  }

  reset(): void {
    this.deviceFeaturesSel = this.driverFeaturesSel = 0;
    this.driverFeatures = 0n;
    this.queueSel = 0;
    this.interruptStatus = 0;
    this.status = 0;
    this.lastError = undefined;
    for (const queue of this.queues) queue.reset();
    this.device?.reset();
    this.updateIrq();
  }

  registerName(offset: number, _write: boolean): string {
    if (offset >= Reg.Config) return this.device?.configRegisterName?.(offset - Reg.Config) ?? `config+0x${(offset - Reg.Config).toString(16)}`;
    return registerNames.get(offset & ~3) ?? `reserved+0x${offset.toString(16)}`;
  }

  snapshot(base: bigint): DeviceSnapshot {
    const registers: RegisterSnapshot[] = [
      { name: "DeviceID", offset: Reg.DeviceID, value: this.device?.deviceId ?? 0, description: this.device?.typeName ?? "empty slot" },
      { name: "DeviceFeatures", offset: Reg.DeviceFeatures, value: this.deviceFeatures },
      { name: "DriverFeatures", offset: Reg.DriverFeatures, value: this.driverFeatures },
      { name: "Status", offset: Reg.Status, value: this.status },
      { name: "InterruptStatus", offset: Reg.InterruptStatus, value: this.interruptStatus },
      { name: "QueueSel", offset: Reg.QueueSel, value: this.queueSel },
      ...(this.device?.describe() ?? []),
    ];
    const queues = this.queues.map((queue, index) => ({
      index,
      size: queue.size,
      ready: queue.ready,
      // Hex strings: details travel as JSON, which has no bigint.
      desc: `0x${queue.descriptorTable.toString(16)}`,
      driver: `0x${queue.driverArea.toString(16)}`,
      device: `0x${queue.deviceArea.toString(16)}`,
      lastAvailIndex: queue.lastAvailIndex,
      usedIndex: queue.usedIndex,
      // Chains the device took and has not given back (the balloon keeps its statistics buffer).
      inFlight: (queue.lastAvailIndex - queue.usedIndex) & 0xffff,
    }));
    return { name: this.name, kind: this.kind, base, size: this.size, registers, details: { queues, lastError: this.lastError } };
  }
}
