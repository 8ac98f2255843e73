/**
 * The VS Code extension entry: registers the `vmscope` debug type. The
 * adapter runs inline in the extension host; everything it shows comes
 * through DAP, so the same adapter also serves `vmscope dap`.
 */
import * as vscode from "vscode";
import { VmscopeConfigurationProvider } from "./configuration-provider";
import { VmscopeAdapterFactory } from "./adapter-factory";
import { startLanguageClient } from "./language-client";
import { openSample, openSampleCommand } from "./samples";
import { registerVmscopeViews } from "./views/register-views";

export const debugType = "vmscope";

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(debugType, new VmscopeConfigurationProvider(context.extensionUri)),
    vscode.commands.registerCommand(openSampleCommand, () => openSample(context.extensionUri)),
  );
  // Inline by default; `vmscope.adapter.mode: "server"` runs `vmscope dap` instead.
  const adapterFactory = new VmscopeAdapterFactory(context.extensionUri);
  context.subscriptions.push(adapterFactory, vscode.debug.registerDebugAdapterDescriptorFactory(debugType, adapterFactory));
  startLanguageClient(context);
  // Views, webviews, the serial terminal and the status bar.
  registerVmscopeViews(context);
}

export function deactivate(): void {
  // Sessions end with their debug sessions; nothing global to release.
}
