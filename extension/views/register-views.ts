/**
 * Creates the views, webviews, serial terminals and status bar, and keeps
 * the views current without fake stops: fresh data on every stop and
 * InvalidatedEvent, and while the guest runs a throttled refresh at most
 * every 250 ms (hidden views only note that they are stale).
 */
import * as vscode from "vscode";
import { VmscopeStatusBar } from "../status-bar";
import { SerialConsoles } from "../terminal/serial-console";
import { ExitTimelinePanel } from "../webviews/exit-timeline-panel";
import { TranslateWalkPanel } from "../webviews/translate-walk-panel";
import { createDevicesView } from "./devices-view";
import { ExitsView } from "./exits-view";
import { HypervisorView } from "./hypervisor-view";
import type { NodeTreeView } from "./node-tree-provider";
import { PageTableViews } from "./page-tables-view";
import { VmscopeSessions } from "./session-events";

export const refreshViewsCommand = "vmscope.refreshViews";
export const runningRefreshMs = 250;

export interface VmscopeUi {
  sessions: VmscopeSessions;
  pageTables: PageTableViews;
  exits: ExitsView;
  devices: NodeTreeView;
  hypervisor: HypervisorView;
  trees: NodeTreeView[];
}

export function registerVmscopeViews(context: vscode.ExtensionContext): VmscopeUi {
  const sessions = new VmscopeSessions();
  const pageTables = new PageTableViews(sessions);
  const exits = new ExitsView(sessions);
  const devices = createDevicesView(sessions);
  const hypervisor = new HypervisorView(sessions);
  const trees = [...pageTables.views, exits.tree, devices, hypervisor.tree];

  const refreshAll = (immediate: boolean) => {
    for (const tree of trees) tree.refresh(immediate);
  };
  let ticker: NodeJS.Timeout | undefined;
  const stopTicker = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
  };
  const followRunning = () => {
    if (sessions.isRunning()) {
      ticker ??= setInterval(() => (sessions.isRunning() ? refreshAll(false) : stopTicker()), runningRefreshMs);
    } else {
      stopTicker();
    }
  };

  context.subscriptions.push(
    sessions,
    pageTables,
    exits,
    devices,
    hypervisor,
    new TranslateWalkPanel(context.extensionUri, sessions),
    new ExitTimelinePanel(context.extensionUri, sessions),
    new SerialConsoles(sessions),
    new VmscopeStatusBar(sessions),
    sessions.onDidStop((session) => {
      if (session.id !== sessions.active?.id) return;
      followRunning();
      refreshAll(true);
    }),
    sessions.onDidInvalidate((session) => session.id === sessions.active?.id && refreshAll(true)),
    sessions.onDidContinue((session) => session.id === sessions.active?.id && followRunning()),
    sessions.onDidChangeActive(() => {
      followRunning();
      refreshAll(true);
    }),
    sessions.onDidEnd(() => {
      followRunning();
      refreshAll(true);
    }),
    vscode.commands.registerCommand(refreshViewsCommand, () => refreshAll(true)),
    { dispose: stopTicker },
  );
  return { sessions, pageTables, exits, devices, hypervisor, trees };
}
