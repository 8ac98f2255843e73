/**
 * The debug adapter over the real protocol: DebugClient drives the built
 * dist/debug-adapter.js (stdio) and `vmscope dap --port 0` (TCP).
 */
import { test, before, afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { spinningGuest } from "../test/support/elf-builder";

const root = resolve(import.meta.dirname, "..");
const adapter = join(root, "dist", "debug-adapter.js");
const hello = join(root, "samples", "hello", "hello.elf");
const dir = mkdtempSync(join(tmpdir(), "vmscope-dap-"));

let client: DebugClient | undefined;

before(() => {
  assert.ok(existsSync(adapter), "dist/debug-adapter.js is missing: run npm run build");
  assert.ok(existsSync(hello), "samples/hello/hello.elf is missing");
});

afterEach(async () => {
  await client?.stop();
  client = undefined;
});

async function startClient(port?: number): Promise<DebugClient> {
  client = new DebugClient(process.execPath, adapter, "vmscope", undefined, true);
  client.defaultTimeout = 10_000;
  await client.start(port);
  return client;
}

/** initialize + launch + configurationDone, resolving with the first stopped event when one is expected. */
async function launch(dc: DebugClient, args: Record<string, unknown>): Promise<void> {
  await Promise.all([dc.configurationSequence(), dc.launch(args)]);
}

async function registers(dc: DebugClient, threadId: number): Promise<Map<string, string>> {
  const stack = await dc.stackTraceRequest({ threadId });
  const scopes = await dc.scopesRequest({ frameId: stack.body.stackFrames[0].id });
  const scope = scopes.body.scopes.find((s) => s.name === "Registers");
  assert.ok(scope, "a Registers scope");
  const variables = await dc.variablesRequest({ variablesReference: scope.variablesReference });
  return new Map(variables.body.variables.map((v) => [v.name, v.value]));
}

async function topFrame(dc: DebugClient, threadId = 1): Promise<DebugProtocol.StackFrame> {
  const stack = await dc.stackTraceRequest({ threadId });
  assert.equal(stack.body.stackFrames.length, 1, "one frame per hart");
  return stack.body.stackFrames[0];
}

test("stop on entry at the reset ROM, step into the guest, run to power-off", async () => {
  const dc = await startClient();
  const output: string[] = [];
  dc.on("output", (event: DebugProtocol.OutputEvent) => {
    if (event.body.category === "stdout") output.push(event.body.output);
  });
  const stopped = dc.waitForEvent("stopped");
  await launch(dc, { program: hello, stopOnEntry: true });
  const entry = (await stopped) as DebugProtocol.StoppedEvent;
  assert.equal(entry.body.reason, "entry");
  assert.equal(entry.body.threadId, 1);

  const threads = await dc.threadsRequest();
  assert.deepEqual(threads.body.threads.map((t) => t.name), ["hart 0"]);
  const first = await topFrame(dc);
  assert.equal(first.instructionPointerReference, "0x1000", "reset vector");
  // No DWARF in the reset ROM: the frame's source is a listing of guest memory, so VS Code can focus it.
  assert.ok(first.source?.sourceReference, "a listing source for a frame without DWARF");
  const listing = (await dc.sourceRequest({ sourceReference: first.source!.sourceReference! })).body.content.split("\n");
  assert.match(listing[first.line - 1], /^0x1000: 00000297 +auipc\s+t0,0x0$/, "the frame's line is its pc in the listing");
  const atReset = await registers(dc, 1);
  assert.equal(atReset.get("pc"), "0x0000000000001000");
  assert.equal(atReset.size, 32, "pc and x1..x31");
  assert.ok(atReset.has("ra") && atReset.has("sp") && atReset.has("t6"), "ABI names");

  // Step through the reset ROM until it jumps to the guest's entry point.
  let steps = 0;
  let frame = first;
  while (frame.instructionPointerReference !== "0x80000000" && steps < 32) {
    const stepped = dc.waitForEvent("stopped");
    await dc.stepInRequest({ threadId: 1 });
    assert.equal(((await stepped) as DebugProtocol.StoppedEvent).body.reason, "step");
    steps++;
    frame = await topFrame(dc);
  }
  assert.equal(frame.instructionPointerReference, "0x80000000", "the reset ROM enters the image");
  assert.ok(steps >= 2 && steps <= 16, `the reset ROM is a few instructions (${steps})`);
  assert.equal(frame.name, "_start", "named after the ELF symbol");
  const atStart = await registers(dc, 1);
  assert.equal(atStart.get("a0"), "0x0000000000000000", "a0 = hart id");
  assert.notEqual(atStart.get("a1"), "0x0000000000000000", "a1 = device tree address");

  // One more step at instruction granularity moves one instruction into _start …
  let stepped = dc.waitForEvent("stopped");
  await dc.nextRequest({ threadId: 1, granularity: "instruction" });
  await stepped;
  assert.match((await topFrame(dc)).name, /^_start\+0x[24]$/);
  // … and a line step (start.S has DWARF lines) to the next source line: `la gp` is two instructions.
  stepped = dc.waitForEvent("stopped");
  await dc.nextRequest({ threadId: 1 });
  await stepped;
  const line = await topFrame(dc);
  assert.equal(line.name, "_start+0x8");
  assert.equal(line.source?.name, "start.S");

  const exited = dc.waitForEvent("exited");
  const terminated = dc.waitForEvent("terminated");
  await dc.continueRequest({ threadId: 1 });
  assert.equal(((await exited) as DebugProtocol.ExitedEvent).body.exitCode, 0);
  await terminated;
  assert.match(output.join(""), /Hello from a bare RISC-V machine!/);
});

test("pause stops a running guest within a slice", async () => {
  const dc = await startClient();
  const spin = join(dir, "spin.elf");
  writeFileSync(spin, spinningGuest());
  await launch(dc, { program: spin, stopOnEntry: false });
  await new Promise((r) => setTimeout(r, 200));
  const stopped = dc.waitForEvent("stopped", 2000);
  await dc.pauseRequest({ threadId: 1 });
  assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, "pause");
  assert.equal((await topFrame(dc)).instructionPointerReference, "0x80000000");
});

