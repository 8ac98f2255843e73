/**
 * The debugger over the real protocol: DebugClient talks to a session
 * served on a loopback socket in this process, against real guests — a C
 * program compiled here with -g (breakpoints, frames, stepping, conditions,
 * log points, watchpoints) and samples/sbi-hello under OpenSBI and under the
 * monitor (the ecall filter). Expected lines come from the source's
 * markers and are checked against the DWARF line table as objdump prints it.
 */
import { test, before, afterEach } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { debianFirmware, hasTool, needTool } from "../test/support/reference";
import { spinningGuest } from "../test/support/elf-builder";
import { VmscopeDebugSession } from "./session";

const root = resolve(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "vmscope-debugger-"));
const guestSource = join(dir, "guest.c");
const guestElf = join(dir, "guest.elf");
const sbiHello = join(root, "samples", "sbi-hello", "sbi-hello.elf");

const source = `#include <stdint.h>
#define UART ((volatile uint8_t *)0x10000000UL)
volatile unsigned long counter;
volatile unsigned long last_sum;

static void putc_uart(char c)
{
	while ((UART[5] & 0x20) == 0)
		;
	UART[0] = (uint8_t)c;
}

void puts_uart(const char *s)
{
	while (*s)
		putc_uart(*s++);
}

unsigned long add(unsigned long a, unsigned long b)
{ /* ADD_OPEN */
	unsigned long sum = a + b; /* ADD_BODY */
	last_sum = sum; /* ADD_STORE */
	return sum;
}

unsigned long accumulate(int n)
{
	unsigned long total = 0; /* ACC_FIRST */
	/* NO_CODE */
	for (int i = 0; i < n; i++) {
		total = add(total, i); /* CALL_ADD */
		counter = counter + 1; /* COUNTER */
	}
	return total; /* ACC_RETURN */
}

int main(void)
{
	puts_uart("start\\n"); /* MAIN_PUTS */
	unsigned long t = accumulate(5); /* MAIN_ACC */
	last_sum = t; /* MAIN_AFTER */
	puts_uart("done\\n");
	*(volatile uint32_t *)0x100000 = 0x5555;
	for (;;)
		;
}
`;

/** The 1-based line carrying a marker comment. */
function line(marker: string): number {
  const index = source.split("\n").findIndex((text) => text.includes(`/* ${marker} */`));
  assert.ok(index >= 0, marker);
  return index + 1;
}

/** guest.c's line-table rows (address → line) as objdump decodes them. */
let rows: Map<bigint, number>;

before(() => {
  if (!hasTool("riscv64-unknown-elf-gcc")) return;
  writeFileSync(guestSource, source);
  execFileSync("riscv64-unknown-elf-gcc", [
    "-march=rv64imac_zicsr_zifencei", "-mabi=lp64", "-mcmodel=medany", "-g", "-O0", "-ffreestanding", "-fno-pic",
    "-fno-asynchronous-unwind-tables", "-nostdlib", "-static", "-T", join(root, "samples/hello/link.ld"),
    "-Wl,--no-warn-rwx-segments", join(root, "samples/hello/start.S"), guestSource, "-o", guestElf,
  ]);
  const decoded = execFileSync("riscv64-unknown-elf-objdump", ["--dwarf=decodedline", guestElf], { encoding: "utf8" });
  rows = new Map();
  for (const match of decoded.matchAll(/^guest\.c\s+(\d+)\s+(0x[0-9a-f]+)/gm)) rows.set(BigInt(match[2]), Number(match[1]));
});

let server: Server | undefined;
let client: DebugClient | undefined;

afterEach(async () => {
  await client?.stop();
  client = undefined;
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
});

async function startClient(): Promise<DebugClient> {
  server = createServer((socket) => {
    const session = new VmscopeDebugSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
    socket.on("error", () => socket.destroy());
    // DebugClient.stop() just drops the connection: the session must not keep a guest running.
    socket.on("close", () => session.shutdown());
  });
  const port = await new Promise<number>((done) => server!.listen(0, "127.0.0.1", () => done((server!.address() as { port: number }).port)));
  client = new DebugClient(process.execPath, "unused", "vmscope");
  client.defaultTimeout = 20_000;
  await client.start(port);
  return client;
}

