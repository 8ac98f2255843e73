/**
 * The VM Exits view: a per-session ExitLog fed by vmscope/exitsAvailable
 * batches (with a vmscope/exits catch-up when a batch skipped records),
 * counts and rates from vmscope/exitStats, filter, reveal and export commands.
 */
import * as vscode from "vscode";
import type { ExitRecordInfo, ExitStatsResponse, ExitsAvailableEventBody } from "../../debug-adapter/protocol";
import { vmscopeRequest } from "../custom-requests";
import { exportExits, formatForPath } from "./exit-export";
import { ExitLog, matchesFilter, type ExitFilter } from "./exit-log";
import { DisassemblyDocuments, disassemblyScheme, revealExitPc } from "./exit-reveal";
import { exitsRootNodes, revealExitCommand, type ReasonGroup } from "./exits-model";
import { NodeTreeView } from "./node-tree-provider";
import { RateMeter } from "./rates";
import type { VmscopeSessions } from "./session-events";
import type { ViewNode } from "./view-node";

export const exitsViewId = "vmscope.exits";
export const exitCommands = {
  reveal: revealExitCommand,
  filterByReason: "vmscope.exits.filterByReason",
  filterByVcpu: "vmscope.exits.filterByVcpu",
  clearFilter: "vmscope.exits.clearFilter",
  export: "vmscope.exits.export",
} as const;

/** While running, a batch that skipped records pulls at most this many of the newest. */
const liveCatchUpWindow = 1000;

interface SessionExits {
  log: ExitLog;
  stats?: ExitStatsResponse;
  meter: RateMeter;
  catchingUp?: Promise<void>;
}

