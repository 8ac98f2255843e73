/**
 * Shows where a VM exit happened: the source line when the adapter's
 * disassembly knows it (DWARF line tables), else a read-only listing of the
 * instructions around the pc from the standard DAP `disassemble` request,
 * else VS Code's own Disassembly view (which can only open at the focused
 * frame's pc: no API opens it at an arbitrary address).
 */
import * as vscode from "vscode";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { ExitRecordInfo } from "../../debug-adapter/protocol";

export const disassemblyScheme = "vmscope-disassembly";

/** Documents built on demand, keyed by URI (a pc and a session). */
export class DisassemblyDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "(listing no longer available)";
  }

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    // Keep the last few listings only: each exit revealed makes one.
    for (const key of this.texts.keys()) {
      if (this.texts.size <= 32) break;
      this.texts.delete(key);
    }
  }
}

async function disassemble(session: vscode.DebugSession, pc: string, offset: number, count: number): Promise<DebugProtocol.DisassembledInstruction[]> {
  const args: DebugProtocol.DisassembleArguments = { memoryReference: pc, instructionOffset: offset, instructionCount: count, resolveSymbols: true };
  const body = (await session.customRequest("disassemble", args)) as DebugProtocol.DisassembleResponse["body"];
  return body?.instructions ?? [];
}

/** Returns how the pc was shown: "source", "listing" or "disassembly-view". */
export async function revealExitPc(session: vscode.DebugSession, record: ExitRecordInfo, documents: DisassemblyDocuments): Promise<string> {
  try {
    const [at] = await disassemble(session, record.pc, 0, 1);
    if (at?.location?.path && at.line) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(at.location.path));
      const line = Math.max(0, at.line - 1);
      await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, 0, line, 0), preview: true, preserveFocus: true });
      return "source";
    }
  } catch {
    // No line table for this pc, or the source is not on this machine: show instructions instead.
  }
  try {
    const around = await disassemble(session, record.pc, -8, 24);
    if (around.length > 0) {
      await showListing(record, around, documents);
      return "listing";
    }
  } catch {
    // The adapter cannot disassemble there: VS Code's own view is the last resort.
  }
  await vscode.commands.executeCommand("debug.action.openDisassemblyView");
  void vscode.window.setStatusBarMessage(`vmscope: exit #${record.sequence} at pc ${record.pc}${record.disassembly ? `: ${record.disassembly}` : ""}`, 8000);
  return "disassembly-view";
}

async function showListing(record: ExitRecordInfo, around: DebugProtocol.DisassembledInstruction[], documents: DisassemblyDocuments): Promise<void> {
  const uri = vscode.Uri.from({ scheme: disassemblyScheme, path: `/exit-${record.sequence}-${record.pc}.S` });
  const pc = safeBigInt(record.pc);
  let pcLine = 0;
  const lines = [`# VM exit #${record.sequence}: ${record.reason}${record.detail ? ` (${record.detail})` : ""}, vCPU ${record.vcpu}, handled: ${record.handling}`];
  for (const ins of around) {
    const isPc = pc !== undefined && safeBigInt(ins.address) === pc;
    if (isPc) pcLine = lines.length;
    const symbol = ins.symbol ? ` <${ins.symbol}>` : "";
    lines.push(`${isPc ? "=>" : "  "} ${ins.address}${symbol}:  ${ins.instructionBytes ?? ""}  ${ins.instruction}`);
  }
  documents.set(uri, `${lines.join("\n")}\n`);
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(pcLine, 0, pcLine, 0), preview: true, preserveFocus: true });
}

function safeBigInt(text: string): bigint | undefined {
  try {
    return BigInt(text);
  } catch {
    return undefined;
  }
}