/** Launches stopped on entry, runs `configure` (breakpoints …) before configurationDone. */
async function launch(dc: DebugClient, args: Record<string, unknown>, configure: () => Promise<unknown> = async () => {}): Promise<void> {
  const initialized = dc.waitForEvent("initialized");
  await dc.initializeRequest();
  const entry = dc.waitForEvent("stopped");
  await dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
  await initialized;
  await configure();
  await dc.configurationDoneRequest();
  assert.equal(((await entry) as DebugProtocol.StoppedEvent).body.reason, "entry");
}

async function resume(dc: DebugClient, request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent("stopped");
  await request();
  return (await stopped) as DebugProtocol.StoppedEvent;
}

async function frames(dc: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
}

/** The line-table line of an address (the row at or below it). */
function lineAt(pc: bigint): number | undefined {
  let at = pc;
  while (!rows.has(at) && at > pc - 0x100n) at -= 2n;
  return rows.get(at);
}

/** The top frame's line, after checking it against objdump's line table. */
async function topLine(dc: DebugClient): Promise<number> {
  const [top] = await frames(dc);
  assert.ok(top.source?.path?.endsWith("guest.c"), `a source for ${top.name}`);
  assert.equal(top.line, lineAt(BigInt(top.instructionPointerReference ?? "")), `the DWARF line of ${top.instructionPointerReference}`);
  return top.line;
}

test("a source breakpoint is hit, with source, line and the caller's frames", async (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "riscv64-unknown-elf-objdump")) return;
  const dc = await startClient();
  let reported: DebugProtocol.Breakpoint[] = [];
  await launch(dc, { program: guestElf, stopOnEntry: true }, async () => {
    const response = await dc.setBreakpointsRequest({ source: { path: guestSource }, breakpoints: [{ line: line("CALL_ADD") }, { line: line("NO_CODE") }, { line: 3 }] });
    reported = response.body.breakpoints;
  });
  assert.equal(reported[0].verified, true);
  assert.equal(reported[0].line, line("CALL_ADD"));
  assert.equal(reported[1].verified, true, "a line without code moves to the next line with code");
  assert.equal(reported[1].line, line("NO_CODE") + 1);
  assert.equal(reported[2].verified, false, "no code at a declaration outside functions");
  assert.match(reported[2].message ?? "", /no code at or after line 3/);
  const kept = await dc.setBreakpointsRequest({ source: { path: guestSource }, breakpoints: [{ line: line("CALL_ADD") }] });
  const stop = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal(stop.body.reason, "breakpoint");
  assert.deepEqual(stop.body.hitBreakpointIds, [kept.body.breakpoints[0].id]);
  const stack = await frames(dc);
  assert.ok(stack.length >= 3, `accumulate, main, _start: got ${stack.map((f) => f.name).join(", ")}`);
  assert.deepEqual(stack.slice(0, 2).map((f) => [f.name, f.line]), [["accumulate", line("CALL_ADD")], ["main", line("MAIN_ACC")]]);
  assert.equal(stack[2].name.startsWith("_start"), true);
  assert.equal(await topLine(dc), line("CALL_ADD"));
});

test("a breakpoint by the host's absolute path binds in a reproducible build, whose DWARF names sources relative to its folder", async () => {
  // samples/hello is built with -ffile-prefix-map=$(CURDIR)=.: its DWARF says "hello.c", VS Code sends the absolute path.
  const helloSource = join(root, "samples", "hello", "hello.c");
  const mainLine = readFileSync(helloSource, "utf8").split("\n").findIndex((text) => text.includes('puts_uart("Hello from')) + 1;
  const dc = await startClient();
  let reported: DebugProtocol.Breakpoint[] = [];
  await launch(dc, { program: join(root, "samples", "hello", "hello.elf"), stopOnEntry: true }, async () => {
    reported = (await dc.setBreakpointsRequest({ source: { path: helloSource }, breakpoints: [{ line: mainLine }] })).body.breakpoints;
  });
  assert.equal(reported[0].verified, true, reported[0].message);
  const stop = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal(stop.body.reason, "breakpoint");
  const [top] = await frames(dc);
  assert.deepEqual([top.source?.path, top.line], [helloSource, mainLine], "the frame's source is the host file VS Code can open");
});

