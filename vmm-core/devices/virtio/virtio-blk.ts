/**
 * virtio-blk (block device, ID 2, virtio 1.2 §5.2): one request queue; a
 * request is a 16-byte header (type, sector), data buffers and a status
 * byte. Served: IN (read), OUT (write; IOERR on a read-only drive), FLUSH
 * and GET_ID (the serial "vmscope-blkN"). Anything else is UNSUPP.
 */
import type { AccessSize, RegisterSnapshot } from "../../bus/device";
import type { GuestMemory } from "./guest-memory";
import { gatherReadable, scatterWritable, writableLength, VirtqueueError, type DescriptorChain, type Virtqueue } from "./virtqueue";
import { readConfigBytes, VirtioDeviceId, type VirtioDevice } from "./virtio-device";
import { sectorSize, type BlockStorage } from "./block-storage";
import { captureFields, restoreFields, type FieldState } from "../../snapshot/fields";

export const VIRTIO_BLK_F_SEG_MAX = 1n << 2n;
export const VIRTIO_BLK_F_RO = 1n << 5n;
export const VIRTIO_BLK_F_BLK_SIZE = 1n << 6n;
export const VIRTIO_BLK_F_FLUSH = 1n << 9n;

export const BlkRequest = { IN: 0, OUT: 1, FLUSH: 4, GET_ID: 8 } as const;
export const BlkStatus = { OK: 0, IOERR: 1, UNSUPP: 2 } as const;
const requestNames: Record<number, string> = { 0: "IN", 1: "OUT", 4: "FLUSH", 8: "GET_ID" };

/** QEMU's virtio-blk queue size; seg_max is two less (header and status take a descriptor each). */
const QUEUE_SIZE = 128;
const HEADER_BYTES = 16;
const ID_BYTES = 20;

export class VirtioBlk implements VirtioDevice {
  readonly deviceId = VirtioDeviceId.block;
  readonly typeName = "virtio-blk";
  readonly features: bigint;
  readonly queueCount = 1;
  readonly queueMaxSize = QUEUE_SIZE;
  private readonly config = new Uint8Array(0x40);
  readonly counts: Record<string, number> = { IN: 0, OUT: 0, FLUSH: 0, GET_ID: 0, errors: 0 };

  constructor(
    private readonly storage: BlockStorage,
    readonly serial: string,
  ) {
    this.features = VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | (storage.readonly ? VIRTIO_BLK_F_RO : 0n);
    const view = new DataView(this.config.buffer);
    view.setBigUint64(0, storage.sectors, true); // capacity, in 512-byte sectors
    view.setUint32(12, QUEUE_SIZE - 2, true); // seg_max
    view.setUint32(20, sectorSize, true); // blk_size
  }

  readConfig(offset: number, size: AccessSize): bigint {
    return offset + size <= this.config.length ? readConfigBytes(this.config, offset, size) : 0n;
  }

  writeConfig(): void {} // writeback (the only writable field) is not offered

  processQueue(_index: number, queue: Virtqueue, memory: GuestMemory): void {
    for (let chain = queue.pop(); chain; chain = queue.pop()) queue.push(chain, this.serve(chain, memory));
  }

  /** Serves one request; returns the bytes written into the chain (data and status). */
  private serve(chain: DescriptorChain, memory: GuestMemory): number {
    const readable = gatherReadable(memory, chain);
    const room = writableLength(chain);
    if (readable.length < HEADER_BYTES || room < 1) {
      this.counts.errors++;
      // Malformed (no header or no status byte): IOERR in the last byte if there is one.
      if (room >= 1) return scatterWritable(memory, chain, Uint8Array.of(BlkStatus.IOERR), room - 1);
      return 0;
    }
    const header = new DataView(readable.buffer, readable.byteOffset, HEADER_BYTES);
    const type = header.getUint32(0, true);
    const sector = header.getBigUint64(8, true);
    const dataIn = room - 1; // device-writable data bytes before the status byte
    let result: { status: number; written: number };
    try {
      result = this.perform(type, sector, chain, memory, dataIn, readable.subarray(HEADER_BYTES));
    } catch (error) {
      // The host file failed (EIO, disk full …): the guest sees an I/O error, the emulator runs on.
      if (error instanceof VirtqueueError) throw error;
      result = { status: BlkStatus.IOERR, written: 0 };
    }
    const { status, written } = result;
    const name = requestNames[type];
    if (name) this.counts[name]++;
    if (status !== BlkStatus.OK) this.counts.errors++;
    scatterWritable(memory, chain, Uint8Array.of(status), room - 1);
    return written + 1;
  }

  /** Carries out one request against the storage; `dataIn` is the room for data before the status byte. */
  private perform(type: number, sector: bigint, chain: DescriptorChain, memory: GuestMemory, dataIn: number, payload: Uint8Array): { status: number; written: number } {
    const ok = (written = 0) => ({ status: BlkStatus.OK, written });
    const error = { status: BlkStatus.IOERR, written: 0 };
    switch (type) {
      case BlkRequest.IN: {
        if (!this.inRange(sector, dataIn)) return error;
        const data = new Uint8Array(dataIn);
        this.storage.read(sector, data);
        return ok(scatterWritable(memory, chain, data));
      }
      case BlkRequest.OUT:
        if (this.storage.readonly || !this.inRange(sector, payload.length)) return error;
        this.storage.write(sector, payload);
        return ok();
      case BlkRequest.FLUSH:
        this.storage.flush();
        return ok();
      case BlkRequest.GET_ID: {
        const id = new Uint8Array(ID_BYTES);
        id.set(new TextEncoder().encode(this.serial).subarray(0, ID_BYTES));
        return ok(scatterWritable(memory, chain, id.subarray(0, Math.min(ID_BYTES, dataIn))));
      }
      default:
        return { status: BlkStatus.UNSUPP, written: 0 };
    }
  }

  private inRange(sector: bigint, bytes: number): boolean {
    return bytes % sectorSize === 0 && sector + BigInt(bytes / sectorSize) <= this.storage.sectors;
  }

  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["config", "counts"]), storage: this.storage.saveState?.() };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["config", "counts"], state, `virtio-blk`);
    this.storage.loadState?.((state as FieldState).storage);
  }

  reset(): void {}

  describe(): RegisterSnapshot[] {
    return [
      { name: "capacity", offset: 0x100, value: this.storage.sectors, description: "512-byte sectors" },
      { name: "readonly", value: this.storage.readonly ? "yes" : "no" },
      { name: "serial", value: this.serial },
      ...Object.entries(this.counts).map(([name, value]) => ({ name: `requests.${name}`, value })),
    ];
  }
}
