/**
 * vmscope/saveSnapshot and vmscope/loadSnapshot over the real protocol:
 * stopped at a breakpoint, save; run on to the next hit; load — the
 * machine is back where it was saved; run on again — it stops at the next
 * hit in exactly the state it reached the first time. Bad files are error
 * responses, and the session keeps serving.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { custom, failure, launchStopped, startHarness, type Harness } from "../../debug-adapter/inspection/testing/dap-harness";
import type { SnapshotResponse } from "../../debug-adapter/protocol";
import type { Machine } from "../../vmm-core/machine/machine";

const root = resolve(import.meta.dirname, "..", "..");
const paging = join(root, "test", "guests", "paging", "paging.elf");
const dir = mkdtempSync(join(tmpdir(), "vmscope-snapshot-dap-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

/** What must come back identically: every hart's registers, pc and count, and the exit log's length. */
function state(machine: Machine): string {
  return JSON.stringify({
    harts: machine.harts.map((hart) => ({ x: [...hart.x].map(String), pc: String(hart.pc), instret: hart.instret, priv: hart.priv })),
    exits: machine.monitor?.exits.total,
  });
}

async function continueToStop(harness: Harness): Promise<void> {
  const stopped = harness.client.waitForEvent("stopped");
  await harness.client.continueRequest({ threadId: 1 });
  await stopped;
}

test("a snapshot saved at a breakpoint and loaded after running on replays the same continuation", async () => {
  const harness = await startHarness();
  try {
    await launchStopped(harness.client, { program: paging, mode: "trap-and-emulate", stopOnEntry: true, memory: "128M" });
    const set = await harness.client.setFunctionBreakpointsRequest({ breakpoints: [{ name: "do_syscall" }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    await continueToStop(harness);
    const machine = harness.machine();
    const atSave = state(machine);
    const path = join(dir, "breakpoint.snap");
    const saved = await custom<SnapshotResponse>(harness.client, "vmscope/saveSnapshot", { path });
    assert.equal(saved.path, path);
    assert.ok(saved.bytes > 1000 && saved.instret > 0, JSON.stringify(saved));

    await continueToStop(harness);
    const nextHit = state(machine);
    assert.notEqual(nextHit, atSave, "the guest ran on to the next system call");

    const loaded = await custom<SnapshotResponse>(harness.client, "vmscope/loadSnapshot", { path });
    assert.deepEqual(loaded, saved);
    assert.equal(state(machine), atSave, "the machine is back at the saved point");
    // The views are told to refresh; the stack is read again from the restored registers.
    const frames = await harness.client.stackTraceRequest({ threadId: 1 });
    assert.equal(frames.body.stackFrames[0].name.includes("do_syscall"), true, frames.body.stackFrames[0].name);

    await continueToStop(harness);
    assert.equal(state(machine), nextHit, "the replay reaches the next system call in the same state");
  } finally {
    await harness.close();
  }
});

test("vmscope/loadSnapshot and saveSnapshot with bad paths or files are error responses; the session keeps serving", async () => {
  const harness = await startHarness();
  try {
    await launchStopped(harness.client, { program: paging, mode: "trap-and-emulate", stopOnEntry: true, memory: "128M" });
    const before = state(harness.machine());
    assert.match(await failure(harness.client.customRequest("vmscope/loadSnapshot", { path: join(dir, "missing.snap") })), /cannot read the snapshot .*no such file/);
    assert.match(await failure(harness.client.customRequest("vmscope/loadSnapshot", { path: paging })), /not a vmscope snapshot/);
    assert.match(await failure(harness.client.customRequest("vmscope/loadSnapshot", {})), /path/);
    assert.match(await failure(harness.client.customRequest("vmscope/saveSnapshot", { path: join(dir, "no", "dir", "x.snap") })), /cannot write the snapshot .*no such file/);
    assert.equal(state(harness.machine()), before, "a refused load changes nothing");
    const threads = await harness.client.threadsRequest();
    assert.ok(threads.body.threads.length > 0, "still serving");
  } finally {
    await harness.close();
  }
});
