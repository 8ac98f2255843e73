/**
 * What a virtio device type (block, rng …) provides behind the transport:
 * its ID, feature bits, queues and config space, and the work done when
 * the driver notifies a queue. The transport owns everything generic.
 */
import type { AccessSize, RegisterSnapshot } from "../../bus/device";
import type { GuestMemory } from "./guest-memory";
import type { Virtqueue } from "./virtqueue";

/** virtio 1.2 §5: device IDs. */
export const VirtioDeviceId = { none: 0, block: 2, console: 3, entropy: 4, balloon: 5 } as const;

/** What the transport lends a device for work the driver did not ask for (input arriving, a new balloon target). */
export interface VirtioDeviceHost {
  /** The device changed its config space: bump ConfigGeneration and raise a config-change interrupt. */
  configChanged(): void;
  /** Queue `index` when the driver has made it ready, else undefined. */
  readyQueue(index: number): Virtqueue | undefined;
  /** Used buffers were pushed to queue `index` outside a notification: interrupt if the driver wants one. */
  queueUpdated(index: number): void;
  /** Runs device work on guest memory; a VirtqueueError inside becomes DEVICE_NEEDS_RESET. */
  guard(work: () => void): void;
  /** The negotiated feature bits. */
  negotiatedFeatures(): bigint;
  readonly memory: GuestMemory;
}

export interface VirtioDevice {
  readonly deviceId: number;
  /** Name for logs and the Devices view ("virtio-blk"). */
  readonly typeName: string;
  /** Device-type feature bits (the transport adds VERSION_1, INDIRECT_DESC, EVENT_IDX). */
  readonly features: bigint;
  readonly queueCount: number;
  readonly queueMaxSize: number;
  /** Config space (offset from 0x100); unimplemented bytes read 0. */
  readConfig(offset: number, size: AccessSize): bigint;
  writeConfig(offset: number, size: AccessSize, value: bigint): void;
  /**
   * Serves every available chain of `queue`; a VirtqueueError thrown from
   * here puts the device into DEVICE_NEEDS_RESET.
   */
  processQueue(index: number, queue: Virtqueue, memory: GuestMemory): void;
  /** Driver reset (status 0). */
  reset(): void;
  /** Device-specific state for the Devices view. */
  describe(): RegisterSnapshot[];
  /** Called once by the transport that carries the device. */
  bind?(host: VirtioDeviceHost): void;
  /** Register names inside the config space, by byte offset (exit records). */
  configRegisterName?(offset: number): string | undefined;
}

/** Little-endian read of `size` bytes at `offset` inside a config image. */
export function readConfigBytes(image: Uint8Array, offset: number, size: AccessSize): bigint {
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(image[offset + i] ?? 0);
  return value;
}