test("a breakpoint in a source shared from a sibling folder binds: DWARF names it ../common/sbi.c", async () => {
  // samples/sbi-hello compiles samples/common/sbi.c as ../common/sbi.c; VS Code sends the absolute path.
  const sharedSource = join(root, "samples", "common", "sbi.c");
  const checkLine = readFileSync(sharedSource, "utf8").split("\n").findIndex((text) => text.includes("if (ret.error != 0 || ret.value <= 0)")) + 1;
  const dc = await startClient();
  let reported: DebugProtocol.Breakpoint[] = [];
  await launch(dc, { program: join(root, "samples", "sbi-hello", "sbi-hello.elf"), mode: "trap-and-emulate", stopOnEntry: true }, async () => {
    reported = (await dc.setBreakpointsRequest({ source: { path: sharedSource }, breakpoints: [{ line: checkLine }] })).body.breakpoints;
  });
  assert.deepEqual([reported[0].verified, reported[0].line], [true, checkLine], reported[0].message);
  const stop = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal(stop.body.reason, "breakpoint");
  const [top, ...callers] = await frames(dc);
  assert.deepEqual([top.name, top.source?.path, top.line], ["sbi_console_write", sharedSource, checkLine]);
  assert.ok(callers.some((frame) => frame.name === "main" && frame.source?.path === join(root, "samples", "sbi-hello", "sbi-hello.c")), callers.map((f) => f.name).join(", "));
});

test("stepIn, next and stepOut land on the lines the line table says", async (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "riscv64-unknown-elf-objdump")) return;
  const dc = await startClient();
  await launch(dc, { program: guestElf }, () => dc.setBreakpointsRequest({ source: { path: guestSource }, breakpoints: [{ line: line("CALL_ADD") }] }));
  await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  await dc.setBreakpointsRequest({ source: { path: guestSource }, breakpoints: [] });

  assert.equal((await resume(dc, () => dc.stepInRequest({ threadId: 1 }))).body.reason, "step");
  assert.equal(await topLine(dc), line("ADD_BODY"), "stepIn stops after add's prologue");
  assert.deepEqual((await frames(dc)).slice(0, 3).map((f) => f.name), ["add", "accumulate", "main"]);
  await resume(dc, () => dc.nextRequest({ threadId: 1 }));
  assert.equal(await topLine(dc), line("ADD_STORE"));
  await resume(dc, () => dc.stepOutRequest({ threadId: 1 }));
  assert.equal((await frames(dc))[0].name, "accumulate");
  assert.equal(await topLine(dc), line("COUNTER"), "stepOut returns, then runs to the next statement");
  // next over a call: from the call line to the line after it, never stopping inside add.
  await resume(dc, () => dc.nextRequest({ threadId: 1 }));
  const loopLine = await topLine(dc);
  assert.ok(loopLine === line("COUNTER") - 2 || loopLine === line("CALL_ADD"), `the loop header or the call (${loopLine})`);
  while ((await topLine(dc)) !== line("CALL_ADD")) await resume(dc, () => dc.nextRequest({ threadId: 1 }));
  await resume(dc, () => dc.nextRequest({ threadId: 1 }));
  assert.equal(await topLine(dc), line("COUNTER"));
  assert.equal((await frames(dc))[0].name, "accumulate");
});

test("instruction stepping: stepIn moves one instruction, next steps over the call", async (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "riscv64-unknown-elf-objdump")) return;
  const dc = await startClient();
  await launch(dc, { program: guestElf }, () => dc.setBreakpointsRequest({ source: { path: guestSource }, breakpoints: [{ line: line("CALL_ADD") }] }));
  await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  await dc.setBreakpointsRequest({ source: { path: guestSource }, breakpoints: [] });
  const start = BigInt((await frames(dc))[0].instructionPointerReference!);
  await resume(dc, () => dc.stepInRequest({ threadId: 1, granularity: "instruction" }));
  const next = BigInt((await frames(dc))[0].instructionPointerReference!);
  assert.ok(next - start === 2n || next - start === 4n, `one instruction: ${start.toString(16)} → ${next.toString(16)}`);
  let steps = 0;
  while ((await frames(dc))[0].line !== line("COUNTER")) {
    await resume(dc, () => dc.nextRequest({ threadId: 1, granularity: "instruction" }));
    assert.equal((await frames(dc))[0].name, "accumulate", "never inside add");
    assert.ok(++steps < 30);
  }
});

