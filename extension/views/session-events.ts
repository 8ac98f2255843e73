/**
 * One place that watches vmscope debug sessions: a DebugAdapterTracker sees
 * every message the adapter sends, so the views learn about "stopped",
 * "continued", "invalidated" and the vmscope/* events (exits, console)
 * without polling, and know whether the guest is running.
 */
import * as vscode from "vscode";
import type { ConsoleEventBody, ExitsAvailableEventBody } from "../../debug-adapter/protocol";
import { customEvents } from "../../debug-adapter/protocol";

export const debugType = "vmscope";

const resumingRequests = new Set(["continue", "next", "stepIn", "stepOut", "stepBack", "reverseContinue"]);

export interface SessionEvent {
  session: vscode.DebugSession;
}

interface DapEvent {
  type: string;
  event?: string;
  body?: unknown;
}

export class VmscopeSessions implements vscode.Disposable {
  private readonly sessions = new Set<vscode.DebugSession>();
  private readonly runningSessions = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  private readonly started = new vscode.EventEmitter<vscode.DebugSession>();
  private readonly ended = new vscode.EventEmitter<vscode.DebugSession>();
  private readonly stopped = new vscode.EventEmitter<vscode.DebugSession>();
  private readonly continued = new vscode.EventEmitter<vscode.DebugSession>();
  private readonly invalidated = new vscode.EventEmitter<vscode.DebugSession>();
  private readonly exits = new vscode.EventEmitter<SessionEvent & { body: ExitsAvailableEventBody }>();
  private readonly console = new vscode.EventEmitter<SessionEvent & { body: ConsoleEventBody }>();
  private readonly activeChanged = new vscode.EventEmitter<vscode.DebugSession | undefined>();

  readonly onDidStart = this.started.event;
  readonly onDidEnd = this.ended.event;
  readonly onDidStop = this.stopped.event;
  readonly onDidContinue = this.continued.event;
  readonly onDidInvalidate = this.invalidated.event;
  readonly onExitsAvailable = this.exits.event;
  readonly onConsole = this.console.event;
  /** The session the views show changed (another one focused, or the last one ended). */
  readonly onDidChangeActive = this.activeChanged.event;

  private current: vscode.DebugSession | undefined;

  constructor() {
    this.disposables.push(
      this.started, this.ended, this.stopped, this.continued, this.invalidated, this.exits, this.console, this.activeChanged,
      vscode.debug.registerDebugAdapterTrackerFactory(debugType, {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (message: DapEvent) => this.onMessage(session, message),
          onWillReceiveMessage: (message: { type: string; command?: string }) => {
            // Adapters answer continue/step with a response, not a "continued" event.
            if (message.type === "request" && message.command && resumingRequests.has(message.command)) this.markRunning(session);
          },
        }),
      }),
      vscode.debug.onDidStartDebugSession((session) => {
        if (session.type !== debugType) return;
        this.sessions.add(session);
        this.setActive(session);
        void vscode.commands.executeCommand("setContext", "vmscope.active", true);
        this.started.fire(session);
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        if (!this.sessions.delete(session)) return;
        this.runningSessions.delete(session.id);
        this.ended.fire(session);
        if (this.current?.id === session.id) this.setActive([...this.sessions].pop());
        if (this.sessions.size === 0) void vscode.commands.executeCommand("setContext", "vmscope.active", false);
      }),
      vscode.debug.onDidChangeActiveDebugSession((session) => {
        if (session?.type === debugType) this.setActive(session);
      }),
    );
  }

  /** The vmscope session the views show: the focused one, else the newest. */
  get active(): vscode.DebugSession | undefined {
    return this.current;
  }

  isRunning(session = this.current): boolean {
    return session !== undefined && this.runningSessions.has(session.id);
  }

  private setActive(session: vscode.DebugSession | undefined): void {
    if (this.current?.id === session?.id) return;
    this.current = session;
    this.activeChanged.fire(session);
  }

  private onMessage(session: vscode.DebugSession, message: DapEvent): void {
    if (message.type !== "event") return;
    switch (message.event) {
      case "stopped":
        this.runningSessions.delete(session.id);
        this.stopped.fire(session);
        break;
      case "continued":
        this.runningSessions.add(session.id);
        this.continued.fire(session);
        break;
      case "invalidated":
        this.invalidated.fire(session);
        break;
      case "terminated":
      case "exited":
        this.runningSessions.delete(session.id);
        break;
      case customEvents.exitsAvailable:
        this.exits.fire({ session, body: message.body as ExitsAvailableEventBody });
        break;
      case customEvents.console:
        this.console.fire({ session, body: message.body as ConsoleEventBody });
        break;
    }
  }

  private markRunning(session: vscode.DebugSession): void {
    this.runningSessions.add(session.id);
    this.continued.fire(session);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
