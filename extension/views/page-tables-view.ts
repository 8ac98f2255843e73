/**
 * The Guest Page Tables and Shadow / Nested Tables views, and the command
 * that takes a guest leaf to the shadow or G-stage entry the monitor really
 * uses for it (translate through the other root, then reveal that path).
 */
import * as vscode from "vscode";
import type { PageTableEntryInfo, PageTableRoot } from "../../debug-adapter/protocol";
import { vmscopeRequest } from "../custom-requests";
import { NodeTreeView } from "./node-tree-provider";
import { counterpartAddress, counterpartPath, hostRootForMode, rootNodes, type FetchTables } from "./page-table-model";
import type { VmscopeSessions } from "./session-events";
import { messageNode, type ViewNode } from "./view-node";

export const guestTablesViewId = "vmscope.guestPageTables";
export const hostTablesViewId = "vmscope.hostPageTables";
export const showCounterpartCommand = "vmscope.pageTables.showCounterpart";

function fetcher(session: vscode.DebugSession): FetchTables {
  return (args) => vmscopeRequest(session, "vmscope/pageTables", args);
}

/** Shadow or nested, from the session's mode (undefined in mode none). */
export async function hostRoot(session: vscode.DebugSession): Promise<{ root?: PageTableRoot; mode: string }> {
  const { mode } = await vmscopeRequest(session, "vmscope/hypervisor", {});
  return { root: hostRootForMode(mode), mode };
}

export class PageTableViews implements vscode.Disposable {
  readonly guest: NodeTreeView;
  readonly host: NodeTreeView;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly sessions: VmscopeSessions) {
    this.guest = new NodeTreeView(guestTablesViewId, sessions, async (session) => rootNodes("guest", await fetcher(session)({ root: "guest" }), fetcher(session)));
    this.host = new NodeTreeView(hostTablesViewId, sessions, async (session) => {
      const { root, mode } = await hostRoot(session);
      this.host.view.description = root ? `${root} · ${mode}` : mode;
      if (!root) return [messageNode("host/none", `Mode ${mode}: the guest owns the machine, no shadow or nested tables`)];
      return rootNodes(root, await fetcher(session)({ root }), fetcher(session));
    });
    this.disposables.push(this.guest, this.host, vscode.commands.registerCommand(showCounterpartCommand, (node?: ViewNode) => this.showCounterpart(node)));
  }

  get views(): NodeTreeView[] {
    return [this.guest, this.host];
  }

  /** Reveals the shadow / G-stage leaf behind a guest leaf; returns it (for tests) or undefined. */
  async showCounterpart(node?: ViewNode): Promise<ViewNode | undefined> {
    const session = this.sessions.active;
    const entry = (node?.data as { entry?: PageTableEntryInfo } | undefined)?.entry;
    if (!session || !entry) {
      void vscode.window.showInformationMessage("Select a guest page-table leaf in a running vmscope session first.");
      return undefined;
    }
    const { root, mode } = await hostRoot(session);
    if (!root) {
      void vscode.window.showInformationMessage(`Mode ${mode} has no shadow or nested tables.`);
      return undefined;
    }
    let address = entry.va;
    let walk = await vmscopeRequest(session, "vmscope/translate", { address, root });
    if (!walk.ok) {
      // Shadow entries are made page by page on demand: find a part of this leaf that has one.
      const { ranges = [] } = await vmscopeRequest(session, "vmscope/pageTables", { root, ranges: true, maxRanges: 4096 });
      const inside = counterpartAddress(root, entry, ranges);
      if (inside === undefined) {
        void vscode.window.showInformationMessage(`No ${root} mapping inside ${entry.va} (+${entry.size}) yet: ${walk.fault ?? "no translation"}. The monitor fills ${root} entries on demand.`);
        return undefined;
      }
      address = inside;
      walk = await vmscopeRequest(session, "vmscope/translate", { address, root });
    }
    if (address !== entry.va) void vscode.window.setStatusBarMessage(`vmscope: ${root} entry for ${address}, the first page of this guest leaf the monitor has mapped`, 8000);
    await vscode.commands.executeCommand(`${hostTablesViewId}.focus`);
    const found = await this.host.findPath(counterpartPath(root, walk.steps).map((id) => (n: ViewNode) => n.id === id));
    if (!found) {
      void vscode.window.showInformationMessage(`${address} → ${walk.physicalAddress}: its ${root} entry is not listed in the ${root} tables.`);
      return undefined;
    }
    await this.host.reveal(found);
    return found;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
