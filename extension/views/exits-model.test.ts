import { test } from "node:test";
import assert from "node:assert/strict";
import type { ExitStatsResponse } from "../../debug-adapter/protocol";
import { ExitLog } from "./exit-log";
import { exitsRootNodes, groupDescription, reasonGroups } from "./exits-model";
import { perMillionInstructions, RateMeter } from "./rates";
import { exitRecord } from "./testing/payloads";

test("the log keeps records newest first, once each, bounded", () => {
  const log = new ExitLog(5);
  log.add([exitRecord(1, "csr"), exitRecord(0, "ecall")]);
  log.add([exitRecord(1, "csr"), exitRecord(2, "sret"), exitRecord(3, "csr")]);
  assert.deepEqual(log.records().map((r) => r.sequence), [3, 2, 1, 0]);
  assert.equal(log.next, 4);
  log.add([4, 5, 6].map((s) => exitRecord(s, "wfi")));
  assert.deepEqual(log.records().map((r) => r.sequence), [6, 5, 4, 3, 2], "the oldest go");
  assert.deepEqual(log.records({ reason: "csr" }).map((r) => r.sequence), [3]);
  assert.deepEqual(log.records({}, 2).map((r) => r.sequence), [6, 5]);
  assert.deepEqual(log.reasons(), ["csr", "sret", "wfi"]);
});

test("a batch that skips records asks for a catch-up from the first missing one", () => {
  const log = new ExitLog(1000);
  const body = (from: number, to: number) => ({
    next: to + 1,
    records: Array.from({ length: to - from + 1 }, (_, i) => exitRecord(from + i, "csr")),
    instructionsPerSecond: 1e7,
    exitsPerSecond: 100,
  });
  assert.equal(log.receive(body(0, 99)), undefined, "contiguous from the start");
  assert.equal(log.receive(body(100, 199)), undefined, "contiguous");
  assert.equal(log.receive(body(350, 449)), 200, "150 exits were not in any batch");
  assert.equal(log.next, 450);
  assert.equal(log.receive(body(5000, 5099)), 4100, "only what the log can hold is asked for");
});

test("groups by reason with counts from the stats, rates per second and per million instructions", () => {
  const log = new ExitLog();
  log.add([exitRecord(0, "csr"), exitRecord(1, "ecall"), exitRecord(2, "csr"), exitRecord(3, "csr", { vcpu: 1 })]);
  const stats: ExitStatsResponse = {
    total: 1003,
    byReason: { csr: { count: 1000, cost: 1, hostNanoseconds: 1 }, ecall: { count: 3, cost: 1, hostNanoseconds: 1 } },
    byDetail: {},
    instret: 2_000_000,
  };
  const groups = reasonGroups(log, {}, stats, { csr: 250 });
  assert.deepEqual(groups.map((g) => [g.reason, g.count, g.perMillion, g.perSecond]), [
    ["csr", 1000, 500, 250],
    ["ecall", 3, 1.5, undefined],
  ]);
  assert.equal(groupDescription(groups[0]), "1000 exits · 500/M instr · 250/s");
  // A vCPU filter can only count what the log holds (the stats are over all vCPUs).
  assert.deepEqual(reasonGroups(log, { vcpu: 1 }, stats).map((g) => [g.reason, g.count]), [["csr", 1]]);
});

test("the tree: filter line, the latest exits (expanded) and the reason groups; selecting reveals", () => {
  const log = new ExitLog();
  log.add([exitRecord(0, "csr"), exitRecord(1, "ecall"), exitRecord(2, "csr")]);
  const nodes = exitsRootNodes(log, {});
  assert.deepEqual(nodes.map((n) => n.label), ["Latest exits", "csr", "ecall"]);
  assert.equal(nodes[0].expanded, true);
  assert.deepEqual(nodes[0].children?.map((n) => n.label), ["#2 csr", "#1 ecall", "#0 csr"]);
  const newest = nodes[0].children![0];
  assert.equal(newest.description, "csrr sstatus · pc 0x80200008 · vCPU 0");
  assert.equal(newest.command?.command, "vmscope.exits.reveal");
  assert.equal(newest.command?.arguments?.[0], log.records()[0]);
  assert.equal(nodes[1].description, "2 exits");
  assert.deepEqual(nodes[1].children?.map((n) => n.label), ["#2 csr", "#0 csr"]);
  assert.notEqual(nodes[1].children![0].id, newest.id, "ids stay unique across groups");

  const filtered = exitsRootNodes(log, { reason: "ecall" });
  assert.deepEqual(filtered.map((n) => n.label), ["Filter: reason ecall", "Latest exits", "ecall"]);
  assert.deepEqual(exitsRootNodes(new ExitLog(), {}).map((n) => n.label), ["No VM exits yet"]);
});

test("rate meter: per-second rates between two snapshots; a counter reset restarts it", () => {
  const meter = new RateMeter();
  assert.deepEqual(meter.sample({ time: 0, counts: { csr: 10 } }), {});
  assert.deepEqual(meter.sample({ time: 500, counts: { csr: 60, ecall: 5 } }), { csr: 100, ecall: 10 });
  assert.deepEqual(meter.rates, { csr: 100, ecall: 10 });
  assert.deepEqual(meter.sample({ time: 1000, counts: { csr: 3 } }), {}, "a new session's counters");
  assert.deepEqual(meter.sample({ time: 2000, counts: { csr: 4 } }), { csr: 1 });
  assert.equal(perMillionInstructions(5, 0), undefined);
  assert.equal(perMillionInstructions(5, 10_000_000), 0.5);
});

test("while running only a window of the newest exits is caught up", () => {
  const log = new ExitLog(5000);
  const body = { next: 60_000, records: [exitRecord(59_999, "mmio-read")], instructionsPerSecond: 1e5, exitsPerSecond: 5e4 };
  assert.equal(log.receive(body, 1000), 59_000);
});
