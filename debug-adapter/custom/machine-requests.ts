/**
 * The machine-wide custom requests: vmscope/hypervisor (mode, vCPUs with
 * their virtual and real privilege, the memory map with the monitor's
 * region, memory accounting, balloon), vmscope/devices (side-effect-free
 * device snapshots), vmscope/setBalloon and vmscope/consoleInput.
 */
import type { Machine } from "../../vmm-core/machine/machine";
import { memoryMap } from "../../vmm-core/machine/memory-map";
import { UserInputError } from "../../vmm-core/machine/errors";
import { InspectionError } from "../inspection/guest-memory-access";
import { GuestView, hex } from "../inspection/guest-view";
import type { BalloonInfo, DevicesResponse, HypervisorResponse, MemoryRegionInfo, VcpuInfo } from "../protocol";
import { argumentsObject, requiredInteger, requiredString } from "./arguments";
import { totalInstructions } from "./exits";

function vcpus(machine: Machine): VcpuInfo[] {
  return machine.harts.map((hart) => {
    const view = new GuestView(machine, hart.hartId);
    const vcpu = view.vcpu;
    return {
      id: hart.hartId,
      pc: hex(hart.pc),
      virtualPrivilege: view.guestPrivilege(),
      realPrivilege: view.realPrivilege(),
      instret: hart.instret,
      waiting: hart.waiting || (vcpu?.waiting ?? false),
    };
  });
}

/** Guest-physical regions (RAM, devices, ROM) and, under a monitor, its own host-physical region. */
function memoryRegions(machine: Machine): MemoryRegionInfo[] {
  const monitor = machine.monitor;
  const guestRamBytes = BigInt(machine.ram.size) - machine.guestRamOffset;
  const regions: MemoryRegionInfo[] = machine.bus.regions.map((region) => {
    const kind = region.device.kind === "riscv.mrom" ? "rom" : monitor?.board.privateDevices.has(region.device) ? "monitor" : "device";
    return { name: region.device.name, base: hex(region.base), size: hex(region.end - region.base), kind };
  });
  const ram: MemoryRegionInfo = { name: "ram", base: hex(memoryMap.dram.base), size: hex(guestRamBytes), kind: "ram" };
  if (monitor) {
    ram.hostBase = hex(monitor.map.hostRamBase);
    const region = monitor.map.monitorRegion;
    regions.push({ name: "monitor (shadow / nested tables, host-physical)", base: hex(region.base), size: hex(region.size), kind: "monitor" });
  }
  regions.push(ram);
  return regions.sort((a, b) => (BigInt(a.base) < BigInt(b.base) ? -1 : BigInt(a.base) > BigInt(b.base) ? 1 : 0));
}

export function hypervisorRequest(machine: Machine): HypervisorResponse {
  return {
    mode: machine.mode,
    vcpus: vcpus(machine),
    memoryMap: memoryRegions(machine),
    memory: machine.memoryAccounting(),
    balloon: machine.balloonInfo(),
    instret: totalInstructions(machine),
    exits: machine.monitor?.exits.total ?? 0,
  };
}

export function devicesRequest(machine: Machine): DevicesResponse {
  return { devices: machine.deviceSnapshots() };
}

export function setBalloonRequest(machine: Machine, rawArgs: unknown): BalloonInfo {
  const targetMib = requiredInteger(argumentsObject(rawArgs), "targetMib");
  try {
    return machine.setBalloonTarget(targetMib);
  } catch (error) {
    if (error instanceof UserInputError) throw new InspectionError(error.message);
    throw error;
  }
}

export function consoleInputRequest(machine: Machine, rawArgs: unknown): Record<string, never> {
  const text = requiredString(argumentsObject(rawArgs), "text");
  // The UART and the virtio console both drain this queue.
  machine.input.push(text);
  return {};
}
