/**
 * The RISC-V assembly language server (vscode-languageserver 9), bundled
 * to dist/language-server.js and started by extension/language-client.ts
 * over IPC, or by anyone over stdio (`node dist/language-server.js --stdio`).
 */
import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, DiagnosticSeverity, SymbolKind,
  type Location, type Range, type DocumentSymbol, type Diagnostic,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAssembly, type ParsedAssembly, type Token } from "./assembly-parser";
import { indexLabels, labelAt, referencesTo, type LabelIndex } from "./label-index";
import { hoverAt } from "./hover-text";
import { diagnose, type Definitions } from "./assembly-diagnostics";
import { includeSearchPath } from "./include-paths";

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

interface Analysis {
  parsed: ParsedAssembly;
  labels: LabelIndex;
  definitions: Definitions;
}
const analyses = new Map<string, { version: number; analysis: Analysis }>();

/** Names the file's includes define (macros, #defines, .equ), followed a few levels deep. */
function includedDefinitions(uri: string, parsed: ParsedAssembly): Definitions {
  const names = new Set<string>([...parsed.macros.keys(), ...parsed.symbols.keys()]);
  const unresolvedIncludes: string[] = [];
  if (!uri.startsWith("file:")) return { names, unresolvedIncludes: parsed.includes };
  const seen = new Set<string>();
  const searchPath = includeSearchPath(fileURLToPath(uri));
  const visit = (from: string, includes: readonly string[], depth: number): void => {
    for (const include of includes) {
      // gcc's order for quoted includes: the including file's folder, then the -I folders.
      const path = [dirname(from), ...searchPath].map((dir) => resolve(dir, include)).find((candidate) => existsSync(candidate));
      if (path === undefined) {
        unresolvedIncludes.push(include);
        continue;
      }
      if (seen.has(path)) continue;
      seen.add(path);
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch {
        unresolvedIncludes.push(include);
        continue;
      }
      const inner = parseAssembly(text);
      for (const name of [...inner.macros.keys(), ...inner.symbols.keys()]) names.add(name);
      if (depth < 4) visit(path, inner.includes, depth + 1);
    }
  };
  visit(fileURLToPath(uri), parsed.includes, 0);
  return { names, unresolvedIncludes };
}

function analyse(document: TextDocument): Analysis {
  const cached = analyses.get(document.uri);
  if (cached && cached.version === document.version) return cached.analysis;
  const parsed = parseAssembly(document.getText());
  const analysis = { parsed, labels: indexLabels(parsed), definitions: includedDefinitions(document.uri, parsed) };
  analyses.set(document.uri, { version: document.version, analysis });
  return analysis;
}

const range = (token: Token): Range => ({ start: { line: token.line, character: token.start }, end: { line: token.line, character: token.end } });

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    documentSymbolProvider: true,
  },
  serverInfo: { name: "vmscope RISC-V assembly" },
}));

function publishDiagnostics(document: TextDocument): void {
  const { parsed, definitions } = analyse(document);
  const diagnostics: Diagnostic[] = diagnose(parsed, definitions).map((problem) => ({
    range: range(problem.token),
    message: problem.message,
    severity: problem.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: "vmscope",
  }));
  void connection.sendDiagnostics({ uri: document.uri, diagnostics });
}

documents.onDidChangeContent((change) => publishDiagnostics(change.document));
documents.onDidClose((event) => {
  analyses.delete(event.document.uri);
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

connection.onHover(({ textDocument, position }) => {
  const document = documents.get(textDocument.uri);
  if (!document) return null;
  const hover = hoverAt(analyse(document).parsed, position.line, position.character);
  return hover ? { contents: { kind: "markdown", value: hover.markdown }, range: range(hover.range) } : null;
});

connection.onDefinition(({ textDocument, position }): Location | null => {
  const document = documents.get(textDocument.uri);
  if (!document) return null;
  const definition = labelAt(analyse(document).labels, position.line, position.character);
  return definition ? { uri: textDocument.uri, range: range(definition) } : null;
});

connection.onReferences(({ textDocument, position, context }): Location[] => {
  const document = documents.get(textDocument.uri);
  if (!document) return [];
  const { labels } = analyse(document);
  const definition = labelAt(labels, position.line, position.character);
  if (!definition) return [];
  const tokens = [...(context.includeDeclaration ? [definition] : []), ...referencesTo(labels, definition)];
  return tokens.map((token) => ({ uri: textDocument.uri, range: range(token) }));
});

connection.onDocumentSymbol(({ textDocument }): DocumentSymbol[] => {
  const document = documents.get(textDocument.uri);
  if (!document) return [];
  const { labels } = analyse(document);
  // Named labels only: numeric local labels are noise in an outline.
  return [...labels.definitions.values()].map((label) => ({
    name: label.text,
    detail: labels.globals.has(label.text) ? ".globl" : "local",
    kind: labels.globals.has(label.text) ? SymbolKind.Function : SymbolKind.Key,
    range: range(label),
    selectionRange: range(label),
  }));
});

documents.listen(connection);
connection.listen();