test("function breakpoints, conditions, hit counts and log points", async (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "riscv64-unknown-elf-objdump")) return;
  const dc = await startClient();
  const logged: string[] = [];
  dc.on("output", (event: DebugProtocol.OutputEvent) => {
    if (event.body.category === "console") logged.push(event.body.output);
  });
  await launch(dc, { program: guestElf }, async () => {
    const functions = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: "add", condition: "*(u64*)counter == 2" }, { name: "nosuch" }] });
    assert.equal(functions.body.breakpoints[0].verified, true);
    assert.equal(functions.body.breakpoints[1].verified, false);
    assert.match(functions.body.breakpoints[1].message ?? "", /no function named 'nosuch'/);
    const lines = await dc.setBreakpointsRequest({
      source: { path: guestSource },
      breakpoints: [
        { line: line("COUNTER"), logMessage: "counter={*(u64*)counter} a={a0" },
        { line: line("ADD_STORE"), condition: "a0 ==" },
      ],
    });
    assert.equal(lines.body.breakpoints[1].verified, false, "a condition that does not parse");
    assert.match(lines.body.breakpoints[1].message ?? "", /ends too early/);
  });
  const stop = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal(stop.body.reason, "function breakpoint");
  const [top] = await frames(dc);
  assert.equal(top.name, "add");
  assert.equal(top.line, line("ADD_OPEN"), "the function's first line");
  assert.deepEqual(logged.filter((text) => text.startsWith("counter=")), ["counter=0 a={a0\n", "counter=1 a={a0\n"]);

  // A hit count: the third time round, whatever the condition of the other breakpoints.
  await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  await dc.setBreakpointsRequest({ source: { path: guestSource }, breakpoints: [{ line: line("COUNTER"), hitCondition: "2" }] });
  await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  const evaluated = await dc.evaluateRequest({ expression: "*(u64*)counter", context: "watch", frameId: (await frames(dc))[0].id });
  assert.match(evaluated.body.result, /^(0x0*3|3)$/, "counter is 3 at the second hit of the new breakpoint");
});

test("a data breakpoint fires on the store, with the old and new value", async (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "riscv64-unknown-elf-objdump")) return;
  const dc = await startClient();
  const logged: string[] = [];
  dc.on("output", (event: DebugProtocol.OutputEvent) => logged.push(event.body.output));
  await launch(dc, { program: guestElf });
  const info = await dc.dataBreakpointInfoRequest({ name: "counter" });
  assert.ok(info.body.dataId, info.body.description);
  assert.deepEqual(info.body.accessTypes, ["read", "write", "readWrite"]);
  const bad = await dc.dataBreakpointInfoRequest({ name: "sp + 1 +", asAddress: true, bytes: 4 });
  assert.equal(bad.body.dataId, null);
  const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId, accessType: "write" }] });
  assert.equal(set.body.breakpoints[0].verified, true);
  // The first write is _start clearing .bss (zero over zero); the program's own store comes next.
  const clearing = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal(clearing.body.reason, "data breakpoint");
  assert.match((await frames(dc))[0].name, /^_start/);
  const stop = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal(stop.body.reason, "data breakpoint");
  assert.match(stop.body.description ?? "", /write of 8 bytes at 0x8/);
  const report = logged.find((text) => /: 0x1 \(was 0x0\)/.test(text));
  assert.ok(report, logged.join(""));
  // The store has completed (the pc is past it); the report names the storing instruction, which is on the COUNTER line.
  const storePc = BigInt(/instruction at (0x[0-9a-f]+)/.exec(report)![1]);
  assert.equal(lineAt(storePc), line("COUNTER"));
  await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.ok(logged.some((text) => /: 0x2 \(was 0x1\)/.test(text)), "the next store");
  // By address with a byte count, read access: the load of counter in the next iteration.
  const byAddress = await dc.dataBreakpointInfoRequest({ name: "counter", asAddress: true, bytes: 1 });
  await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: byAddress.body.dataId!, accessType: "read" }] });
  const read = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.match(read.body.description ?? "", /read of 8 bytes/);
});

test("pause answers while the guest spins with breakpoints armed", async () => {
  const dc = await startClient();
  const spin = join(dir, "spin.elf");
  writeFileSync(spin, spinningGuest());
  await launch(dc, { program: spin }, () => dc.customRequest("setInstructionBreakpoints", { breakpoints: [{ instructionReference: "0x80001000" }] }));
  await dc.continueRequest({ threadId: 1 });
  await new Promise((done) => setTimeout(done, 100));
  const stop = await resume(dc, () => dc.pauseRequest({ threadId: 1 }));
  assert.equal(stop.body.reason, "pause");
  assert.equal((await frames(dc))[0].instructionPointerReference, "0x80000000");
});

