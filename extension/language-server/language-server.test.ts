// The bundled language server (dist/language-server.js), driven over stdio
// with LSP's JSON-RPC, on the samples' assembly and on crafted files.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";

const root = resolve(import.meta.dirname, "..", "..");
const serverPath = join(root, "dist", "language-server.js");

interface Diagnostic { range: { start: { line: number; character: number } }; message: string; severity: number }
interface Location { uri: string; range: { start: { line: number; character: number } } }

let server: ChildProcess;
let connection: MessageConnection;
const diagnostics = new Map<string, Diagnostic[]>();
const waiting = new Map<string, (d: Diagnostic[]) => void>();
let version = 0;

before(async () => {
  assert.ok(existsSync(serverPath), `${serverPath} is missing: run node scripts/build.mjs`);
  server = spawn(process.execPath, [serverPath, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  connection.onNotification("textDocument/publishDiagnostics", (params: { uri: string; diagnostics: Diagnostic[] }) => {
    diagnostics.set(params.uri, params.diagnostics);
    waiting.get(params.uri)?.(params.diagnostics);
  });
  connection.listen();
  const result = (await connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(root).href, capabilities: {} })) as { capabilities: Record<string, unknown> };
  assert.equal(result.capabilities.hoverProvider, true);
  await connection.sendNotification("initialized", {});
});

after(async () => {
  await connection.sendRequest("shutdown");
  await connection.sendNotification("exit");
  connection.dispose();
  server.kill();
});

/** Opens a document and resolves with its first diagnostics. */
function open(path: string, text = readFileSync(path, "utf8")): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = pathToFileURL(path).href;
  return new Promise((resolveOpen) => {
    waiting.set(uri, (d) => {
      waiting.delete(uri);
      resolveOpen({ uri, diagnostics: d });
    });
    void connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "riscv-asm", version: ++version, text } });
  });
}

/** Line and column of the first occurrence of `needle` on a line matching `lineMatch`. */
function position(text: string, lineMatch: RegExp, needle: string): { line: number; character: number } {
  const lines = text.split("\n");
  const line = lines.findIndex((l) => lineMatch.test(l));
  assert.ok(line >= 0, `no line matches ${lineMatch}`);
  return { line, character: lines[line].indexOf(needle) + 1 };
}

async function hover(uri: string, at: { line: number; character: number }): Promise<string> {
  const result = (await connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: at })) as { contents: { value: string } } | null;
  return result?.contents.value ?? "";
}

const startS = join(root, "samples", "hello", "start.S");

test("samples/hello/start.S: hover on instructions explains every vmscope mode", async () => {
  const text = readFileSync(startS, "utf8");
  const { uri } = await open(startS);
  const wfi = await hover(uri, position(text, /^\s*wfi/, "wfi"));
  assert.match(wfi, /\*\*wfi\*\* — privileged/);
  assert.match(wfi, /`trap-and-emulate` \| traps and is emulated: VM exit `wfi`/);
  assert.match(wfi, /`hardware-assisted` \| runs in VS-mode without exiting/);
  const la = await hover(uri, position(text, /la\s+sp, __stack_top/, "la"));
  assert.match(la, /pseudo-instruction for auipc/);
  assert.match(la, /`la rd, symbol`/);
  const sd = await hover(uri, position(text, /sd\s+zero/, "sd"));
  assert.match(sd, /Store the doubleword/);
  assert.match(sd, /shadow-fill/);
  const addi = await hover(uri, position(text, /addi\s+t0, t0, 8/, "addi"));
  assert.match(addi, /`none` \| runs natively/);
  const section = await hover(uri, position(text, /\.section/, ".section"));
  assert.match(section, /assembler directive/);
});

