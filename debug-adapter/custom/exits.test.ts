/**
 * The exitsAvailable batching on a guest clock of our own: one batch per
 * 250 ms at most, only with new exits, the newest 100 records at most, rates
 * over the interval, and a fresh start after the guest was stopped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Machine } from "../../vmm-core/machine/machine";
import { ExitStream, exitInfo } from "./exits";

const root = resolve(import.meta.dirname, "..", "..");

test("exit batches: throttled, the newest records, rates (also with no news), restart after a stop", () => {
  const machine = new Machine({ memory: 128 << 20, mode: "trap-and-emulate", kernel: readFileSync(join(root, "test", "guests", "paging", "paging.elf")) });
  const log = machine.monitor!.exits;
  let now = 1000;
  const stream = new ExitStream(() => now);
  machine.run(20_000);
  assert.equal(stream.poll(machine), undefined, "the first slice only starts the clock");
  const exitsAtStart = log.total;
  now += 100;
  machine.run(20_000);
  assert.equal(stream.poll(machine), undefined, "100 ms later: too early");
  now += 200;
  const first = stream.poll(machine)!;
  assert.ok(first, "300 ms after the start: a batch");
  assert.equal(first.next, log.total);
  assert.equal(first.records.length, Math.min(100, log.total));
  assert.deepEqual(first.records, log.recent(first.records.length).map(exitInfo));
  assert.equal(first.exitsPerSecond, Math.round(((log.total - exitsAtStart) * 1000) / 300), "exits per second over the interval");
  now += 300;
  const quiet = stream.poll(machine)!;
  assert.deepEqual([quiet.records, quiet.exitsPerSecond, quiet.next], [[], 0, log.total], "no new exits: rates only");
  const before = log.total;
  while (log.total === before) machine.run(1000);
  now += 10;
  assert.equal(stream.poll(machine), undefined, "10 ms after a batch: too early");
  now += 250;
  const second = stream.poll(machine)!;
  assert.ok(second, "new exits after the interval: a batch");
  assert.equal(second.records[0].sequence, before, "it starts after the last batch");
  // Stopped for five seconds, then resumed: rates start over instead of averaging the stop in.
  now += 5000;
  assert.equal(stream.poll(machine), undefined, "the first slice after a stop starts the clock again");
  const instretAtRestart = machine.harts[0].instret;
  const exitsAtRestart = log.total;
  now += 300;
  while (log.total === exitsAtRestart) machine.run(1000);
  const third = stream.poll(machine)!;
  assert.ok(third);
  assert.equal(third.instructionsPerSecond, Math.round(((machine.harts[0].instret - instretAtRestart) * 1000) / 300), "the rate covers the running time only");
});

test("mode none has no exits but still reports the instruction rate", () => {
  const machine = new Machine({ memory: 128 << 20, kernel: readFileSync(join(root, "samples", "hello", "hello.elf")) });
  let now = 1000;
  const stream = new ExitStream(() => now);
  assert.equal(stream.poll(machine), undefined);
  machine.run(3000);
  now += 500;
  const batch = stream.poll(machine)!;
  assert.deepEqual([batch.next, batch.records, batch.exitsPerSecond], [0, [], 0]);
  assert.equal(batch.instructionsPerSecond, Math.round((machine.harts[0].instret * 1000) / 500));
  assert.ok(batch.instructionsPerSecond > 0);
});
