import { test } from "node:test";
import assert from "node:assert/strict";
import { exitRecord } from "../views/testing/payloads";
import { bucketExits } from "./timeline-model";

test("exits per reason in equal slices of guest time, most frequent reason first", () => {
  const records = [
    exitRecord(0, "csr", { instret: 0 }),
    exitRecord(1, "csr", { instret: 5 }),
    exitRecord(2, "ecall", { instret: 12 }),
    exitRecord(3, "csr", { instret: 39 }),
  ];
  const data = bucketExits(records, 4);
  assert.deepEqual(data.labels, ["0", "10", "20", "30"]);
  assert.deepEqual(data.datasets, [
    { reason: "csr", counts: [2, 0, 0, 1] },
    { reason: "ecall", counts: [0, 1, 0, 0] },
  ]);
  assert.deepEqual([data.from, data.to, data.total], [0, 39, 4]);
  const sum = data.datasets.flatMap((d) => d.counts).reduce((a, b) => a + b, 0);
  assert.equal(sum, records.length, "every exit lands in one bucket");
});

test("one instant, or nothing at all", () => {
  const single = bucketExits([exitRecord(0, "wfi", { instret: 7 }), exitRecord(1, "wfi", { instret: 7 })], 40);
  assert.deepEqual(single.labels, ["7"]);
  assert.deepEqual(single.datasets, [{ reason: "wfi", counts: [2] }]);
  assert.deepEqual(bucketExits([]), { labels: [], datasets: [], from: 0, to: 0, total: 0 });
});
