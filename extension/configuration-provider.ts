/**
 * Fills a vmscope launch configuration's defaults before the session starts
 * and explains mistakes before the adapter would: a missing `program` comes
 * from the active editor's folder or, failing that, the user is offered a
 * sample; a bad attribute or a missing file is named in one message.
 */
import * as vscode from "vscode";
import { existsSync } from "node:fs";
import { chooseProgram, missingProgramMessage } from "./default-program";
import { validateLaunchArguments } from "../debug-adapter/launch-arguments";
import { openSample } from "./samples";

const openSampleAction = "Open Sample…";

export class VmscopeConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly extensionUri: vscode.Uri) {}

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
        this.explain(missingProgramMessage);
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

  /** After ${workspaceFolder} and friends are substituted: the values are final, so check them. */
  async resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    try {
      validateLaunchArguments(config as never);
    } catch (error) {
      this.explain(`vmscope: ${(error as Error).message}`);
      return undefined;
    }
    for (const attribute of ["program", "bios"] as const) {
      const path: unknown = config[attribute];
      if (typeof path === "string" && path !== "" && path !== "none" && !existsSync(path)) {
        this.explain(`vmscope: launch attribute '${attribute}' names '${path}', which does not exist`);
        return undefined;
      }
    }
    return config;
  }

  /** Not awaited: the launch is cancelled at once, the message stays until the user answers. */
  private explain(message: string): void {
    void vscode.window.showErrorMessage(message, openSampleAction).then((choice) => {
      if (choice === openSampleAction) return openSample(this.extensionUri);
    });
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
