/**
 * The debug adapter under malformed and out-of-order requests, over the
 * real protocol against `vmscope dap --port 0`: requests before launch,
 * arguments of the wrong type, unknown commands, stepping while running,
 * random requests with random arguments, clients that vanish mid-request or
 * mid-message. Each request gets a response (an error is fine) and the
 * adapter keeps serving: every scenario ends with a valid request that
 * succeeds, and a new session afterwards works.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { spawnCli, repositoryRoot } from "./cli-runner";
import { spinningGuest } from "../support/elf-builder";
import { tally } from "./tally";

const hello = join(repositoryRoot, "samples", "hello", "hello.elf");
let server: ChildProcess | undefined;
let port = 0;
let dir = "";
let spinner = "";
const clients: DebugClient[] = [];

/** Standard requests that need a launched guest, and the custom ones. */
const inspectionCommands = [
  "threads", "stackTrace", "scopes", "variables", "setVariable", "evaluate", "readMemory", "writeMemory", "disassemble",
  "setBreakpoints", "setInstructionBreakpoints", "setDataBreakpoints", "dataBreakpointInfo", "setExceptionBreakpoints",
  "exceptionInfo", "source", "loadedSources", "continue", "next", "stepIn", "stepOut", "pause", "stepBack", "goto",
  "vmscope/pageTables", "vmscope/translate", "vmscope/exits", "vmscope/exitStats", "vmscope/traps", "vmscope/devices",
  "vmscope/hypervisor", "vmscope/setBalloon", "vmscope/consoleInput",
];

interface Answer {
  success: boolean;
  message?: string;
}

