import { test } from "node:test";
import assert from "node:assert/strict";
import { ExitLog } from "./exit-log";
import { formatExitStatistics } from "./exit-stats-report";
import type { ExitReason } from "./exit-record";

function logWith(exits: [ExitReason, string, number][]): ExitLog {
  const log = new ExitLog(4);
  for (const [reason, detail, cost] of exits) {
    log.record({ vcpu: 0, instret: 0, reason, detail, pc: 0x80000000n, handling: "", cost });
  }
  return log;
}

test("the table lists reason and detail rows by count with shares, mean cost and mean host time", () => {
  const log = logWith([
    ["csr-read", "sstatus", 2],
    ["sbi", "TIME.set_timer", 10],
    ["csr-read", "sstatus", 4],
    ["csr-read", "sstatus", 6],
    ["csr-write", "satp", 1],
    ["sbi", "TIME.set_timer", 20],
  ]);
  log.addHostTime("csr-read", 3000, "sstatus");
  log.addHostTime("sbi", 5000, "TIME.set_timer");
  const text = formatExitStatistics(log.statistics());
  assert.equal(
    text,
    [
      "reason     detail          count  % of exits  mean cost  mean host µs",
      "---------  --------------  -----  ----------  ---------  ------------",
      "csr-read   sstatus             3       50.0%        4.0          1.00",
      "sbi        TIME.set_timer      2       33.3%       15.0          2.50",
      "csr-write  satp                1       16.7%        1.0          0.00",
      "---------  --------------  -----  ----------  ---------  ------------",
      "total                          6      100.0%        7.2          1.33",
      "",
    ].join("\n"),
  );
});

test("rows can be grouped per reason, ties are ordered by name", () => {
  const log = logWith([
    ["sbi", "BASE.get_spec_version", 1],
    ["mmio-write", "uart0.THR", 3],
    ["sbi", "TIME.set_timer", 1],
    ["mmio-write", "uart0.THR", 5],
  ]);
  const lines = formatExitStatistics(log.statistics(), { groupBy: "reason" }).split("\n");
  assert.match(lines[2], /^mmio-write\s+2\s+50\.0%\s+4\.0\s+0\.00$/);
  assert.match(lines[3], /^sbi\s+2\s+50\.0%\s+1\.0\s+0\.00$/);
});

test("an empty log gives a table with only the total", () => {
  const text = formatExitStatistics(new ExitLog().statistics());
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 4);
  assert.match(lines[3], /^total\s+0\s+0\.0%\s+0\.0\s+0\.00$/);
});
