/**
 * The view models on the adapter's real answers: the built adapter
 * (dist/debug-adapter.js, over stdio as `vmscope dap` serves it) runs the
 * privileged sample until the guest has paging on, and every custom request
 * the views make goes through the same model code the extension renders.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type {
  ConsoleEventBody, CustomRequestMap, DevicesResponse, ExitsAvailableEventBody, PageTableEntryInfo, ExitStatsResponse, ExitsResponse, HypervisorResponse, PageTablesResponse, TranslateResponse, VirtualizationMode,
} from "../../debug-adapter/protocol";
import { echoGuest } from "../../test/support/elf-builder";
import { vmscopeRequest } from "../custom-requests";
import { TerminalText } from "../terminal/terminal-text";
import { bucketExits } from "../webviews/timeline-model";
import { isTwoDimensional, nestedGrid, walkBody } from "../webviews/translate-walk-model";
import { deviceNodes } from "./devices-model";
import { exitsToCsv } from "./exit-export";
import { ExitLog } from "./exit-log";
import { exitsRootNodes } from "./exits-model";
import { hypervisorNodes } from "./hypervisor-model";
import { counterpartAddress, counterpartPath, hostRootForMode, rootNodes, type FetchTables } from "./page-table-model";
import { statusText } from "./status-text";
import type { ViewNode } from "./view-node";

const root = resolve(import.meta.dirname, "..", "..");
const adapter = join(root, "dist", "debug-adapter.js");
const privileged = join(root, "samples", "privileged", "privileged.elf");

before(() => {
  assert.ok(existsSync(adapter), "dist/debug-adapter.js is missing: run npm run build");
  assert.ok(existsSync(privileged), "samples/privileged/privileged.elf is missing");
});

interface Guest {
  dc: DebugClient;
  console: string[];
  request<N extends keyof CustomRequestMap>(name: N, args: CustomRequestMap[N][0]): Promise<CustomRequestMap[N][1]>;
}

let running: DebugClient | undefined;
after(async () => running?.stop());

/** Launches the sample and stops at kprintf calls until the guest's satp has paging on. */
async function guestWithPaging(mode: VirtualizationMode): Promise<Guest> {
  await running?.stop();
  const dc = (running = new DebugClient(process.execPath, adapter, "vmscope", undefined, true));
  dc.defaultTimeout = 20_000;
  const console: string[] = [];
  dc.on("vmscope/console", (event: DebugProtocol.Event) => console.push((event.body as ConsoleEventBody).text));
  await dc.start();
  const session = { customRequest: async (command: string, args?: unknown) => (await dc.customRequest(command, args)).body };
  const request: Guest["request"] = (name, args) => vmscopeRequest(session, name, args);
  const initialized = dc.waitForEvent("initialized");
  const launched = dc.launch({ program: privileged, mode, stopOnEntry: false });
  await initialized;
  const breakpoints = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: "kprintf" }] });
  assert.equal(breakpoints.body.breakpoints[0].verified, true, "kprintf has a breakpoint");
  let stopped = dc.waitForEvent("stopped");
  await dc.configurationDoneRequest();
  await launched;
  await stopped;
  for (let stop = 0; stop < 40; stop++) {
    if ((await request("vmscope/pageTables", { root: "guest" })).available) return { dc, console, request };
    stopped = dc.waitForEvent("stopped");
    await dc.continueRequest({ threadId: 1 });
    await stopped;
  }
  throw new Error("the guest never turned paging on");
}

/** Follows node ids down the tree, loading lazy children as VS Code does on expansion. */
async function follow(top: ViewNode[], ids: string[]): Promise<ViewNode | undefined> {
  let level = top;
  let node: ViewNode | undefined;
  for (const id of ids) {
    node = level.find((n) => n.id === id);
    if (!node) return undefined;
    level = node.children ?? (node.load ? await node.load() : []);
  }
  return node;
}

