/**
 * Function breakpoints on functions GCC inlined: samples/paging's
 * page_fault exists only as a DW_TAG_inlined_subroutine inside sample_trap
 * (no ELF symbol, no out-of-line subprogram). The addresses we bind must be
 * the locations gdb-multiarch reports for `break NAME`, also for a function
 * with both an out-of-line copy and inlined ones (sbi_call), one whose
 * copies include an empty one gdb leaves out (next_table), and hello's
 * putc_uart; then a DAP function breakpoint on page_fault stops there,
 * and the Call Stack names the frame after the inlined function.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { needTool } from "../test/support/reference";
import { readDebugInfo } from "../vmm-core/loader/dwarf/index";
import { launchStopped, startHarness } from "./inspection/testing/dap-harness";
import { loadProgramDebugInfo } from "./stack-debug-info";

const root = resolve(import.meta.dirname, "..");
const paging = join(root, "samples", "paging", "paging.elf");
const hello = join(root, "samples", "hello", "hello.elf");

function programInfo(path: string) {
  return loadProgramDebugInfo([{ name: path, bytes: new Uint8Array(readFileSync(path)), offset: 0n, addSymbols: true }], []);
}

/** gdb's breakpoint locations for each name: `break` each, then parse `info breakpoints` ("0x… in NAME at FILE:LINE"). */
function gdbLocations(elf: string, names: readonly string[]): Map<string, bigint[]> {
  const output = execFileSync("gdb-multiarch", ["-q", "-nx", "-batch", ...names.flatMap((n) => ["-ex", `break ${n}`]), "-ex", "info breakpoints", elf], {
    encoding: "utf8",
    timeout: 60_000,
  });
  const found = new Map<string, bigint[]>(names.map((n) => [n, []]));
  for (const match of output.matchAll(/\b0x([0-9a-f]+) in (\w+) at /g)) found.get(match[2])?.push(BigInt("0x" + match[1]));
  return found;
}

const sorted = (addresses: Iterable<bigint>): bigint[] => [...addresses].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

test("page_fault has no out-of-line code, only its inlined copy in sample_trap", () => {
  const info = readDebugInfo(new Uint8Array(readFileSync(paging)));
  assert.deepEqual(info.functionsNamed("page_fault"), []);
  const [copy, ...others] = info.inlinedNamed("page_fault");
  assert.ok(copy && others.length === 0);
  assert.equal(copy.callFile, "paging.c");
  assert.equal(copy.callLine, 74);
  assert.ok(copy.ranges.some((r) => copy.entry >= r.low && copy.entry < r.high), "the entry lies in the copy's code");
  assert.equal(info.functionAt(copy.entry)?.name, "sample_trap");
  assert.deepEqual(info.inlinedAt(copy.entry).map((c) => c.name), ["page_fault"]);
  assert.deepEqual(info.inlinedAt(info.functionsNamed("sample_trap")[0].low), []);
  // An empty copy (high_pc 0) is left out; every other copy has code.
  assert.ok(info.inlinedNamed("next_table").every((c) => c.ranges.length > 0));
  // page_fault calls in_heap, inlined into the inlined copy: innermost first.
  const inner = info.inlinedNamed("in_heap").filter((c) => copy.ranges.some((r) => c.entry >= r.low && c.entry < r.high));
  assert.equal(inner.length, 1);
  assert.ok(inner[0].depth > copy.depth);
  assert.deepEqual(info.inlinedAt(inner[0].entry).map((c) => c.name), ["in_heap", "page_fault"]);
});

test("function breakpoint addresses equal gdb-multiarch's `break` locations", (t) => {
  if (!needTool(t, "gdb-multiarch")) return;
  for (const [elf, names] of [
    [paging, ["page_fault", "sbi_call", "next_table", "map_page"]],
    [hello, ["putc_uart", "main"]],
  ] as const) {
    const info = programInfo(elf);
    const expected = gdbLocations(elf, names);
    for (const name of names) {
      assert.ok(expected.get(name)!.length > 0, `gdb found ${name}`);
      assert.deepEqual(info.functionAddresses(name), sorted(expected.get(name)!), `${name} in ${elf}`);
    }
  }
  assert.equal(gdbLocations(hello, ["putc_uart"]).get("putc_uart")!.length, 4, "putc_uart is inlined in four places");
});

test("setFunctionBreakpoints on the inlined page_fault stops there under trap-and-emulate", async (t) => {
  const [copy] = readDebugInfo(new Uint8Array(readFileSync(paging))).inlinedNamed("page_fault");
  const harness = await startHarness();
  t.after(() => harness.close());
  const dc = harness.client;
  await launchStopped(dc, { program: paging, mode: "trap-and-emulate", memory: "128M", stopOnEntry: true });
  const set = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: "page_fault" }] });
  const [breakpoint] = set.body.breakpoints;
  assert.equal(breakpoint.verified, true, breakpoint.message);
  assert.equal(BigInt(breakpoint.instructionReference!), copy.entry);
  assert.equal(breakpoint.source?.name, "paging.c");
  const stopped = dc.waitForEvent("stopped");
  await dc.continueRequest({ threadId: 1 });
  assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, "function breakpoint");
  const [top] = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  assert.equal(BigInt(top.instructionPointerReference!), copy.entry);
  assert.equal(top.line, 27, "page_fault's first line, where gdb stops too");
  assert.equal(top.name, "page_fault (inlined into sample_trap)", "named after the inlined function, without an extra frame");
});
