/**
 * Enforces the layering of ARCHITECTURE.md: vmm-core stands alone (no VS
 * Code, no DAP, nothing from the front ends) and the debug adapter knows
 * DAP but not VS Code.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const root = resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(path);
  }
  return files;
}

/** Module specifiers of import/export-from, side-effect imports, dynamic import() and require(). */
export function importSpecifiers(source: string): string[] {
  // Comments could mention `import "vscode"` harmlessly: drop them first.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:\\"'`])\/\/.*$/gm, "$1");
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^;'"]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\bimport\s+\w+\s*=\s*require\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  const found = new Set<string>();
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]);
  return [...found];
}

/** The top-level folder a relative specifier resolves into, or undefined for packages. */
function targetFolder(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return relative(root, resolve(dirname(file), specifier)).split(sep)[0];
}

function violations(folder: string, isForbidden: (file: string, specifier: string) => boolean): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(join(root, folder))) {
    for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
      if (isForbidden(file, specifier)) found.push(`${relative(root, file)} imports "${specifier}"`);
    }
  }
  return found;
}

const isVscode = (specifier: string): boolean => specifier === "vscode" || specifier.startsWith("vscode/");

test("the import scanner sees every import form", () => {
  const source = [
    'import * as vscode from "vscode";',
    "import type { X } from '@vscode/debugprotocol';",
    'import "../extension/side-effect";',
    'export { y } from "../cli/run";',
    "const z = require('../debug-adapter/session');",
    'const w = await import("node:fs");',
    "import {\n  a,\n  b,\n} from './multi-line';",
    '// import "commented-out";',
  ].join("\n");
  assert.deepEqual(importSpecifiers(source).sort(), [
    "../cli/run",
    "../debug-adapter/session",
    "../extension/side-effect",
    "./multi-line",
    "@vscode/debugprotocol",
    "node:fs",
    "vscode",
  ]);
});

test("vmm-core imports neither VS Code, DAP nor the front ends", () => {
  const frontEnds = new Set(["debug-adapter", "extension", "cli"]);
  const found = violations("vmm-core", (file, specifier) => {
    if (isVscode(specifier) || specifier.startsWith("@vscode/")) return true;
    const folder = targetFolder(file, specifier);
    return folder !== undefined && frontEnds.has(folder);
  });
  assert.deepEqual(found, []);
});

test("debug-adapter never imports vscode or the extension", () => {
  const found = violations("debug-adapter", (file, specifier) => isVscode(specifier) || targetFolder(file, specifier) === "extension");
  assert.deepEqual(found, []);
});

test("the scanner would catch a violation in the real tree", () => {
  // Guards against a scanner that silently finds nothing: the extension does import vscode.
  const found = violations("extension", (_file, specifier) => isVscode(specifier));
  assert.ok(found.some((line) => line.startsWith(join("extension", "extension.ts"))), found.join("\n"));
});