test("bad launch attributes give error responses naming them", async () => {
  const dc = await startClient();
  await dc.initializeRequest();
  const attempts: [Record<string, unknown>, RegExp][] = [
    [{}, /launch attribute 'program' is missing/],
    [{ program: hello, memory: "lots" }, /launch attribute 'memory' is invalid/],
    [{ program: hello, harts: -1 }, /launch attribute 'harts'/],
    [{ program: join(dir, "missing.elf") }, /launch attribute 'program' is unusable: cannot open kernel file/],
    [{ program: hello, bios: join(dir, "missing-fw.elf") }, /launch attribute 'bios' is unusable/],
  ];
  for (const [args, message] of attempts) {
    await assert.rejects(dc.launchRequest(args as DebugProtocol.LaunchRequestArguments), (error: Error) => {
      assert.match(error.message, message);
      return true;
    });
  }
});

test("vmscope dap --port serves the protocol over TCP", async () => {
  const server = spawn(process.execPath, [join(root, "bin", "vmscope.js"), "dap", "--port", "0"]);
  try {
    const port = await new Promise<number>((resolvePort, reject) => {
      let text = "";
      server.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
        if (match) resolvePort(Number(match[1]));
      });
      server.on("exit", (code) => reject(new Error(`server exited with ${code}: ${text}`)));
    });
    const dc = await startClient(port);
    const stopped = dc.waitForEvent("stopped");
    await launch(dc, { program: hello });
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, "entry", "stopOnEntry defaults to true");
    assert.equal((await topFrame(dc)).instructionPointerReference, "0x1000");
  } finally {
    await client?.stop();
    client = undefined;
    server.kill();
  }
});
