/** The pure parts of the bench harness: spreads, ratios and the table layout. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spreadOf } from "./stats";
import { formatTable } from "./table";
import { row } from "./types";

test("spreadOf takes the smallest as best and the middle as median", () => {
  assert.deepEqual(spreadOf([3, 1, 2]), { best: 1, median: 2, worst: 3, samples: [3, 1, 2] });
  assert.equal(spreadOf([4, 1, 3, 2]).median, 2.5);
  assert.throws(() => spreadOf([]));
});

test("row fills the ratio vmscope / QEMU only when both sides are known", () => {
  assert.equal(row("speed", "MIPS", 30, 1200).ratio, 0.025);
  assert.equal(row("speed", "MIPS", 30).ratio, undefined);
  assert.equal(row("speed", "MIPS", undefined, 1200).ratio, undefined);
  assert.equal(row("speed", "MIPS", 30, 1200, 60).target, 60);
});

test("formatTable aligns columns and lists checks and notes", () => {
  const text = formatTable([
    {
      name: "compute",
      rows: [row("speed", "MIPS", 31.25, 1250, 60), row("QEMU start-up + shutdown", "s", undefined, 0.0891)],
      checks: [
        { name: "same checksum", ok: true, detail: "0x1 / 0x1" },
        { name: "exit code", ok: false, detail: "budget/0" },
      ],
      notes: ["a remark"],
    },
  ]);
  const lines = text.split("\n");
  assert.equal(lines[0], "== compute ==");
  assert.match(lines[1], /^metric\s+unit\s+vmscope\s+QEMU\s+ratio\s+target$/);
  // Every table line has the same width, numbers right-aligned.
  assert.equal(lines[2].length, lines[1].length);
  assert.equal(lines[3].length, lines[1].length);
  assert.match(lines[3], /^speed\s+MIPS\s+31\.3\s+1250\s+0\.0250x\s+60\.0$/);
  assert.match(lines[4], /^QEMU start-up \+ shutdown\s+s\s+-\s+0\.0891\s+-\s+-$/);
  assert.equal(lines[5], "PASS  same checksum: 0x1 / 0x1");
  assert.equal(lines[6], "FAIL  exit code: budget/0");
  assert.equal(lines[7], "note: a remark");
});
