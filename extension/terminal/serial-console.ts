/**
 * The guest's serial console as a VS Code terminal, one per vmscope debug
 * session: vmscope/console events are written to it, keystrokes go to the
 * UART through vmscope/consoleInput. When the session ends the terminal
 * stays (its output is worth reading) and says so.
 */
import * as vscode from "vscode";
import { vmscopeRequest } from "../custom-requests";
import type { VmscopeSessions } from "../views/session-events";
import { TerminalText } from "./terminal-text";

export const showConsoleCommand = "vmscope.showSerialConsole";

class SerialConsolePty implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.written.event;
  private readonly text = new TerminalText();
  private opened = false;
  private pending: string[] = [];
  ended = false;

  constructor(private readonly session: vscode.DebugSession) {}

  open(): void {
    this.opened = true;
    for (const chunk of this.pending) this.written.fire(chunk);
    this.pending = [];
  }

  close(): void {
    this.opened = false;
  }

  /** Guest output; held until VS Code opens the terminal. */
  output(text: string): void {
    const converted = this.text.convert(text);
    if (this.opened) this.written.fire(converted);
    else this.pending.push(converted);
  }

  handleInput(data: string): void {
    if (this.ended) return;
    vmscopeRequest(this.session, "vmscope/consoleInput", { text: data }).then(undefined, (error: unknown) =>
      this.output(`\r\n[vmscope: input not delivered: ${error instanceof Error ? error.message : String(error)}]\r\n`),
    );
  }

  end(): void {
    this.ended = true;
    this.output("\r\n[vmscope: debug session ended; the guest is gone]\r\n");
  }

  dispose(): void {
    this.written.dispose();
  }
}

export class SerialConsoles implements vscode.Disposable {
  private readonly consoles = new Map<string, { pty: SerialConsolePty; terminal: vscode.Terminal }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(sessions: VmscopeSessions) {
    this.disposables.push(
      sessions.onDidStart((session) => this.open(session)),
      sessions.onConsole(({ session, body }) => (this.consoles.get(session.id) ?? this.open(session)).pty.output(body.text)),
      sessions.onDidEnd((session) => {
        const entry = this.consoles.get(session.id);
        entry?.pty.end();
        this.consoles.delete(session.id);
      }),
      vscode.window.onDidCloseTerminal((terminal) => {
        for (const [id, entry] of this.consoles) if (entry.terminal === terminal) this.consoles.delete(id);
      }),
      vscode.commands.registerCommand(showConsoleCommand, () => {
        const session = sessions.active;
        if (!session) {
          void vscode.window.showInformationMessage("vmscope: no active vmscope debug session.");
          return undefined;
        }
        const entry = this.consoles.get(session.id) ?? this.open(session);
        entry.terminal.show();
        return entry.terminal.name;
      }),
    );
  }

  /** The terminal's name: the e2e tests find it by this. */
  static terminalName(session: vscode.DebugSession): string {
    return `vmscope console: ${session.name}`;
  }

  private open(session: vscode.DebugSession): { pty: SerialConsolePty; terminal: vscode.Terminal } {
    const existing = this.consoles.get(session.id);
    if (existing) return existing;
    const pty = new SerialConsolePty(session);
    const terminal = vscode.window.createTerminal({ name: SerialConsoles.terminalName(session), pty, iconPath: new vscode.ThemeIcon("terminal") });
    const entry = { pty, terminal };
    this.consoles.set(session.id, entry);
    terminal.show(true);
    return entry;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
