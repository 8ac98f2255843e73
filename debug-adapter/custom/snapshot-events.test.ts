/**
 * vmscope/loadSnapshot over the real protocol, on samples/minikernel under
 * trap-and-emulate: a load while stopped invalidates everything (areas
 * ["all"]) and reports the new stop location with a stopped event (reason
 * "goto"), so the client fetches threads and stacks again and sees the
 * snapshot's frames; a load while running invalidates and runs on from the
 * snapshot, with no stop.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { DebugClient } from "@vscode/debugadapter-testsupport";
import { custom, launchStopped, startHarness } from "../inspection/testing/dap-harness";
import type { SnapshotResponse } from "../protocol";

const root = resolve(import.meta.dirname, "..", "..");
const kernel = join(root, "samples", "minikernel", "minikernel.elf");
const dir = mkdtempSync(join(tmpdir(), "vmscope-snapshot-events-"));

async function resume(dc: DebugClient, request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent("stopped");
  await request();
  return (await stopped) as DebugProtocol.StoppedEvent;
}

async function topFrame(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
}

test("loadSnapshot while stopped: invalidated (all), then a goto stop at the snapshot's location", async (t) => {
  const harness = await startHarness();
  t.after(() => harness.close());
  const dc = harness.client;
  await launchStopped(dc, { program: kernel, mode: "trap-and-emulate", stopOnEntry: true });
  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: "main" }] });
  await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal((await topFrame(dc)).name, "main");
  const path = join(dir, "at-main.snapshot");
  const saved = await custom<SnapshotResponse>(dc, "vmscope/saveSnapshot", { path });

  await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: "syscall_dispatch" }] });
  await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal((await topFrame(dc)).name, "syscall_dispatch");
  const events: string[] = [];
  let areas: DebugProtocol.InvalidatedAreas[] | undefined;
  dc.on("invalidated", (event: DebugProtocol.InvalidatedEvent) => (events.push("invalidated"), (areas = event.body.areas)));
  const stopped = dc.waitForEvent("stopped") as Promise<DebugProtocol.StoppedEvent>;
  dc.on("stopped", () => events.push("stopped"));
  const loaded = await custom<SnapshotResponse>(dc, "vmscope/loadSnapshot", { path });
  assert.equal(loaded.instret, saved.instret);
  const stop = await stopped;
  assert.equal(stop.body.reason, "goto");
  assert.equal(stop.body.threadId, 1);
  assert.equal(stop.body.allThreadsStopped, true);
  assert.deepEqual(events, ["invalidated", "stopped"]);
  assert.deepEqual(areas, ["all"]);
  assert.equal((await dc.threadsRequest()).body.threads.length, 1);
  const top = await topFrame(dc);
  assert.equal(top.name, "main", "the stack is the snapshot's");
  assert.equal(BigInt(top.instructionPointerReference!), harness.machine().harts[0].pc);
  await assert.rejects(dc.exceptionInfoRequest({ threadId: 1 }), /did not stop on a trap/, "the old stop is forgotten");
  // From here the guest runs as it did from main: the next system call stops at the breakpoint again.
  const again = await resume(dc, () => dc.continueRequest({ threadId: 1 }));
  assert.equal(again.body.reason, "function breakpoint");
  assert.equal((await topFrame(dc)).name, "syscall_dispatch");
});

test("loadSnapshot while running: invalidated (all), the guest runs on from the snapshot without a stop", async (t) => {
  const harness = await startHarness();
  t.after(() => harness.close());
  const dc = harness.client;
  await launchStopped(dc, { program: kernel, mode: "trap-and-emulate", stopOnEntry: true });
  const path = join(dir, "at-entry.snapshot");
  await custom(dc, "vmscope/saveSnapshot", { path });
  let stops = 0;
  dc.on("stopped", () => stops++);
  // The guest boots again from the snapshot: its banner comes a second time.
  const banner = /minikernel: U-mode processes/g;
  let text = "";
  const seen = [0, 0].map(() => ({ done: () => {} }));
  const [bannerOnce, bannerAgain] = seen.map((slot) => new Promise<void>((done) => (slot.done = done)));
  dc.on("output", (event: DebugProtocol.OutputEvent) => {
    text += event.body.output;
    const count = (text.match(banner) ?? []).length;
    if (count >= 1) seen[0].done();
    if (count >= 2) seen[1].done();
  });
  // Bounded waits: a banner that never comes fails the test instead of hanging the suite.
  const within = (promise: Promise<void>, what: string): Promise<void> =>
    Promise.race([promise, new Promise<void>((_, fail) => setTimeout(() => fail(new Error(`${what} within 30 s; console so far: ${JSON.stringify(text)}`)), 30_000).unref())]);
  await dc.continueRequest({ threadId: 1 });
  // Load only once the guest has really run past the snapshot's point (on a loaded host 100 ms may not be enough).
  await within(bannerOnce, "the banner");
  const invalidated = dc.waitForEvent("invalidated") as Promise<DebugProtocol.InvalidatedEvent>;
  await custom(dc, "vmscope/loadSnapshot", { path });
  assert.deepEqual((await invalidated).body.areas, ["all"]);
  await within(bannerAgain, "the banner a second time, after the load");
  assert.equal(stops, 0, "no stop while running");
  const paused = await resume(dc, () => dc.pauseRequest({ threadId: 1 }));
  assert.equal(paused.body.reason, "pause");
});