export class ExitsView implements vscode.Disposable {
  readonly tree: NodeTreeView;
  private readonly perSession = new Map<string, SessionExits>();
  private filter: ExitFilter = {};
  private readonly documents = new DisassemblyDocuments();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly sessions: VmscopeSessions) {
    this.tree = new NodeTreeView(exitsViewId, sessions, (session) => this.roots(session));
    this.disposables.push(
      this.tree,
      vscode.workspace.registerTextDocumentContentProvider(disassemblyScheme, this.documents),
      sessions.onExitsAvailable(({ session, body }) => this.receive(session, body)),
      sessions.onDidEnd((session) => this.perSession.delete(session.id)),
      vscode.commands.registerCommand(exitCommands.reveal, (record?: ExitRecordInfo) => this.reveal(record)),
      vscode.commands.registerCommand(exitCommands.filterByReason, (reason?: string | ViewNode) =>
        // From a group's inline button the argument is the group's node.
        this.filterByReason(typeof reason === "object" ? (reason.data as ReasonGroup | undefined)?.reason : reason),
      ),
      vscode.commands.registerCommand(exitCommands.filterByVcpu, (vcpu?: number) => this.filterByVcpu(vcpu)),
      vscode.commands.registerCommand(exitCommands.clearFilter, () => this.setFilter({})),
      vscode.commands.registerCommand(exitCommands.export, (target?: vscode.Uri | string) => this.export(target)),
    );
  }

  private state(session: vscode.DebugSession): SessionExits {
    let state = this.perSession.get(session.id);
    if (!state) this.perSession.set(session.id, (state = { log: new ExitLog(), meter: new RateMeter() }));
    return state;
  }

  private receive(session: vscode.DebugSession, body: ExitsAvailableEventBody): void {
    const state = this.state(session);
    const since = state.log.receive(body, liveCatchUpWindow);
    if (since !== undefined && !state.catchingUp) {
      state.catchingUp = this.catchUp(session, state, since).finally(() => (state.catchingUp = undefined));
    }
    if (session.id === this.sessions.active?.id) this.tree.refresh();
  }

  private async catchUp(session: vscode.DebugSession, state: SessionExits, since: number): Promise<void> {
    try {
      const response = await vmscopeRequest(session, "vmscope/exits", { since, limit: liveCatchUpWindow });
      state.log.add(response.records);
    } catch {
      // The next refresh shows the error if the adapter is gone.
    }
  }

  private async roots(session: vscode.DebugSession) {
    const state = this.state(session);
    state.stats = await vmscopeRequest(session, "vmscope/exitStats", {});
    if (!this.sessions.isRunning(session)) {
      // On a stop (or first show) pull what the log lacks (while running the
      // batches bring it), at most the newest `capacity`: older ones would be dropped anyway.
      const since = Math.max(state.log.next, state.stats.total - state.log.capacity);
      const response = await vmscopeRequest(session, "vmscope/exits", { since, limit: state.log.capacity });
      state.log.add(response.records);
    }
    const counts = Object.fromEntries(Object.entries(state.stats.byReason).map(([reason, c]) => [reason, c.count]));
    const perSecond = this.sessions.isRunning(session) ? state.meter.sample({ time: Date.now(), counts }) : {};
    if (!this.sessions.isRunning(session)) state.meter.reset();
    this.tree.view.description = state.stats ? `${state.stats.total} exits` : undefined;
    return exitsRootNodes(state.log, this.filter, state.stats, perSecond);
  }

  private setFilter(filter: ExitFilter): void {
    this.filter = filter;
    void vscode.commands.executeCommand("setContext", "vmscope.exitsFiltered", filter.reason !== undefined || filter.vcpu !== undefined);
    this.tree.refresh(true);
  }

  private async filterByReason(reason?: string): Promise<void> {
    if (reason === undefined) {
      const session = this.sessions.active;
      const state = session ? this.state(session) : undefined;
      const reasons = new Set([...Object.keys(state?.stats?.byReason ?? {}), ...(state?.log.reasons() ?? [])]);
      const all = "$(clear-all) All reasons";
      const picked = await vscode.window.showQuickPick([all, ...[...reasons].sort()], { title: "Show VM exits with reason", placeHolder: "exit reason" });
      if (picked === undefined) return;
      reason = picked === all ? undefined : picked;
    }
    this.setFilter({ ...this.filter, reason });
  }

  private async filterByVcpu(vcpu?: number): Promise<void> {
    if (vcpu === undefined) {
      const session = this.sessions.active;
      let ids: number[] = session ? this.state(session).log.vcpus() : [];
      try {
        if (session) ids = (await vmscopeRequest(session, "vmscope/hypervisor", {})).vcpus.map((v) => v.id);
      } catch {
        // keep the vCPUs the log has seen
      }
      const all = "$(clear-all) All vCPUs";
      const picked = await vscode.window.showQuickPick([all, ...ids.map((id) => `vCPU ${id}`)], { title: "Show VM exits of vCPU" });
      if (picked === undefined) return;
      vcpu = picked === all ? undefined : Number(picked.replace("vCPU ", ""));
    }
    this.setFilter({ ...this.filter, vcpu });
  }

  private async reveal(record?: ExitRecordInfo): Promise<string | undefined> {
    const session = this.sessions.active;
    if (!session || !record) return undefined;
    return revealExitPc(session, record, this.documents);
  }

  /**
   * Writes the exits the view shows (its filter applied) as CSV or JSON, by
   * the file extension. The whole ring comes from the adapter when the
   * session is alive, else what the view holds.
   */
  async export(target?: vscode.Uri | string): Promise<vscode.Uri | undefined> {
    let uri = typeof target === "string" ? vscode.Uri.file(target) : target;
    if (!uri) {
      uri = await vscode.window.showSaveDialog({
        title: "Export VM exits",
        filters: { CSV: ["csv"], JSON: ["json"] },
        defaultUri: vscode.workspace.workspaceFolders?.[0] ? vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, "vm-exits.csv") : undefined,
      });
      if (!uri) return undefined;
    }
    const session = this.sessions.active;
    let records: ExitRecordInfo[] = [];
    if (session) {
      try {
        const response = await vmscopeRequest(session, "vmscope/exits", { since: 0, reasons: this.filter.reason ? [this.filter.reason] : undefined, vcpu: this.filter.vcpu });
        records = response.records.filter((r) => matchesFilter(r, this.filter)).sort((a, b) => b.sequence - a.sequence);
      } catch {
        records = this.state(session).log.records(this.filter);
      }
    }
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(exportExits(records, formatForPath(uri.path))));
    void vscode.window.showInformationMessage(`Exported ${records.length} VM exits to ${uri.fsPath}`);
    return uri;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