test("samples/hello/start.S: go to definition and references of labels, numeric ones included", async () => {
  const text = readFileSync(startS, "utf8");
  const { uri } = await open(startS);
  const lines = text.split("\n");
  const parkLine = lines.findIndex((l) => l.startsWith("park:"));
  const toPark = (await connection.sendRequest("textDocument/definition", { textDocument: { uri }, position: position(text, /bnez\s+a0, park/, "park") })) as Location;
  assert.equal(toPark.range.start.line, parkLine);
  const references = (await connection.sendRequest("textDocument/references", {
    textDocument: { uri }, position: { line: parkLine, character: 1 }, context: { includeDeclaration: false },
  })) as Location[];
  assert.deepEqual(references.map((r) => r.range.start.line).sort((a, b) => a - b), [lines.findIndex((l) => /bnez\s+a0, park/.test(l)), lines.findIndex((l) => /j\s+park/.test(l))]);
  const back = (await connection.sendRequest("textDocument/definition", { textDocument: { uri }, position: position(text, /j\s+1b/, "1b") })) as Location;
  assert.equal(back.range.start.line, lines.findIndex((l) => l.startsWith("1:")));
  const forward = (await connection.sendRequest("textDocument/definition", { textDocument: { uri }, position: position(text, /bgeu\s+t0, t1, 2f/, "2f") })) as Location;
  assert.equal(forward.range.start.line, lines.findIndex((l) => l.startsWith("2:")));
});

test("samples/hello/start.S: document symbols list the labels, marking .globl ones", async () => {
  const { uri } = await open(startS);
  const symbols = (await connection.sendRequest("textDocument/documentSymbol", { textDocument: { uri } })) as { name: string; detail: string }[];
  assert.deepEqual(symbols.map((s) => `${s.name} ${s.detail}`), ["_start .globl", "park local"]);
});

function assemblyFiles(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") assemblyFiles(path, found);
    else if (/\.(S|s)$/.test(entry.name)) found.push(path);
  }
  return found;
}

test("no diagnostics on any committed assembly file (samples, test and bench guests)", async () => {
  const files = ["samples", "test", "bench"].flatMap((dir) => assemblyFiles(join(root, dir)));
  assert.ok(files.some((f) => f.includes(join("samples", "hello"))), "the samples' assembly is among the files");
  assert.ok(files.length >= 10, `only ${files.length} assembly files found`);
  for (const file of files) {
    const { diagnostics: found } = await open(file);
    assert.deepEqual(found.map((d) => `${d.range.start.line + 1}: ${d.message}`), [], file);
  }
});

test("a crafted file gets its unknown instructions and CSRs, and nothing else", async () => {
  const text = [
    "#define MY_CSR 0x340",
    ".equ FLAG, 8",
    ".macro SAVE reg",
    "  sd \\reg, 0(sp)",
    "  csrw \\reg, zero",
    ".endm",
    "  .text",
    "entry:",
    "  addx a0, a1, a2",
    "  csrr t0, mstatuz",
    "  csrw sstatus, t0",
    "  csrr t1, MY_CSR",
    "  csrr t1, 0x300",
    "  csrsi sstatus, FLAG",
    "  SAVE ra",
    "  amoswap.w.aqrl a0, a1, (a2)",
    "  li a0, '#' # a comment",
    "  rdtime t2 ; frobnicate x1",
    "  csrr t3, fflags",
  ].join("\n");
  const { uri, diagnostics: found } = await open(join(root, "crafted-for-test.S"), text);
  assert.deepEqual(
    found.map((d) => [d.range.start.line, d.range.start.character, d.severity, d.message.split(":")[0]]),
    [
      [8, 2, 1, "unknown instruction 'addx'"],
      [9, 11, 1, "unknown CSR 'mstatuz'"],
      [17, 14, 1, "unknown instruction 'frobnicate'"],
    ],
  );
  const onSstatus = await hover(uri, position(text, /csrw sstatus/, "csrw"));
  assert.match(onSstatus, /On \*\*sstatus\*\* \(0x100, Supervisor\)/);
  assert.match(onSstatus, /VM exit `csr-read`\/`csr-write`/);
  assert.match(onSstatus, /the guest's own copy, vsstatus/);
  const csrName = await hover(uri, position(text, /csrw sstatus/, "sstatus"));
  assert.match(csrName, /\*\*sstatus\*\* — CSR 0x100, Supervisor level, read\/write/);
  assert.match(csrName, /Fields: `SIE\[1\]/);
  const mstatus = await hover(uri, position(text, /csrr t1, 0x300/, "csrr"));
  assert.match(mstatus, /A CSR access/);
  const rdtime = await hover(uri, position(text, /rdtime/, "rdtime"));
  assert.match(rdtime, /On \*\*time\*\* \(0xc01, User/);
  const fflags = await hover(uri, position(text, /fflags/, "fflags"));
  assert.match(fflags, /Not implemented by vmscope's hart/);
});
