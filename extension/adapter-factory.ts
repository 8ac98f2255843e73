/**
 * Where the debug adapter runs, by the `vmscope.adapter.mode` setting:
 * "inline" (default) in the extension host; "server" as a separate
 * `vmscope dap` process over TCP — on `vmscope.adapter.port` when one is
 * already listening there, else a child process on a free port, which keeps
 * a long-running guest out of the extension host.
 */
import * as vscode from "vscode";
import { spawn, type ChildProcess } from "node:child_process";
import { VmscopeDebugSession } from "../debug-adapter/session";
import { parseListeningLine } from "./dap-server-address";

export class VmscopeAdapterFactory implements vscode.DebugAdapterDescriptorFactory, vscode.Disposable {
  private server: ChildProcess | undefined;
  private serverAddress: Promise<{ host: string; port: number }> | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  async createDebugAdapterDescriptor(): Promise<vscode.DebugAdapterDescriptor> {
    const settings = vscode.workspace.getConfiguration("vmscope.adapter");
    if (settings.get<string>("mode", "inline") !== "server") {
      return new vscode.DebugAdapterInlineImplementation(new VmscopeDebugSession());
    }
    const port = settings.get<number>("port", 0);
    if (port > 0) return new vscode.DebugAdapterServer(port, "127.0.0.1");
    const address = await (this.serverAddress ??= this.startServer());
    return new vscode.DebugAdapterServer(address.port, address.host);
  }

  /** Starts `node dist/cli.js dap --port 0` once; it serves one session per connection. */
  private startServer(): Promise<{ host: string; port: number }> {
    const cli = vscode.Uri.joinPath(this.extensionUri, "dist", "cli.js").fsPath;
    // In VS Code the extension host's executable is Electron: ELECTRON_RUN_AS_NODE makes it plain Node.
    const child = spawn(process.execPath, [cli, "dap", "--port", "0"], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.server = child;
    return new Promise((resolve, reject) => {
      let stderr = "";
      child.stderr!.setEncoding("utf8");
      child.stderr!.on("data", (chunk: string) => {
        stderr += chunk;
        const address = parseListeningLine(stderr);
        if (address) resolve(address);
      });
      child.once("error", (error) => reject(new Error(`vmscope: cannot start the debug adapter server (${error.message})`)));
      child.once("exit", (code) => {
        this.serverAddress = undefined;
        this.server = undefined;
        reject(new Error(`vmscope: the debug adapter server exited (${code}): ${stderr.trim().split("\n").at(-1) ?? ""}`));
      });
    });
  }

  dispose(): void {
    this.server?.kill();
    this.server = undefined;
  }
}
