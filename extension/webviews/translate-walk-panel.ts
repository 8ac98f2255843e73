/**
 * "vmscope: Translate Address…": asks the adapter for the walk through the
 * guest's tables and, in a virtualized mode, through the shadow or nested
 * tables, and shows every step with its PTE in a webview (no script needed).
 */
import * as vscode from "vscode";
import type { PageTableEntryInfo } from "../../debug-adapter/protocol";
import { vmscopeRequest } from "../custom-requests";
import { parseAddressInput, toHex } from "../views/format";
import { hostRoot } from "../views/page-tables-view";
import type { VmscopeSessions } from "../views/session-events";
import type { ViewNode } from "../views/view-node";
import { makeNonce, pageHtml } from "./escape-html";
import { walkBody, type WalkSection } from "./translate-walk-model";

export const translateCommand = "vmscope.translateAddress";

export class TranslateWalkPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sessions: VmscopeSessions,
  ) {
    this.disposables.push(vscode.commands.registerCommand(translateCommand, (target?: ViewNode | string) => this.translate(target)));
  }

  /** Returns the sections shown (for tests), or undefined when cancelled. */
  async translate(target?: ViewNode | string): Promise<WalkSection[] | undefined> {
    const session = this.sessions.active;
    if (!session) {
      void vscode.window.showErrorMessage("vmscope: start a vmscope debug session to translate addresses.");
      return undefined;
    }
    let address = typeof target === "string" ? parseAddressInput(target) : undefined;
    const entry = typeof target === "object" ? (target.data as { entry?: PageTableEntryInfo } | undefined)?.entry : undefined;
    if (entry) address = BigInt(entry.va);
    if (typeof target === "string" && address === undefined) {
      void vscode.window.showErrorMessage(`vmscope: "${target}" is not an address (use hex like 0x80001000).`);
      return undefined;
    }
    if (address === undefined) {
      const text = await vscode.window.showInputBox({
        title: "vmscope: Translate Address",
        prompt: "Guest-virtual address to walk through the page tables",
        placeHolder: "0x80001000",
        validateInput: (value) => (parseAddressInput(value) === undefined ? "Enter an address: hex (0x…) or decimal, up to 64 bits." : undefined),
      });
      if (text === undefined) return undefined;
      address = parseAddressInput(text);
      if (address === undefined) return undefined;
    }
    const hex = toHex(address);
    const sections: WalkSection[] = [{ root: "guest", response: await vmscopeRequest(session, "vmscope/translate", { address: hex, root: "guest" }) }];
    const { root } = await hostRoot(session);
    if (root) sections.push({ root, response: await vmscopeRequest(session, "vmscope/translate", { address: hex, root }) });
    this.show(hex, sections);
    return sections;
  }

  private show(address: string, sections: WalkSection[]): void {
    const dist = vscode.Uri.joinPath(this.extensionUri, "dist");
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel("vmscope.translateWalk", "Translation walk", { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: false,
        localResourceRoots: [dist],
      });
      this.panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
    }
    const webview = this.panel.webview;
    this.panel.title = `Walk ${address}`;
    webview.html = pageHtml({
      title: `Translation walk of ${address}`,
      cspSource: webview.cspSource,
      styles: [webview.asWebviewUri(vscode.Uri.joinPath(dist, "webview.css")).toString()],
      scripts: [],
      nonce: makeNonce(),
      body: walkBody(address, sections),
    });
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
