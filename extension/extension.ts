/**
 * The VS Code extension entry: registers the `vmscope` debug type. The
 * adapter runs inline in the extension host; everything it shows comes
 * through DAP, so the same adapter also serves `vmscope dap`.
 */
import * as vscode from "vscode";
import { VmscopeDebugSession } from "../debug-adapter/session";
import { VmscopeConfigurationProvider } from "./configuration-provider";

export const debugType = "vmscope";

class InlineAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    return new vscode.DebugAdapterInlineImplementation(new VmscopeDebugSession());
  }
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory(debugType, new InlineAdapterFactory()),
    vscode.debug.registerDebugConfigurationProvider(debugType, new VmscopeConfigurationProvider()),
  );
}

export function deactivate(): void {
  // Sessions end with their debug sessions; nothing global to release.
}
