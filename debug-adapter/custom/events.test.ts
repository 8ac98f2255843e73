/**
 * The custom events and the requests that change the machine: while the
 * paging guest runs under trap-and-emulate, vmscope/exitsAvailable comes
 * batched (at most one per 250 ms) with records that are the log's own;
 * vmscope/console carries exactly the console output; setBalloon and
 * consoleInput reach the machine and invalidate the client's views.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { BalloonInfo, ConsoleEventBody, ExitsAvailableEventBody } from "../protocol";
import { custom, failure, launchStopped, startHarness } from "../inspection/testing/dap-harness";
import { exitInfo, exitsEventInterval } from "./exits";

const root = resolve(import.meta.dirname, "..", "..");
const paging = join(root, "test", "guests", "paging");

test("while running: exitsAvailable batches every 250 ms at most, console events carry the output", async () => {
  const harness = await startHarness();
  try {
    const client = harness.client;
    await launchStopped(client, { program: join(paging, "paging.elf"), mode: "trap-and-emulate", stopOnEntry: true });
    const batches: { at: number; body: ExitsAvailableEventBody }[] = [];
    let consoleText = "";
    let outputText = "";
    client.on("vmscope/exitsAvailable", (event: DebugProtocol.Event) => batches.push({ at: performance.now(), body: event.body as ExitsAvailableEventBody }));
    client.on("vmscope/console", (event: DebugProtocol.Event) => (consoleText += (event.body as ConsoleEventBody).text));
    client.on("output", (event: DebugProtocol.OutputEvent) => {
      if (event.body.category === "stdout") outputText += event.body.output;
    });
    const started = performance.now();
    const terminated = client.waitForEvent("terminated", 60_000);
    await client.continueRequest({ threadId: 1 });
    await terminated;
    const elapsed = performance.now() - started;
    const log = harness.machine().monitor!.exits;

    // How many batches a run gets depends on its length (engine, host load): several once it lasts a few intervals.
    assert.ok(batches.length >= (elapsed >= 3 * exitsEventInterval ? 2 : 1), `several batches during a ${elapsed.toFixed(0)} ms run (got ${batches.length})`);
    assert.ok(batches.length <= Math.ceil(elapsed / exitsEventInterval) + 1, `at most one batch per ${exitsEventInterval} ms`);
    let previous = 0;
    for (const { body } of batches) {
      assert.ok(body.next > previous, "next grows batch by batch");
      assert.ok(body.records.length > 0 && body.records.length <= 100);
      assert.equal(body.records[body.records.length - 1].sequence, body.next - 1, "the batch ends with the newest record");
      const first = body.records[0].sequence;
      if (first >= log.oldestSequence) assert.deepEqual(body.records, log.since(first, { limit: body.records.length }).map(exitInfo), "the log's own records");
      assert.ok(body.instructionsPerSecond > 0 && body.exitsPerSecond > 0);
      previous = body.next;
    }
    const expected = readFileSync(join(paging, "expected-output.txt"), "latin1");
    assert.equal(consoleText, outputText, "the console channel carries what the output events carry");
    assert.equal(consoleText, expected);
  } finally {
    await harness.close();
  }
});

test("setBalloon and consoleInput reach the machine and invalidate the views; bad values are refused", async () => {
  const harness = await startHarness();
  try {
    const client = harness.client;
    await launchStopped(client, { program: join(root, "samples", "hello", "hello.elf"), stopOnEntry: true, memory: "64M" });
    const machine = harness.machine();
    const invalidated = client.waitForEvent("invalidated");
    const balloon = await custom<BalloonInfo>(client, "vmscope/setBalloon", { targetMib: 8 });
    assert.deepEqual(balloon, machine.balloonInfo());
    assert.equal(balloon.targetPages, 8 * 256);
    await invalidated;
    assert.match(await failure(client.customRequest("vmscope/setBalloon", { targetMib: 65 })), /balloon: 65 MiB/);
    assert.equal(machine.balloonInfo().targetPages, 8 * 256, "a refused target changes nothing");

    const before = machine.input.available;
    await custom(client, "vmscope/consoleInput", { text: "ls\r" });
    assert.equal(machine.input.available, before + 3);
    const bytes = [machine.input.take(), machine.input.take(), machine.input.take()];
    assert.deepEqual(bytes, [0x6c, 0x73, 0x0d]);
  } finally {
    await harness.close();
  }
});
