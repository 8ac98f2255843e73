/**
 * The trap exception filter stops before the trap is taken, over the real
 * protocol on samples/paging under OpenSBI (its user processes' heaps are
 * paged in on demand): the stop is at the faulting load or store with every
 * register as it was, exceptionInfo names the cause and tval, a step takes
 * that very trap into the kernel's handler (scause, sepc, stval written, no
 * other register changed), and continuing never stops on it a second time.
 * An interrupt filter (samples/minikernel's timer ticks) stops at the
 * instruction boundary where the interrupt would be taken.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { debianFirmware, needTool } from "../test/support/reference";
import { launchConfigured, startHarness } from "./inspection/testing/dap-harness";

const root = resolve(import.meta.dirname, "..");
const paging = join(root, "samples", "paging", "paging.elf");

async function resume(dc: DebugClient, request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent("stopped");
  await request();
  return (await stopped) as DebugProtocol.StoppedEvent;
}

async function registers(dc: DebugClient): Promise<Map<string, string>> {
  const [top] = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  const scope = (await dc.scopesRequest({ frameId: top.id })).body.scopes.find((s) => s.name === "Registers")!;
  const variables = (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
  return new Map(variables.map((v) => [v.name, v.value]));
}

test("a page-fault filter stops at the faulting access, nothing committed; a step takes that trap, continue does not stop on it again", async (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump)) return;
  const harness = await startHarness();
  t.after(() => harness.close());
  const dc = harness.client;
  const armed = await launchConfigured(dc, { program: paging, bios: debianFirmware.openSbiFwJump }, () =>
    dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: "trap", condition: "load page fault, store/AMO page fault" }] }),
  );
  assert.equal(armed.body?.breakpoints?.[0].verified, true);

  const stop = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal(stop.body.reason, "exception");
  assert.match(stop.body.description ?? "", /^Trap: (load|store\/AMO) page fault$/);
  const info = (await dc.exceptionInfoRequest({ threadId: 1 })).body;
  const described = /\(cause (13|15)\) at (0x[0-9a-f]+), tval (0x[0-9a-f]+): U-mode → S-mode, not taken yet/.exec(info.description ?? "");
  assert.ok(described, info.description);
  assert.equal(info.exceptionId, `trap-exception-${described[1]}`);
  const [cause, pc, tval] = [BigInt(described[1]), BigInt(described[2]), BigInt(described[3])];
  const hart = harness.machine().harts[0];
  assert.equal(hart.pc, pc, "stopped at the faulting instruction");
  const [top] = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  assert.equal(BigInt(top.instructionPointerReference!), pc);
  // The user process's own code, as the Disassembly view shows it through its page tables.
  const [instruction] = (await dc.disassembleRequest({ memoryReference: top.instructionPointerReference!, instructionCount: 1 })).body!.instructions;
  assert.match(instruction.instruction, /^(c\.)?(s[bhwd]|l[bhwd]u?|amo\S+|sc\.[wd]|lr\.[wd])\s/, `a load or store at 0x${pc.toString(16)}`);
  const before = await registers(dc);
  assert.equal(BigInt(before.get("pc")!), pc);
  const trapsBefore = hart.traps.total;
  const retired = hart.instret;
  const stvec = hart.csr.stvec;

  // Stepping one instruction takes exactly that trap: into the handler with the CSRs written, no register changed.
  const step = await resume(dc, () => dc.stepInRequest({ threadId: 1, granularity: "instruction" }));
  assert.equal(step.body.reason, "step");
  assert.equal(hart.traps.total, trapsBefore + 1);
  assert.equal(hart.pc, stvec & ~3n, "in the kernel's trap vector");
  assert.deepEqual([hart.csr.scause, hart.csr.sepc, hart.csr.stval], [cause, pc, tval]);
  const after = await registers(dc);
  for (const [name, value] of before) if (name !== "pc") assert.equal(after.get(name), value, `${name} unchanged by the trap`);

  // The kernel pages the heap in and re-runs the access: the next stop is a later fault, never this one again.
  const next = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal(next.body.reason, "exception");
  assert.ok(hart.instret > retired, "execution moved on before the next stop");
  const nextInfo = (await dc.exceptionInfoRequest({ threadId: 1 })).body;
  assert.notEqual(nextInfo.description, info.description, "a different fault (another page)");
});

test("an interrupt filter stops at the boundary where the interrupt would be taken; a step enters the handler", async (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump)) return;
  const minikernel = join(root, "samples", "minikernel", "minikernel.elf");
  const harness = await startHarness();
  t.after(() => harness.close());
  const dc = harness.client;
  await launchConfigured(dc, { program: minikernel, bios: debianFirmware.openSbiFwJump }, () =>
    dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: "trap", condition: "supervisor timer interrupt" }] }),
  );

  const stop = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal(stop.body.description, "Trap: supervisor timer interrupt");
  const info = (await dc.exceptionInfoRequest({ threadId: 1 })).body;
  assert.equal(info.exceptionId, "trap-interrupt-5");
  const described = /\(cause 5, interrupt\) before (0x[0-9a-f]+), tval 0x0: (U|S)-mode → S-mode, not taken yet/.exec(info.description ?? "");
  assert.ok(described, info.description);
  const hart = harness.machine().harts[0];
  const boundary = BigInt(described[1]);
  assert.equal(hart.pc, boundary, "nothing ran past the boundary");
  const trapsBefore = hart.traps.total;
  const step = await resume(dc, () => dc.stepInRequest({ threadId: 1, granularity: "instruction" }));
  assert.equal(step.body.reason, "step");
  assert.equal(hart.traps.total, trapsBefore + 1, "the step took the interrupt");
  assert.deepEqual([hart.csr.scause, hart.csr.sepc, hart.pc], [(1n << 63n) | 5n, boundary, hart.csr.stvec & ~3n]);
});
