/**
 * "vmscope: Open Sample…": pick one of the samples shipped in the .vsix and
 * copy it, with the folders it shares and its launch configuration, into
 * the workspace (or a new folder, opened as the workspace), then show its
 * README. Press F5 afterwards and the sample's configuration runs.
 */
import * as vscode from "vscode";
import { listSamples, sampleConfigurations, mergeLaunchJson, type SampleInfo } from "./sample-launch";

export const openSampleCommand = "vmscope.openSample";

async function copyFolder(source: vscode.Uri, target: vscode.Uri): Promise<void> {
  // Overwrite: the user asked for a fresh copy of the sample.
  await vscode.workspace.fs.copy(source, target, { overwrite: true });
}

async function copySample(samplesDir: vscode.Uri, sample: SampleInfo, root: vscode.Uri): Promise<vscode.Uri> {
  const target = vscode.Uri.joinPath(root, "samples");
  for (const folder of [sample.name, ...sample.shared]) {
    await copyFolder(vscode.Uri.joinPath(samplesDir, folder), vscode.Uri.joinPath(target, folder));
  }
  const launchUri = vscode.Uri.joinPath(root, ".vscode", "launch.json");
  let existing: string | undefined;
  try {
    existing = new TextDecoder().decode(await vscode.workspace.fs.readFile(launchUri));
  } catch {
    existing = undefined; // no launch.json yet
  }
  const merged = mergeLaunchJson(existing, sampleConfigurations(samplesDir.fsPath, sample));
  await vscode.workspace.fs.writeFile(launchUri, new TextEncoder().encode(merged));
  return vscode.Uri.joinPath(target, sample.name);
}

export async function openSample(extensionUri: vscode.Uri): Promise<void> {
  const samplesDir = vscode.Uri.joinPath(extensionUri, "samples");
  let samples: SampleInfo[];
  try {
    samples = listSamples(samplesDir.fsPath);
  } catch (error) {
    void vscode.window.showErrorMessage(`vmscope: cannot list the samples in ${samplesDir.fsPath}: ${(error as Error).message}`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    samples.map((sample) => ({ label: sample.name, description: sample.title, sample })),
    { title: "vmscope: Open Sample", placeHolder: "A guest to run and debug" },
  );
  if (!picked) return;
  const workspace = vscode.workspace.workspaceFolders?.[0];
  if (workspace) {
    const folder = await copySample(samplesDir, picked.sample, workspace.uri);
    await showReadme(folder);
    void vscode.window.showInformationMessage(`vmscope: copied samples/${picked.sample.name} and its launch configuration into the workspace; press F5 to run it.`);
    return;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: "Copy the sample here" });
  if (!chosen?.[0]) return;
  await copySample(samplesDir, picked.sample, chosen[0]);
  await vscode.commands.executeCommand("vscode.openFolder", chosen[0]);
}

async function showReadme(folder: vscode.Uri): Promise<void> {
  const readme = vscode.Uri.joinPath(folder, "README.md");
  try {
    await vscode.commands.executeCommand("markdown.showPreview", readme);
  } catch {
    await vscode.window.showTextDocument(readme);
  }
}
