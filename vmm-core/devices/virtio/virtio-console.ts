/**
 * virtio-console (console device, ID 3, virtio 1.2 §5.3), port 0 only: the
 * paravirtual twin of the UART. It writes to the same host console and
 * takes input from the same queue the UART drains, so a guest may use
 * either (Linux's hvc0 next to ttyS0, as QEMU's `-device virtio-console`).
 *
 * Without VIRTIO_CONSOLE_F_MULTIPORT there are two queues: receiveq (0),
 * buffers the driver offers for input, and transmitq (1), output. Offered
 * features: F_SIZE (80×25 in config) and F_EMERG_WRITE (a byte written to
 * config emerg_wr goes out at once, before any queue is set up).
 *
 * Input arrives between instructions (the machine polls it), so a filled
 * receive buffer is pushed outside a notification and the interrupt comes
 * through the transport's host.
 */
import type { AccessSize, RegisterSnapshot } from "../../bus/device";
import type { ConsoleIO, ConsoleInput } from "../../machine/console";
import type { GuestMemory } from "./guest-memory";
import { gatherReadable, scatterWritable, writableLength, type Virtqueue } from "./virtqueue";
import { readConfigBytes, VirtioDeviceId, type VirtioDevice, type VirtioDeviceHost } from "./virtio-device";
import { captureFields, restoreFields, type FieldState } from "../../snapshot/fields";

export const VIRTIO_CONSOLE_F_SIZE = 1n << 0n;
export const VIRTIO_CONSOLE_F_MULTIPORT = 1n << 1n;
export const VIRTIO_CONSOLE_F_EMERG_WRITE = 1n << 2n;

export const ConsoleQueue = { receive: 0, transmit: 1 } as const;

/** Config space layout (virtio 1.2 §5.3.4). */
const CONFIG = { cols: 0, rows: 2, maxNrPorts: 4, emergWr: 8, bytes: 12 } as const;
const configNames: Record<number, string> = { 0: "cols", 2: "rows", 4: "max_nr_ports", 8: "emerg_wr" };
/** QEMU's virtio-serial queue size. */
const QUEUE_SIZE = 128;

export class VirtioConsole implements VirtioDevice {
  readonly deviceId = VirtioDeviceId.console;
  readonly typeName = "virtio-console";
  readonly features = VIRTIO_CONSOLE_F_SIZE | VIRTIO_CONSOLE_F_EMERG_WRITE;
  readonly queueCount = 2;
  readonly queueMaxSize = QUEUE_SIZE;
  private readonly config = new Uint8Array(CONFIG.bytes);
  private host: VirtioDeviceHost | undefined;
  /** Traffic since power-on (a driver reset keeps it), for the Devices view and the emulated-vs-paravirtual figures. */
  readonly counts = { bytesOut: 0, bytesIn: 0, transmitBuffers: 0, receiveBuffers: 0, emergencyWrites: 0 };

  constructor(
    private readonly console: ConsoleIO,
    private readonly input: ConsoleInput,
    columns = 80,
    rows = 25,
  ) {
    const view = new DataView(this.config.buffer);
    view.setUint16(CONFIG.cols, columns, true);
    view.setUint16(CONFIG.rows, rows, true);
    view.setUint32(CONFIG.maxNrPorts, 1, true);
  }

  bind(host: VirtioDeviceHost): void {
    this.host = host;
  }

  readConfig(offset: number, size: AccessSize): bigint {
    // emerg_wr is write-only and reads 0.
    return offset + size <= CONFIG.emergWr ? readConfigBytes(this.config, offset, size) : 0n;
  }

  writeConfig(offset: number, _size: AccessSize, value: bigint): void {
    if (offset !== CONFIG.emergWr) return;
    this.console.write(Uint8Array.of(Number(value & 0xffn)));
    this.counts.bytesOut++;
    this.counts.emergencyWrites++;
  }

  configRegisterName(offset: number): string | undefined {
    return configNames[offset & ~1];
  }

  processQueue(index: number, queue: Virtqueue, memory: GuestMemory): void {
    if (index === ConsoleQueue.transmit) {
      for (let chain = queue.pop(); chain; chain = queue.pop()) {
        const bytes = gatherReadable(memory, chain);
        if (bytes.length > 0) this.console.write(bytes);
        this.counts.bytesOut += bytes.length;
        this.counts.transmitBuffers++;
        queue.push(chain, 0);
      }
    } else if (index === ConsoleQueue.receive) {
      // New receive buffers: typed-ahead input can go now (the transport interrupts after this).
      this.fill(queue, memory);
    }
  }

  /** Moves queued console input into the driver's receive buffers; called between instructions. */
  pollInput(): void {
    if (this.input.available === 0 || !this.host) return;
    const queue = this.host.readyQueue(ConsoleQueue.receive);
    if (!queue) return;
    const host = this.host;
    // Through the transport's guard: a broken ring becomes DEVICE_NEEDS_RESET, never an exception.
    host.guard(() => {
      if (this.fill(queue, host.memory)) host.queueUpdated(ConsoleQueue.receive);
    });
  }

  /** Fills receive buffers while input and buffers last; true when any was used. */
  private fill(queue: Virtqueue, memory: GuestMemory): boolean {
    let any = false;
    while (this.input.available > 0) {
      const chain = queue.pop();
      if (!chain) break;
      const room = writableLength(chain);
      const bytes: number[] = [];
      while (bytes.length < room && this.input.available > 0) bytes.push(this.input.take());
      const written = scatterWritable(memory, chain, Uint8Array.from(bytes));
      queue.push(chain, written);
      this.counts.bytesIn += written;
      this.counts.receiveBuffers++;
      any = true;
    }
    return any;
  }

  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["config", "counts"]) };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["config", "counts"], state, `virtio-console`);
  }

  reset(): void {} // no device state beyond the queues, which the transport resets

  describe(): RegisterSnapshot[] {
    const view = new DataView(this.config.buffer);
    return [
      { name: "cols", offset: 0x100 + CONFIG.cols, value: view.getUint16(CONFIG.cols, true), description: "console width (F_SIZE)" },
      { name: "rows", offset: 0x100 + CONFIG.rows, value: view.getUint16(CONFIG.rows, true), description: "console height (F_SIZE)" },
      { name: "bytesOut", value: this.counts.bytesOut, description: "bytes written to the host console" },
      { name: "bytesIn", value: this.counts.bytesIn, description: "input bytes delivered to receive buffers" },
      { name: "transmitBuffers", value: this.counts.transmitBuffers },
      { name: "receiveBuffers", value: this.counts.receiveBuffers },
    ];
  }
}
