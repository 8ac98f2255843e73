/** The Devices view: every device's registers and queues (vmscope/devices) as a tree. */
import type * as vscode from "vscode";
import { vmscopeRequest } from "../custom-requests";
import { deviceNodes } from "./devices-model";
import { NodeTreeView } from "./node-tree-provider";
import type { VmscopeSessions } from "./session-events";

export const devicesViewId = "vmscope.devices";

export function createDevicesView(sessions: VmscopeSessions): NodeTreeView {
  return new NodeTreeView(devicesViewId, sessions, async (session: vscode.DebugSession) => deviceNodes(await vmscopeRequest(session, "vmscope/devices", {})));
}
