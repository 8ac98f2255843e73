/**
 * Starts the RISC-V assembly language server (dist/language-server.js) for
 * `riscv-asm` documents: hovers with what each vmscope mode does with an
 * instruction or CSR, labels, symbols, diagnostics.
 */
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

export const assemblyLanguageId = "riscv-asm";

export function startLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, "dist", "language-server.js").fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: assemblyLanguageId }],
  };
  const client = new LanguageClient("vmscope.riscvAssembly", "vmscope RISC-V assembly", serverOptions, clientOptions);
  context.subscriptions.push(client);
  // Activation must not wait for the server; a start failure is shown in its output channel.
  void client.start();
  return client;
}
