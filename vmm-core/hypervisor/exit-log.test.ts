import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ExitLog, defaultExitLogCapacity, fromJsonLine, toJsonLine } from "./exit-log";
import type { ExitReason, ExitRecord } from "./exit-record";

const reasons: ExitReason[] = ["csr-read", "csr-write", "sbi", "shadow-fill", "mmio-write"];

/** A varied, reproducible exit; `i` picks reason, vCPU, cost and optional fields. */
function exit(i: number): Omit<ExitRecord, "sequence"> {
  const reason = reasons[i % reasons.length];
  const partial: Omit<ExitRecord, "sequence"> = {
    vcpu: i % 3,
    instret: 1000 + i * 7,
    reason,
    detail: reason === "sbi" ? "TIME.set_timer" : i % 2 ? "sstatus" : "satp",
    pc: 0xffffffff80000000n + BigInt(i * 4),
    handling: `handled #${i}`,
    cost: 1 + (i % 5),
  };
  if (i % 4 !== 0) {
    partial.instruction = 0x10002573 + i;
    partial.disassembly = `csrr a0,sstatus ; ${i}`;
  }
  return partial;
}

test("record numbers exits from 0 and keeps the very object it was given", () => {
  const log = new ExitLog(8);
  const given = exit(0);
  const first = log.record(given);
  assert.equal(first, given, "no copy on the exit path");
  const second = log.record(exit(1));
  assert.equal(first.sequence, 0);
  assert.equal(second.sequence, 1);
  assert.equal(second.reason, "csr-write");
  assert.equal(log.recent(1)[0], second);
  assert.equal(log.total, 2);
  assert.equal(log.size, 2);
  assert.equal(new ExitLog().capacity, defaultExitLogCapacity);
  assert.throws(() => new ExitLog(0), RangeError);
});

test("the ring keeps the newest records and sequence numbers continue after wrap-around", () => {
  const log = new ExitLog(5);
  for (let i = 0; i < 13; i++) log.record(exit(i));
  assert.equal(log.size, 5);
  assert.equal(log.oldestSequence, 8);
  assert.deepEqual(log.since(0).map((r) => r.sequence), [8, 9, 10, 11, 12]);
  assert.deepEqual(log.recent(2).map((r) => r.sequence), [11, 12]);
  assert.deepEqual(log.recent(100).map((r) => r.sequence), [8, 9, 10, 11, 12]);
  assert.deepEqual(log.recent(0), []);
  assert.equal(log.record(exit(13)).sequence, 13);
  assert.deepEqual(log.since(10).map((r) => r.sequence), [10, 11, 12, 13]);
  assert.equal(log.since(10)[0].handling, "handled #10");
  assert.deepEqual(log.since(14), []);
});

test("statistics stay complete after the ring has dropped records", () => {
  const log = new ExitLog(4);
  const expected = new Map<string, { count: number; cost: number }>();
  const expectedDetail = new Map<string, number>();
  for (let i = 0; i < 1000; i++) {
    const partial = exit(i);
    log.record(partial);
    const entry = expected.get(partial.reason) ?? { count: 0, cost: 0 };
    entry.count++;
    entry.cost += partial.cost;
    expected.set(partial.reason, entry);
    const key = `${partial.reason}/${partial.detail}`;
    expectedDetail.set(key, (expectedDetail.get(key) ?? 0) + 1);
  }
  log.addHostTime("sbi", 1500, "TIME.set_timer");
  log.addHostTime("sbi", 500);
  log.addHostTime("csr-read", 250);
  const stats = log.statistics();
  assert.equal(stats.total, 1000);
  assert.equal(log.size, 4);
  for (const [reason, { count, cost }] of expected) {
    assert.equal(stats.byReason[reason].count, count, reason);
    assert.equal(stats.byReason[reason].cost, cost, reason);
  }
  assert.equal(Object.values(stats.byReason).reduce((sum, c) => sum + c.count, 0), 1000);
  for (const [key, count] of expectedDetail) {
    const [reason, detail] = key.split("/");
    assert.equal(stats.byDetail[reason][detail].count, count, key);
  }
  assert.equal(stats.byReason.sbi.hostNanoseconds, 2000);
  assert.equal(stats.byDetail.sbi["TIME.set_timer"].hostNanoseconds, 1500);
  assert.equal(stats.byReason["csr-read"].hostNanoseconds, 250);
  assert.equal(stats.byReason["csr-write"].hostNanoseconds, 0);
  // A snapshot, not a live view.
  stats.byReason.sbi.count = -1;
  assert.notEqual(log.statistics().byReason.sbi.count, -1);
  assert.throws(() => log.addHostTime("sbi", -1), RangeError);
});

test("since filters by reason and vCPU and honours the limit", () => {
  const log = new ExitLog(64);
  for (let i = 0; i < 40; i++) log.record(exit(i));
  const sbi = log.since(0, { reasons: ["sbi"] });
  assert.deepEqual(sbi.map((r) => r.sequence), [2, 7, 12, 17, 22, 27, 32, 37]);
  const vcpu1 = log.since(0, { vcpu: 1 });
  assert.ok(vcpu1.length > 0 && vcpu1.every((r) => r.vcpu === 1));
  assert.equal(vcpu1.length, 13);
  const both = log.since(5, { reasons: ["csr-read", "csr-write"], vcpu: 0, limit: 3 });
  assert.deepEqual(both.map((r) => r.sequence), [6, 15, 21]);
  assert.deepEqual(log.since(0, { reasons: [] }), []);
  assert.equal(log.since(0, { limit: 0 }).length, 0);
});