/** Sends a request and resolves with its response's outcome; rejects only when no response comes. */
async function answer(dc: DebugClient, command: string, args: unknown, timeoutMs = 10_000): Promise<Answer> {
  const pending = dc.send(command, args).then(
    () => ({ success: true }),
    (error: Error) => ({ success: false, message: error.message }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no response to ${command} ${JSON.stringify(args)?.slice(0, 200)} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function session(): Promise<DebugClient> {
  const dc = new DebugClient(process.execPath, "unused", "vmscope");
  dc.defaultTimeout = 10_000;
  await dc.start(port);
  clients.push(dc);
  await dc.initializeRequest({ adapterID: "vmscope", linesStartAt1: true, columnsStartAt1: true, pathFormat: "path" });
  return dc;
}

async function launchStopped(dc: DebugClient, program: string): Promise<void> {
  const stopped = dc.waitForEvent("stopped");
  await Promise.all([dc.launch({ program, stopOnEntry: true }), dc.configurationDoneRequest()]);
  await stopped;
}

/** The proof that a session still works: a request that must succeed. */
async function stillServing(dc: DebugClient): Promise<void> {
  const threads = await dc.threadsRequest();
  assert.ok(Array.isArray(threads.body.threads));
}

describe("debug adapter under malformed and out-of-order requests", { concurrency: 1 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vmscope-dap-reliability-"));
    spinner = join(dir, "spin.elf");
    writeFileSync(spinner, spinningGuest());
    server = await spawnCli(["dap", "--port", "0"]);
    port = await new Promise<number>((resolve, reject) => {
      let text = "";
      server!.stderr!.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
        if (match) resolve(Number(match[1]));
      });
      server!.on("exit", (code) => reject(new Error(`vmscope dap exited with ${code}: ${text}`)));
    });
  });
  after(async () => {
    // A client already stopped (or whose adapter side went away) may never answer stop() again: bounded wait.
    await Promise.all(clients.map((dc) => Promise.race([dc.stop().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())])));
    server?.stdout?.destroy();
    server?.stderr?.destroy();
    server?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  test("every request before launch gets an answer; then a launch succeeds", async () => {
    const dc = await session();
    for (const command of inspectionCommands) {
      await answer(dc, command, { threadId: 1, frameId: 1, variablesReference: 1 });
      tally.malformedInputs++;
    }
    await launchStopped(dc, hello);
    await stillServing(dc);
  });

  test("unknown commands and arguments of the wrong type get error responses", async () => {
    const dc = await session();
    await launchStopped(dc, hello);
    const unknown = await answer(dc, "frobnicate", {});
    assert.equal(unknown.success, false);
    const wrong: [string, unknown][] = [
      ["variables", { variablesReference: "abc" }], ["variables", { variablesReference: -1 }], ["variables", { variablesReference: 1e12 }],
      ["stackTrace", { threadId: 99 }], ["stackTrace", { threadId: "one" }], ["scopes", { frameId: null }],
      ["readMemory", { memoryReference: "zzz", count: 16 }], ["readMemory", { memoryReference: "0x80000000", count: -1 }],
      ["readMemory", { memoryReference: "0x80000000", count: 2 ** 40 }], ["readMemory", { memoryReference: "0xffffffffffffffff", count: 64 }],
      ["writeMemory", { memoryReference: "0x0", data: "!!!not base64" }], ["disassemble", { memoryReference: "0x80000000", instructionCount: 1_000_000 }],
      ["disassemble", { memoryReference: "nope", instructionCount: 4 }], ["evaluate", { expression: "((((((" }], ["evaluate", { expression: 42 }],
      ["setBreakpoints", { source: {}, breakpoints: "x" }], ["setInstructionBreakpoints", { breakpoints: [{ instructionReference: "x" }] }],
      ["setDataBreakpoints", { breakpoints: [{ dataId: {} }] }], ["setExceptionBreakpoints", { filters: 7 }],
      ["vmscope/translate", { address: "not an address" }], ["vmscope/pageTables", { hart: 99 }], ["vmscope/exits", { since: "x" }],
      ["vmscope/setBalloon", { mib: -5 }], ["vmscope/consoleInput", { text: 5 }], ["continue", undefined], ["next", null],
    ];
    for (const [command, args] of wrong) {
      await answer(dc, command, args, 30_000);
      tally.malformedInputs++;
    }
    await stillServing(dc);
  });

  test("bad launch attributes: an error response that names the attribute", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ program: 42 }, /program/],
      [{}, /program/],
      [{ program: join(dir, "missing.elf") }, /program/],
      [{ program: hello, memory: "lots" }, /memory/],
      [{ program: hello, memory: "1T" }, /memory/],
      [{ program: hello, harts: "two" }, /harts/],
      [{ program: hello, harts: 99 }, /harts/],
      [{ program: hello, mode: "warp" }, /mode/],
      [{ program: hello, drives: "disk.img" }, /drives/],
      [{ program: hello, symbolFiles: 5 }, /symbolFiles/],
      [{ program: hello, bios: join(dir, "missing-bios.elf") }, /bios/],
      [{ program: "/bin/ls" }, /program|x86-64/],
    ];
    for (const [args, names] of cases) {
      const dc = await session();
      const result = await answer(dc, "launch", args);
      assert.equal(result.success, false, `launch ${JSON.stringify(args)} succeeded`);
      assert.match(result.message ?? "", names, `launch ${JSON.stringify(args)}: the error does not name the attribute`);
      assert.doesNotMatch(result.message ?? "", /\n\s+at /, "a stack trace in the message");
      await answer(dc, "disconnect", {});
      tally.malformedInputs++;
    }
  });

  test("stepping, stack and variables while the guest runs; then a pause stops it", async () => {
    const dc = await session();
    await Promise.all([dc.launch({ program: spinner, stopOnEntry: false }), dc.configurationDoneRequest()]);
    for (const command of ["next", "stepIn", "stepOut", "continue", "stackTrace", "variables", "evaluate", "disassemble", "vmscope/pageTables"]) {
      await answer(dc, command, { threadId: 1, variablesReference: 1, expression: "pc", memoryReference: "0x80000000", instructionCount: 4 });
      tally.malformedInputs++;
    }
    const stopped = dc.waitForEvent("stopped");
    await dc.pauseRequest({ threadId: 1 });
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, "pause");
    await stillServing(dc);
  });

  test("200 random requests with random arguments on a stopped guest", async () => {
    const dc = await session();
    await launchStopped(dc, hello);
    const value = fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.boolean(), fc.double(), fc.constant("0x80000000"), fc.array(fc.integer(), { maxLength: 3 }));
    const request = fc.record({
      command: fc.oneof(fc.constantFrom(...inspectionCommands.filter((c) => c !== "continue")), fc.string({ maxLength: 12 })),
      args: fc.dictionary(fc.constantFrom("threadId", "frameId", "variablesReference", "expression", "memoryReference", "count", "offset", "instructionCount", "address", "hart", "name", "value", "source", "breakpoints", "filters"), value),
    });
    const samples = fc.sample(request, { numRuns: 200, seed: 0xda9 });
    for (const { command, args } of samples) {
      await answer(dc, command, args, 30_000);
      tally.propertyCases++;
    }
    await stillServing(dc);
  });

  test("clients that vanish mid-request or mid-message do not stop the server", async () => {
    // Half a message, then the connection closes.
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write('Content-Length: 500\r\n\r\n{"seq":1,"type":"request","command":"initialize","argu');
        socket.end(resolve);
      });
    });
    // A garbage header.
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write("Content-Length: banana\r\n\r\n{}\r\n\r\nnot a message at all");
        socket.end(resolve);
      });
    });
    // A launch of a running guest, and the client gone before it is answered.
    const gone = await session();
    void gone.send("launch", { program: spinner, stopOnEntry: false }).catch(() => {});
    await gone.stop().catch(() => {});
    clients.splice(clients.indexOf(gone), 1);
    // A disconnect in the middle of a continue.
    const busy = await session();
    await launchStopped(busy, spinner);
    await busy.continueRequest({ threadId: 1 });
    await answer(busy, "disconnect", {});
    tally.malformedInputs += 4;
    // The server still serves a full session.
    const dc = await session();
    const terminated = dc.waitForEvent("terminated");
    await Promise.all([dc.launch({ program: hello, stopOnEntry: false }), dc.configurationDoneRequest()]);
    await terminated;
    assert.equal(server?.exitCode, null, "vmscope dap is still running");
  });
});
