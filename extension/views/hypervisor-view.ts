/** The Hypervisor view (vmscope/hypervisor) and the "Set Balloon Target" command (vmscope/setBalloon). */
import * as vscode from "vscode";
import type { BalloonInfo } from "../../debug-adapter/protocol";
import { vmscopeRequest } from "../custom-requests";
import { hypervisorNodes, parseBalloonMib } from "./hypervisor-model";
import { NodeTreeView } from "./node-tree-provider";
import type { VmscopeSessions } from "./session-events";

export const hypervisorViewId = "vmscope.hypervisor";
export const setBalloonCommand = "vmscope.setBalloonTarget";

export class HypervisorView implements vscode.Disposable {
  readonly tree: NodeTreeView;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly sessions: VmscopeSessions) {
    this.tree = new NodeTreeView(hypervisorViewId, sessions, async (session) => {
      const info = await vmscopeRequest(session, "vmscope/hypervisor", {});
      this.tree.view.description = info.mode;
      return hypervisorNodes(info);
    });
    this.disposables.push(this.tree, vscode.commands.registerCommand(setBalloonCommand, (mib?: number) => this.setBalloon(mib)));
  }

  /** Asks for the target (unless given), sends it, and shows what the balloon reports. */
  async setBalloon(mib?: number): Promise<BalloonInfo | undefined> {
    const session = this.sessions.active;
    if (!session) {
      void vscode.window.showErrorMessage("vmscope: no active vmscope debug session to set a balloon target in.");
      return undefined;
    }
    if (mib === undefined) {
      const text = await vscode.window.showInputBox({
        title: "vmscope: Set Balloon Target",
        prompt: "MiB of guest memory the balloon should take back",
        placeHolder: "e.g. 16",
        validateInput: (value) => {
          const parsed = parseBalloonMib(value);
          return typeof parsed === "string" ? parsed : undefined;
        },
      });
      if (text === undefined) return undefined;
      const parsed = parseBalloonMib(text);
      if (typeof parsed === "string") return undefined;
      mib = parsed;
    }
    try {
      const balloon = await vmscopeRequest(session, "vmscope/setBalloon", { targetMib: mib });
      void vscode.window.showInformationMessage(
        balloon.present ? `Balloon target ${balloon.targetPages} pages (${mib} MiB); the guest holds ${balloon.actualPages} in the balloon now.` : "This guest has no virtio-balloon device.",
      );
      this.tree.refresh(true);
      return balloon;
    } catch (error) {
      void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
