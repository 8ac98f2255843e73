/** Hypervisor view content from vmscope/hypervisor: mode, vCPUs, memory map, memory and balloon. */
import type { HypervisorResponse, MemoryRegionInfo, VcpuInfo } from "../../debug-adapter/protocol";
import { formatCount, formatSize, parseHex } from "./format";
import type { ViewNode } from "./view-node";

export const modeDescriptions: Record<string, string> = {
  none: "the guest owns the bare machine",
  "trap-and-emulate": "guest kernel deprivileged to U; privileged instructions trap; shadow page tables",
  "hardware-assisted": "guest runs in VS/VU with the H extension; G-stage (nested) page tables",
  "binary-translation": "guest kernel blocks rewritten to call the monitor; shadow page tables",
};

function field(id: string, label: string, description: string, tooltip?: string): ViewNode {
  return { id, label, description, tooltip, contextValue: "hypervisorField", icon: "symbol-property" };
}

export function vcpuNode(vcpu: VcpuInfo): ViewNode {
  const id = `hv/vcpu/${vcpu.id}`;
  return {
    id,
    label: `vCPU ${vcpu.id}`,
    description: `${vcpu.virtualPrivilege} (really ${vcpu.realPrivilege}) · pc ${vcpu.pc}${vcpu.waiting ? " · waiting" : ""}`,
    contextValue: "vcpu",
    icon: "chip",
    children: [
      field(`${id}/virtual`, "Virtual privilege", vcpu.virtualPrivilege, "The privilege the guest believes it runs in"),
      field(`${id}/real`, "Real privilege", vcpu.realPrivilege, "The privilege the hart really runs in"),
      field(`${id}/pc`, "pc", vcpu.pc),
      field(`${id}/instret`, "Instructions retired", String(vcpu.instret)),
      field(`${id}/state`, "State", vcpu.waiting ? "waiting (wfi)" : "runnable"),
    ],
  };
}

function sizeText(hex: string): string {
  try {
    return formatSize(parseHex(hex));
  } catch {
    return hex;
  }
}

function regionEnd(region: MemoryRegionInfo): string {
  try {
    return `0x${(parseHex(region.base) + parseHex(region.size) - 1n).toString(16)}`;
  } catch {
    return "?";
  }
}

export function regionNode(region: MemoryRegionInfo, index: number): ViewNode {
  const host = region.hostBase ? ` → host ${region.hostBase}` : "";
  return {
    id: `hv/map/${index}:${region.name}`,
    label: region.name,
    description: `${region.base}–${regionEnd(region)} ${region.kind} ${sizeText(region.size)}${host}`,
    contextValue: "memoryRegion",
    icon: region.kind === "ram" ? "database" : "plug",
  };
}

export function hypervisorNodes(info: HypervisorResponse): ViewNode[] {
  const { memory, balloon } = info;
  const page = memory.pageSize || 4096;
  return [
    {
      id: "hv/mode",
      label: `Mode: ${info.mode}`,
      description: modeDescriptions[info.mode],
      contextValue: "hypervisorMode",
      icon: "server-environment",
    },
    {
      id: "hv/vcpus",
      label: "vCPUs",
      description: String(info.vcpus.length),
      contextValue: "vcpus",
      icon: "chip",
      expanded: true,
      children: info.vcpus.map(vcpuNode),
    },
    {
      id: "hv/map",
      label: "Memory map",
      description: `${info.memoryMap.length} regions`,
      contextValue: "memoryMap",
      icon: "symbol-structure",
      children: info.memoryMap.map(regionNode),
    },
    {
      id: "hv/memory",
      label: "Memory",
      description: `${formatSize(memory.residentPages * page)} resident of ${formatSize(memory.guestRamBytes)}`,
      contextValue: "memoryAccounting",
      icon: "database",
      children: [
        field("hv/memory/ram", "Guest RAM", formatSize(memory.guestRamBytes)),
        field("hv/memory/resident", "Resident", `${memory.residentPages} pages (${formatSize(memory.residentPages * page)})`, "Guest pages the host really holds (allocated on first touch)"),
        field("hv/memory/ballooned", "Ballooned", `${memory.balloonedPages} pages (${formatSize(memory.balloonedPages * page)})`),
        field("hv/memory/page", "Page size", formatSize(page)),
      ],
    },
    {
      id: "hv/balloon",
      label: "Balloon",
      description: balloon.present ? `target ${balloon.targetPages} pages · actual ${balloon.actualPages} pages` : "no virtio-balloon device",
      contextValue: balloon.present ? "balloon" : "balloonAbsent",
      icon: "fold-down",
      children: balloon.present
        ? [
            field("hv/balloon/target", "Target", `${balloon.targetPages} pages (${formatSize(balloon.targetPages * page)})`),
            field("hv/balloon/actual", "Actual", `${balloon.actualPages} pages (${formatSize(balloon.actualPages * page)})`),
          ]
        : undefined,
    },
    {
      id: "hv/totals",
      label: "Totals",
      description: `${formatCount(info.instret)} instructions · ${formatCount(info.exits)} exits`,
      contextValue: "hypervisorTotals",
      icon: "dashboard",
    },
  ];
}

/** Parses the input box: a whole number of MiB, 0 deflates the balloon. */
export function parseBalloonMib(text: string): number | string {
  const trimmed = text.trim().replace(/\s*mi?b$/i, "");
  if (!/^\d+$/.test(trimmed)) return "Enter a whole number of MiB (0 gives all memory back to the guest).";
  return Number(trimmed);
}