test("trap-and-emulate: guest and shadow tables, the counterpart path, the walk, exits, devices, hypervisor, console", async () => {
  const { dc, console, request } = await guestWithPaging("trap-and-emulate");
  const fetch: FetchTables = (args) => request("vmscope/pageTables", args);

  const guestTop = rootNodes("guest", (await request("vmscope/pageTables", { root: "guest" })) as PageTablesResponse, fetch);
  assert.deepEqual(guestTop.map((n) => n.label.split(" ")[0]), ["satp", "Root", "Mapped"]);
  const ram = guestTop[1].children?.find((n) => n.label === "L2[2] 0x80000000 → 0x80000000");
  assert.ok(ram, `the kernel's RAM gigapage: ${guestTop[1].children?.map((n) => n.label).join(" | ")}`);
  assert.match(ram.description ?? "", /^RWX--AD 1 GiB · host 0x[0-9a-f]+$/);
  assert.equal(ram.contextValue, "guestLeaf", "Show Shadow/Nested Counterpart applies");
  const ranges = await guestTop[2].load!();
  assert.ok(ranges.some((n) => n.label.startsWith("0x80000000–")), ranges.map((n) => n.label).join(" | "));

  const hypervisor = (await request("vmscope/hypervisor", {})) as HypervisorResponse;
  const hostRoot = hostRootForMode(hypervisor.mode);
  assert.equal(hostRoot, "shadow");
  const hvNodes = hypervisorNodes(hypervisor);
  assert.equal(hvNodes[0].label, "Mode: trap-and-emulate");
  assert.match(hvNodes[1].children![0].description ?? "", /^S \(really U\) · pc 0x[0-9a-f]+/);
  assert.ok(hvNodes[2].children!.some((n) => n.label === "ram"), "memory map lists RAM");

  // The counterpart of the RAM gigapage: the first page of it the monitor has shadowed, as the command finds it.
  const shadowTables = (await request("vmscope/pageTables", { root: "shadow", ranges: true, maxRanges: 4096 })) as PageTablesResponse;
  const inside = counterpartAddress("shadow", (ram.data as { entry: PageTableEntryInfo }).entry, shadowTables.ranges ?? []);
  assert.ok(inside, "part of the kernel's gigapage is shadowed");
  const shadowTop = rootNodes("shadow", (await request("vmscope/pageTables", { root: "shadow" })) as PageTablesResponse, fetch);
  const walk = (await request("vmscope/translate", { address: inside, root: "shadow" })) as TranslateResponse;
  assert.equal(walk.ok, true, walk.fault);
  const leaf = await follow(shadowTop, counterpartPath("shadow", walk.steps));
  assert.ok(leaf, `every shadow step is a node: ${counterpartPath("shadow", walk.steps).join(" → ")}`);
  assert.equal(leaf.contextValue, "shadowLeaf");
  assert.match(leaf.description ?? "", /^RWXU-AD 4 KiB/, "a 4 KiB user-mode shadow leaf: the kernel really runs in U");

  const pc = hypervisor.vcpus[0].pc;
  const guestWalk = (await request("vmscope/translate", { address: pc, root: "guest" })) as TranslateResponse;
  const pcWalk = (await request("vmscope/translate", { address: pc, root: "shadow" })) as TranslateResponse;
  const html = walkBody(pc, [{ root: "guest", response: guestWalk }, { root: "shadow", response: pcWalk }]);
  assert.match(html, /verdict: mapped/);
  assert.equal((html.match(/<td class="addr">/g) ?? []).length, guestWalk.steps.length + pcWalk.steps.length, "one row per step");

  const stats = (await request("vmscope/exitStats", {})) as ExitStatsResponse;
  const exits = (await request("vmscope/exits", { since: 0 })) as ExitsResponse;
  assert.ok(stats.total > 0 && exits.records.length > 0, "the kernel has exited to the monitor");
  const log = new ExitLog();
  log.add(exits.records);
  const exitNodes = exitsRootNodes(log, {}, stats);
  assert.equal(exitNodes[0].label, "Latest exits");
  assert.match(exitNodes[0].children![0].label, /^#\d+ [a-z.-]+$/);
  const groups = exitNodes.slice(1);
  assert.ok(groups.some((n) => n.label === "csr-write"), groups.map((n) => n.label).join(" | "));
  assert.equal(groups.reduce((sum, n) => sum + Number(/^(\d+)/.exec(n.description ?? "")?.[1]), 0), stats.total, "group counts add up to the total");
  assert.equal(exitsToCsv(exits.records).trimEnd().split("\r\n").length, exits.records.length + 1);
  assert.equal(bucketExits(exits.records).total, exits.records.length);

  const devices = deviceNodes((await request("vmscope/devices", {})) as DevicesResponse);
  const uart = devices.find((n) => n.label === "uart0");
  assert.ok(uart, devices.map((n) => n.label).join(" | "));
  assert.match(uart.description ?? "", /^ns16550a? @ 0x10000000/);
  assert.ok(uart.children?.some((n) => n.children?.some((r) => r.description !== undefined)), "registers with values");

  const terminal = new TerminalText().convert(console.join(""));
  assert.match(terminal, /privileged: every supervisor CSR/);
  assert.ok(!/[^\r]\n/.test(terminal), "every line break is CR LF in the terminal");

  // The exit reveal: the adapter's disassembly knows the source line of an exit's pc.
  const disassembly = await dc.send("disassemble", { memoryReference: exits.records[0].pc, instructionCount: 1, resolveSymbols: true });
  const instruction = (disassembly.body as NonNullable<DebugProtocol.DisassembleResponse["body"]>).instructions[0];
  assert.ok(instruction.location?.path && instruction.line, "source location for the exit's pc");
});

test("hardware-assisted: nested tables and the 2D walk grid", async () => {
  const { request } = await guestWithPaging("hardware-assisted");
  const fetch: FetchTables = (args) => request("vmscope/pageTables", args);
  const hypervisor = (await request("vmscope/hypervisor", {})) as HypervisorResponse;
  assert.equal(hostRootForMode(hypervisor.mode), "nested");
  const nestedTop = rootNodes("nested", (await request("vmscope/pageTables", { root: "nested" })) as PageTablesResponse, fetch);
  assert.match(nestedTop[0].label, /^hgatp = 0x/);
  const pc = hypervisor.vcpus[0].pc;
  const walk = (await request("vmscope/translate", { address: pc, root: "nested" })) as TranslateResponse;
  assert.equal(walk.ok, true, walk.fault);
  assert.equal(isTwoDimensional(walk), true);
  const grid = nestedGrid(walk.steps);
  const guestSteps = walk.steps.filter((s) => s.stage === "guest").length;
  assert.equal(grid.rows.length, guestSteps + 1, "a row per guest level plus the final address");
  assert.equal(grid.rows.at(-1)?.label, "final");
  assert.equal(grid.rows.reduce((n, r) => n + r.gStage.size + (r.guest ? 1 : 0), 0), walk.references, "every memory reference has its cell");
  const leaf = await follow(nestedTop, counterpartPath("nested", walk.steps));
  assert.ok(leaf, `the G-stage path of the pc is in the nested view: ${counterpartPath("nested", walk.steps).join(" → ")}`);
  assert.equal(leaf.contextValue, "nestedLeaf");
});

test("live: exit batches while running, the catch-up leaves no gap, the status figures, console input echoed", async () => {
  await running?.stop();
  const dc = (running = new DebugClient(process.execPath, adapter, "vmscope", undefined, true));
  dc.defaultTimeout = 20_000;
  const program = join(mkdtempSync(join(tmpdir(), "vmscope-views-")), "echo.elf");
  // Polls the UART in a loop: under trap-and-emulate every poll is an MMIO exit.
  writeFileSync(program, echoGuest(0x8020_0000n));
  const session = { customRequest: async (command: string, args?: unknown) => (await dc.customRequest(command, args)).body };
  const log = new ExitLog();
  const batches: ExitsAvailableEventBody[] = [];
  const catchUps: Promise<void>[] = [];
  const terminal = new TerminalText();
  let screen = "";
  dc.on("vmscope/exitsAvailable", (event: DebugProtocol.Event) => {
    const body = event.body as ExitsAvailableEventBody;
    batches.push(body);
    // What the VM Exits view does with a batch.
    const since = log.receive(body);
    if (since !== undefined) catchUps.push(vmscopeRequest(session, "vmscope/exits", { since, limit: log.capacity }).then((r) => log.add(r.records)));
  });
  dc.on("vmscope/console", (event: DebugProtocol.Event) => (screen += terminal.convert((event.body as ConsoleEventBody).text)));
  await dc.start();
  const entry = dc.waitForEvent("stopped");
  await Promise.all([dc.configurationSequence(), dc.launch({ program, mode: "trap-and-emulate", stopOnEntry: true })]);
  await entry;
  await dc.continueRequest({ threadId: 1 });
  const deadline = Date.now() + 10_000;
  while (batches.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await vmscopeRequest(session, "vmscope/consoleInput", { text: "hi\r" });
  while (!screen.includes("hi") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const paused = dc.waitForEvent("stopped");
  await dc.pauseRequest({ threadId: 1 });
  await paused;
  await Promise.all(catchUps);

  assert.ok(batches.length >= 2, `${batches.length} batches while running`);
  assert.ok(batches.every((b) => b.records.length > 0 && b.records.length <= 100), "at most 100 records a batch");
  assert.match(statusText({ mode: "trap-and-emulate", running: true, ...batches.at(-1) }), /^\$\(vm\) vmscope trap-and-emulate · [\d.]+[kM]? instr\/s · [\d.]+[kM]? exits\/s$/);
  // On the stop the view pulls what no batch carried, as exits-view.ts does.
  const stats = (await vmscopeRequest(session, "vmscope/exitStats", {})) as ExitStatsResponse;
  const rest = await vmscopeRequest(session, "vmscope/exits", { since: Math.max(log.next, stats.total - log.capacity), limit: log.capacity });
  log.add(rest.records);
  assert.equal(log.next, stats.total, "the log is current");
  const sequences = log.records().map((r) => r.sequence);
  const oldest = Math.max(rest.oldest, stats.total - log.capacity);
  assert.deepEqual(sequences.filter((q) => q >= oldest), Array.from({ length: stats.total - oldest }, (_, i) => stats.total - 1 - i), "no gap in the newest exits");
  assert.ok(log.records({ reason: "mmio-read" }).length > 0, "the UART polls are mmio-read exits");
  assert.match(screen, /hi\r/, "the guest echoed the keys typed into the terminal");
});