test("the ecall filter stops at the first SBI call: under OpenSBI before the ecall, under the monitor as a VM exit", async (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump, "riscv64-unknown-elf-objdump")) return;
  const ecalls = new Set(
    [...execFileSync("riscv64-unknown-elf-objdump", ["-d", sbiHello], { encoding: "utf8" }).matchAll(/^\s*([0-9a-f]+):\s+[0-9a-f]+\s+ecall/gm)].map((m) => BigInt("0x" + m[1])),
  );
  assert.ok(ecalls.size > 0);
  for (const mode of ["none", "trap-and-emulate"] as const) {
    const dc = await startClient();
    const args = mode === "none" ? { program: sbiHello, bios: debianFirmware.openSbiFwJump } : { program: sbiHello, mode };
    await launch(dc, args, async () => {
      const filters = await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: "ecall" }] });
      assert.equal(filters.body?.breakpoints?.[0].verified, true);
    });
    const stop = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(stop.body.reason, "exception", mode);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    const pc = BigInt((await frames(dc))[0].instructionPointerReference!);
    if (mode === "none") {
      assert.match(stop.body.description ?? "", /^SBI call: /);
      assert.equal(info.body.exceptionId, "ecall");
      assert.match(info.body.description ?? "", /ecall from S-mode at 0x/);
      assert.ok(ecalls.has(pc), `stopped on an ecall of sbi-hello: 0x${pc.toString(16)}`);
    } else {
      assert.match(stop.body.description ?? "", /^VM exit: sbi /);
      assert.equal(info.body.exceptionId, "exit-sbi");
      assert.match(info.body.description ?? "", /VM exit #\d+ on vCPU 0: sbi /);
      assert.ok(ecalls.has(pc - 4n), "stopped after the ecall the monitor served");
    }
    await client?.stop();
    client = undefined;
    await new Promise((done) => server!.close(done));
    server = undefined;
  }
});

test("the trap filter stops for the chosen causes at the trapping ecall, before the trap is taken", async (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump, "riscv64-unknown-elf-objdump")) return;
  const ecalls = execFileSync("riscv64-unknown-elf-objdump", ["-d", sbiHello], { encoding: "utf8" });
  const dc = await startClient();
  await launch(dc, { program: sbiHello, bios: debianFirmware.openSbiFwJump }, async () => {
    const filters = await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: "trap", condition: "environment call from S-mode, 8" }, { filterId: "trap", condition: "no such cause" }, { filterId: "exit-sbi" }] });
    assert.deepEqual(filters.body?.breakpoints?.map((b) => b.verified), [true, false, false]);
  });
  const stop = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.match(stop.body.description ?? "", /^Trap: /);
  const info = await dc.exceptionInfoRequest({ threadId: 1 });
  assert.match(info.body.description ?? "", /S-mode → M-mode, not taken yet/);
  const pc = (await frames(dc))[0].instructionPointerReference!.slice(2);
  assert.match(ecalls, new RegExp(`^\\s*${pc}:\\s+[0-9a-f]+\\s+ecall`, "m"), "at sbi-hello's ecall");
});

test("malformed requests and bad launch attributes get error responses; the adapter keeps serving", async (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc")) return;
  const dc = await startClient();
  await dc.initializeRequest();
  await assert.rejects(dc.launchRequest({ program: guestElf, mode: "fast" } as DebugProtocol.LaunchRequestArguments), /launch attribute 'mode'/);
  await assert.rejects(dc.launchRequest({ program: guestElf, symbolFiles: [{ path: join(dir, "none.elf") }] } as DebugProtocol.LaunchRequestArguments), /'symbolFiles\[0\]' is unusable/);
  await launch(dc, { program: guestElf });
  await assert.rejects(dc.setBreakpointsRequest({} as DebugProtocol.SetBreakpointsArguments), /needs a source/);
  await assert.rejects(dc.stackTraceRequest({ threadId: 42 }), /no hart for thread 42/);
  await assert.rejects(dc.exceptionInfoRequest({ threadId: 1 }), /did not stop on a trap/);
  await assert.rejects(dc.setDataBreakpointsRequest({} as DebugProtocol.SetDataBreakpointsArguments), /needs a breakpoints list/);
  const bogus = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: "garbage" }] });
  assert.equal(bogus.body.breakpoints[0].verified, false);
  await assert.rejects(dc.stepBackRequest({ threadId: 1 }), /not supported/);
  const threads = await dc.threadsRequest();
  assert.equal(threads.body.threads.length, 1, "still serving");
  const readme = readFileSync(guestSource, "utf8");
  assert.ok(readme.length > 0);
});
