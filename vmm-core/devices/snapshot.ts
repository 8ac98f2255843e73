/**
 * Device snapshots as the Devices view shows them: each device a tree of
 * named values (registers, FIFOs, PLIC contexts, virtqueues). Built from
 * every device's own side-effect-free `snapshot(base)`, so taking one never
 * changes guest-visible state (a UART's RBR is not consumed, a PLIC claim
 * not made).
 *
 * DeviceNode and DeviceSnapshotInfo are also the debug adapter's protocol
 * types (debug-adapter/protocol.ts re-exports them): the adapter hands
 * these objects on unchanged.
 */
import type { DeviceSnapshot, RegisterSnapshot } from "../bus/device";
import type { DeviceRegion } from "../bus/bus";
import { irqNumbers, memoryMap } from "../machine/memory-map";

export interface DeviceNode {
  name: string;
  /** Display value (hex for registers); absent for pure groups. */
  value?: string;
  description?: string;
  children?: DeviceNode[];
}

export interface DeviceSnapshotInfo {
  /** "uart0", "plic", "clint", "virtio-blk@10008000" … */
  name: string;
  kind: string;
  base: string;
  size: string;
  /** PLIC source, when the device has one. */
  interrupt?: number;
  tree: DeviceNode[];
}

const hex = (value: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(value)).toString(16)}`;

function registerNode(register: RegisterSnapshot): DeviceNode {
  const value = typeof register.value === "string" ? register.value : hex(register.value);
  const where = register.offset === undefined ? undefined : `+${hex(register.offset)}`;
  const description = [where, register.description].filter((part) => part !== undefined).join(" ");
  return description ? { name: register.name, value, description } : { name: register.name, value };
}

/** Plain data (numbers, strings, arrays, records) as a tree; bigints (addresses, features) in hex. */
export function valueNode(name: string, value: unknown): DeviceNode {
  if (value === undefined || value === null) return { name, value: "—" };
  if (typeof value === "bigint") return { name, value: hex(value) };
  if (typeof value === "number") return { name, value: String(value) };
  if (typeof value === "string" || typeof value === "boolean") return { name, value: String(value) };
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== "object" || item === null)) {
      return { name, value: `[${value.map((item) => (typeof item === "bigint" ? hex(item) : String(item))).join(", ")}]` };
    }
    return { name, value: `${value.length} entries`, children: value.map((item, index) => valueNode(childName(item, index), item)) };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  return { name, children: entries.map(([key, item]) => valueNode(key, item)) };
}

/** Array items are named by their own index/context field when they carry one. */
function childName(item: unknown, index: number): string {
  if (item && typeof item === "object") {
    const record = item as Record<string, unknown>;
    if (typeof record.context === "number") return `context ${record.context}`;
    if (typeof record.index === "number") return `queue ${record.index}`;
  }
  return `[${index}]`;
}

/** One device's snapshot as a tree: registers first, then its details. */
export function deviceSnapshotInfo(snapshot: DeviceSnapshot, name = snapshot.name, interrupt?: number): DeviceSnapshotInfo {
  const tree: DeviceNode[] = [{ name: "registers", children: snapshot.registers.map(registerNode) }];
  for (const [key, value] of Object.entries(snapshot.details ?? {})) tree.push(valueNode(key, value));
  const info: DeviceSnapshotInfo = { name, kind: snapshot.kind, base: hex(snapshot.base), size: hex(snapshot.size), tree };
  if (interrupt !== undefined) info.interrupt = interrupt;
  return info;
}

/** PLIC source of a board device (QEMU virt wiring): the UART's, or a virtio slot's by its address. */
function interruptOf(name: string, base: bigint): number | undefined {
  if (name === "uart0") return irqNumbers.uart0;
  const { virtio } = memoryMap;
  if (base >= virtio.base && base < virtio.base + BigInt(virtio.count * virtio.size)) {
    return irqNumbers.virtioFirst + Number((base - virtio.base) / BigInt(virtio.size));
  }
  return undefined;
}

/**
 * Every device on the bus. Empty virtio slots (DeviceID 0) are left out;
 * an occupied one is named after its device and address, as Linux and
 * U-Boot name the node ("virtio-blk@10008000").
 */
export function machineDeviceSnapshots(regions: readonly DeviceRegion[]): DeviceSnapshotInfo[] {
  const out: DeviceSnapshotInfo[] = [];
  for (const region of regions) {
    const snapshot = region.device.snapshot(region.base);
    let name = snapshot.name;
    if (snapshot.kind === "virtio-mmio") {
      const id = snapshot.registers.find((register) => register.name === "DeviceID");
      if (!id || id.value === 0) continue;
      name = `${id.description ?? "virtio"}@${region.base.toString(16)}`;
    }
    out.push(deviceSnapshotInfo(snapshot, name, interruptOf(region.device.name, region.base)));
  }
  return out;
}
