/**
 * virtio-rng (entropy device, ID 4, virtio 1.2 §5.4): one request queue
 * whose device-writable buffers the device fills with random bytes. The
 * bytes come from a seeded SplitMix64 generator, not the host's entropy,
 * so a run is repeatable: the default seed is 0x766d73636f7065 ("vmscope"
 * in ASCII), and a reset of the device restarts the sequence. With the
 * "host" source (`--rng host`) the bytes come from the host's
 * cryptographic generator instead, different on every run.
 */
import { randomFillSync } from "node:crypto";
import type { AccessSize, RegisterSnapshot } from "../../bus/device";
import type { GuestMemory } from "./guest-memory";
import { scatterWritable, writableLength, type Virtqueue } from "./virtqueue";
import { VirtioDeviceId, type VirtioDevice } from "./virtio-device";
import { captureFields, restoreFields, type FieldState } from "../../snapshot/fields";

export const defaultRngSeed = 0x766d_7363_6f70_65n;
/** "seeded": SplitMix64, repeatable; "host": node:crypto, real randomness. */
export type RandomSource = "seeded" | "host";
export const randomSources: readonly RandomSource[] = ["seeded", "host"];
/** QEMU's virtio-rng queue size. */
const QUEUE_SIZE = 8;

/** SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and every seed gives a full-period stream. */
export class SplitMix64 {
  private state: bigint;
  constructor(seed: bigint) {
    this.state = BigInt.asUintN(64, seed);
  }
  next(): bigint {
    this.state = BigInt.asUintN(64, this.state + 0x9e37_79b9_7f4a_7c15n);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58_476d_1ce4_e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d0_49bb_1331_11ebn);
    return z ^ (z >> 31n);
  }
  fill(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i += 8) {
      let word = this.next();
      for (let j = i; j < Math.min(i + 8, bytes.length); j++, word >>= 8n) bytes[j] = Number(word & 0xffn);
    }
  }
}

export class VirtioRng implements VirtioDevice {
  readonly deviceId = VirtioDeviceId.entropy;
  readonly typeName = "virtio-rng";
  readonly features = 0n;
  readonly queueCount = 1;
  readonly queueMaxSize = QUEUE_SIZE;
  private generator: SplitMix64;
  /** Bytes handed to the guest since reset. */
  bytesServed = 0;

  constructor(
    readonly source: RandomSource = "seeded",
    private readonly seed: bigint = defaultRngSeed,
  ) {
    this.generator = new SplitMix64(seed);
  }

  readConfig(_offset: number, _size: AccessSize): bigint {
    return 0n; // no config space
  }

  writeConfig(): void {}

  processQueue(_index: number, queue: Virtqueue, memory: GuestMemory): void {
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      const bytes = new Uint8Array(writableLength(chain));
      if (this.source === "host") randomFillSync(bytes);
      else this.generator.fill(bytes);
      const written = scatterWritable(memory, chain, bytes);
      this.bytesServed += written;
      queue.push(chain, written);
    }
  }

  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["bytesServed"]), generator: captureFields(this.generator, ["state"]) };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["bytesServed"], state, `virtio-rng`);
    restoreFields(this.generator, ["state"], (state as FieldState).generator, "virtio-rng generator");
  }

  reset(): void {
    this.generator = new SplitMix64(this.seed);
    this.bytesServed = 0;
  }

  describe(): RegisterSnapshot[] {
    return [
      this.source === "host"
        ? { name: "source", value: "host", description: "node:crypto randomFillSync" }
        : { name: "seed", value: this.seed, description: "SplitMix64 seed" },
      { name: "bytesServed", value: this.bytesServed },
    ];
  }
}
