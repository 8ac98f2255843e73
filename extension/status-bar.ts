/**
 * The status bar item shown while a vmscope session is active: the
 * virtualization mode, and while the guest runs its instructions and VM
 * exits per second (from the vmscope/exitsAvailable batches).
 */
import * as vscode from "vscode";
import { vmscopeRequest } from "./custom-requests";
import { statusText, type StatusFigures } from "./views/status-text";
import type { VmscopeSessions } from "./views/session-events";

export class VmscopeStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("vmscope.status", vscode.StatusBarAlignment.Left, 10);
  private figures: StatusFigures = { running: false };
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly sessions: VmscopeSessions) {
    this.item.name = "vmscope";
    this.item.command = "workbench.view.debug";
    this.disposables.push(
      this.item,
      sessions.onDidChangeActive((session) => {
        this.figures = { running: false };
        if (session) void this.fetchMode(session);
        this.render();
      }),
      sessions.onDidStop((session) => {
        if (session.id !== sessions.active?.id) return;
        this.figures = { ...this.figures, running: false };
        if (!this.figures.mode) void this.fetchMode(session);
        this.render();
      }),
      sessions.onDidContinue((session) => {
        if (session.id !== sessions.active?.id) return;
        this.figures = { ...this.figures, running: true };
        this.render();
      }),
      sessions.onExitsAvailable(({ session, body }) => {
        if (session.id !== sessions.active?.id) return;
        this.figures = { ...this.figures, running: sessions.isRunning(session), instructionsPerSecond: body.instructionsPerSecond, exitsPerSecond: body.exitsPerSecond };
        this.render();
      }),
    );
  }

  private async fetchMode(session: vscode.DebugSession): Promise<void> {
    try {
      const { mode } = await vmscopeRequest(session, "vmscope/hypervisor", {});
      if (session.id !== this.sessions.active?.id) return;
      this.figures = { ...this.figures, mode };
      this.render();
    } catch {
      // Not launched yet: the next stop asks again.
    }
  }

  private render(): void {
    if (!this.sessions.active) {
      this.item.hide();
      return;
    }
    this.item.text = statusText(this.figures);
    this.item.tooltip = `vmscope session "${this.sessions.active.name}"${this.figures.mode ? `, mode ${this.figures.mode}` : ""}`;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
