/**
 * "vmscope: Show Exit Timeline": exits per reason over guest time, drawn by
 * chart.js in a webview. The data goes over postMessage as JSON and the page
 * script only sets text and chart data, so guest strings never become markup.
 */
import * as vscode from "vscode";
import { vmscopeRequest } from "../custom-requests";
import { RefreshThrottle } from "../views/refresh-throttle";
import type { VmscopeSessions } from "../views/session-events";
import { makeNonce, pageHtml } from "./escape-html";
import { bucketExits, type TimelineData } from "./timeline-model";

export const timelineCommand = "vmscope.showExitTimeline";

export class ExitTimelinePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  // Up to 4096 records (the monitor's ring) per update: once a second is enough for a chart.
  private readonly throttle = new RefreshThrottle(() => void this.update(), 1000);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sessions: VmscopeSessions,
  ) {
    this.disposables.push(
      vscode.commands.registerCommand(timelineCommand, () => this.open()),
      sessions.onExitsAvailable(() => this.panel?.visible && this.throttle.request()),
      sessions.onDidStop(() => this.panel?.visible && this.throttle.flush()),
      sessions.onDidChangeActive(() => this.panel?.visible && this.throttle.flush()),
    );
  }

  /** Opens (or shows) the panel; resolves with the data it was given. */
  async open(): Promise<TimelineData | undefined> {
    const dist = vscode.Uri.joinPath(this.extensionUri, "dist");
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel("vmscope.exitTimeline", "VM exit timeline", vscode.ViewColumn.Beside, {
        enableScripts: true,
        localResourceRoots: [dist],
        retainContextWhenHidden: false,
      });
      this.ready = false;
      const webview = this.panel.webview;
      const asUri = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(dist, name)).toString();
      webview.html = pageHtml({
        title: "VM exit timeline",
        cspSource: webview.cspSource,
        styles: [asUri("webview.css")],
        scripts: [asUri("chart.umd.js"), asUri("timeline-client.js")],
        nonce: makeNonce(),
        body: `<h1>VM exits over guest time</h1><p id="summary">Waiting for data…</p><div class="chart"><canvas id="timeline" aria-label="VM exits per reason over guest time"></canvas></div>`,
      });
      webview.onDidReceiveMessage((message: { type?: string }) => {
        if (message.type === "ready") {
          this.ready = true;
          void this.update();
        }
      }, undefined, this.disposables);
      this.panel.onDidChangeViewState(({ webviewPanel }) => webviewPanel.visible && this.throttle.flush(), undefined, this.disposables);
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.throttle.cancel();
      }, undefined, this.disposables);
    } else {
      this.panel.reveal(undefined, true);
    }
    return this.update();
  }

  private async update(): Promise<TimelineData | undefined> {
    const session = this.sessions.active;
    if (!this.panel || !session) return undefined;
    let data: TimelineData;
    try {
      const { records } = await vmscopeRequest(session, "vmscope/exits", { since: 0 });
      data = bucketExits(records);
    } catch (error) {
      if (this.ready) void this.panel?.webview.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
    if (this.ready) void this.panel?.webview.postMessage({ type: "data", data });
    return data;
  }

  dispose(): void {
    this.throttle.cancel();
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
