/** Devices view content: one node per device (vmscope/devices), its registers and queues below. */
import type { DeviceNode, DeviceSnapshotInfo, DevicesResponse } from "../../debug-adapter/protocol";
import { formatSize, parseHex } from "./format";
import { messageNode, type ViewNode } from "./view-node";

export function deviceDescription(device: DeviceSnapshotInfo): string {
  let size = device.size;
  try {
    size = formatSize(parseHex(device.size));
  } catch {
    // keep the adapter's text
  }
  const irq = device.interrupt !== undefined ? ` · irq ${device.interrupt}` : "";
  return `${device.kind} @ ${device.base} (${size})${irq}`;
}

function valueNode(node: DeviceNode, id: string): ViewNode {
  const children = (node.children ?? []).map((child, index) => valueNode(child, `${id}/${index}:${child.name}`));
  return {
    id,
    label: node.name,
    description: node.value,
    tooltip: node.description ? `${node.name}: ${node.description}` : undefined,
    contextValue: children.length ? "deviceGroup" : "deviceValue",
    icon: children.length ? "symbol-namespace" : "symbol-field",
    children: children.length ? children : undefined,
  };
}

export function deviceNodes(response: DevicesResponse): ViewNode[] {
  if (response.devices.length === 0) return [messageNode("devices/none", "No devices")];
  return response.devices.map((device) => {
    const id = `device/${device.name}`;
    return {
      id,
      label: device.name,
      description: deviceDescription(device),
      tooltip: `${device.name}: ${device.kind} at ${device.base}, ${device.size} bytes of MMIO`,
      contextValue: "device",
      icon: "circuit-board",
      children: device.tree.map((node, index) => valueNode(node, `${id}/${index}:${node.name}`)),
      data: device,
    };
  });
}
