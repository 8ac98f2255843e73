/**
 * Fills a vmscope launch configuration's defaults before the session starts;
 * a missing `program` comes from the active editor's folder.
 */
import * as vscode from "vscode";
import { chooseProgram, missingProgramMessage } from "./default-program";

export class VmscopeConfigurationProvider implements vscode.DebugConfigurationProvider {
  async resolveDebugConfiguration(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    // F5 without a launch.json arrives as an empty configuration.
    const resolved: vscode.DebugConfiguration = {
      ...config,
      type: config.type || "vmscope",
      request: config.request || "launch",
      name: config.name || "vmscope: launch",
    };
    if (!resolved.program) {
      const program = await programNextToActiveEditor();
      if (!program) {
        await vscode.window.showErrorMessage(missingProgramMessage);
        return undefined; // cancels the launch
      }
      resolved.program = program;
    }
    resolved.stopOnEntry ??= true;
    resolved.memory ??= "128M";
    resolved.harts ??= 1;
    resolved.bios ??= "none";
    return resolved;
  }
}

async function programNextToActiveEditor(): Promise<string | undefined> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.uri.scheme !== "file") return undefined;
  const folder = vscode.Uri.joinPath(document.uri, "..");
  const entries = await vscode.workspace.fs.readDirectory(folder);
  const names = entries.filter(([, type]) => type === vscode.FileType.File).map(([name]) => name);
  const chosen = chooseProgram(names);
  return chosen === undefined ? undefined : vscode.Uri.joinPath(folder, chosen).fsPath;
}