test("listeners see every record until they unsubscribe", () => {
  const log = new ExitLog(2);
  const seen: number[] = [];
  const stop = log.onRecord((record) => seen.push(record.sequence));
  for (let i = 0; i < 5; i++) log.record(exit(i));
  stop();
  log.record(exit(5));
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
});

test("JSON lines have a stable field order and parse back to the same record", () => {
  const log = new ExitLog(16);
  const records = Array.from({ length: 8 }, (_, i) => log.record(exit(i)));
  for (const record of records) {
    const line = toJsonLine(record);
    assert.ok(!line.includes("\n"));
    assert.deepEqual(fromJsonLine(line), { ...record });
  }
  const withInstruction = toJsonLine(records[1]);
  assert.deepEqual(Object.keys(JSON.parse(withInstruction)), [
    "sequence", "vcpu", "instret", "reason", "detail", "pc", "instruction", "disassembly", "handling", "cost",
  ]);
  assert.equal(JSON.parse(withInstruction).pc, "0xffffffff80000004");
  assert.equal(JSON.parse(withInstruction).instruction, "0x10002574");
  assert.deepEqual(Object.keys(JSON.parse(toJsonLine(records[0]))), [
    "sequence", "vcpu", "instret", "reason", "detail", "pc", "handling", "cost",
  ]);
  assert.throws(() => fromJsonLine('{"sequence":"x"}'), SyntaxError);
});

test("the same exits give the same JSON text, whatever host time was reported", () => {
  const run = (hostTime: number) => {
    const log = new ExitLog(32);
    const lines: string[] = [];
    log.onRecord((record) => lines.push(toJsonLine(record)));
    for (let i = 0; i < 50; i++) {
      log.record(exit(i));
      log.addHostTime(exit(i).reason, hostTime * (i + 1));
    }
    return lines.join("\n");
  };
  const first = run(100);
  assert.equal(run(7), first);
  assert.equal(first.split("\n").length, 50);
});

test("host time goes to the reason and detail it names, right after their record or not", () => {
  const log = new ExitLog(8);
  const timed = (reason: ExitRecord["reason"], detail: string): Omit<ExitRecord, "sequence"> => ({ ...exit(0), reason, detail });
  log.record(timed("csr-write", "sstatus"));
  log.addHostTime("csr-write", 100, "sstatus"); // the record just logged
  log.record(timed("csr-write", "satp"));
  log.addHostTime("csr-write", 10, "sstatus"); // same reason, another detail than the last record's
  log.addHostTime("sbi", 7, "TIME.set_timer"); // a reason with no record yet
  log.addHostTime("csr-write", 1); // reason only
  const saved = log.saveState();
  log.record(timed("mmio-read", "uart0.LSR"));
  log.loadState(saved); // the counters are new objects now: host time must land in them
  log.addHostTime("mmio-read", 1000, "uart0.LSR");
  const stats = log.statistics();
  assert.equal(stats.byReason["csr-write"].hostNanoseconds, 111);
  assert.equal(stats.byDetail["csr-write"].sstatus.hostNanoseconds, 110);
  assert.equal(stats.byDetail["csr-write"].satp.hostNanoseconds, 0);
  assert.equal(stats.byReason.sbi.hostNanoseconds, 7);
  assert.equal(stats.byReason.sbi.count, 0);
  assert.equal(stats.byDetail.sbi["TIME.set_timer"].hostNanoseconds, 7);
  assert.equal(stats.byReason["mmio-read"].hostNanoseconds, 1000);
  assert.equal(stats.byReason["mmio-read"].count, 0, "the record after the save was undone by the restore");
  assert.equal(stats.byDetail["mmio-read"]["uart0.LSR"].hostNanoseconds, 1000);
});

/** The JSON line as the format was first defined: an object in field order through JSON.stringify. */
function referenceJsonLine(record: ExitRecord): string {
  const hexOf = (value: bigint | number) => `0x${value.toString(16)}`;
  const line: Record<string, string | number> = { sequence: record.sequence, vcpu: record.vcpu, instret: record.instret, reason: record.reason, detail: record.detail, pc: hexOf(BigInt.asUintN(64, record.pc)) };
  if (record.instruction !== undefined) line.instruction = hexOf(record.instruction >>> 0);
  if (record.disassembly !== undefined) line.disassembly = record.disassembly;
  line.handling = record.handling;
  line.cost = record.cost;
  return JSON.stringify(line);
}

test("toJsonLine writes byte for byte what JSON.stringify of the record's fields gives (any strings, any numbers)", () => {
  const text = fc.string({ unit: "binary", maxLength: 40 });
  const record = fc.record(
    {
      sequence: fc.nat(),
      vcpu: fc.nat(64),
      instret: fc.oneof(fc.nat(), fc.double()),
      reason: fc.constantFrom(...reasons),
      detail: text,
      pc: fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }),
      instruction: fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
      disassembly: text,
      handling: text,
      cost: fc.oneof(fc.nat(), fc.double()),
    },
    { requiredKeys: ["sequence", "vcpu", "instret", "reason", "detail", "pc", "handling", "cost"] },
  );
  fc.assert(fc.property(record, (r) => toJsonLine(r) === referenceJsonLine(r)), { numRuns: 2000 });
  for (let i = 0; i < 20; i++) assert.equal(toJsonLine({ ...exit(i), sequence: i }), referenceJsonLine({ ...exit(i), sequence: i }));
});
