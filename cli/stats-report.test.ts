import { test } from "node:test";
import assert from "node:assert/strict";
import { formatStats } from "./stats-report";

test("the report shows every figure from machine.stats()", () => {
  const lines = formatStats(
    {
      instructions: 2_500_000,
      trapsByCause: { "environment call from S-mode": 7, "machine timer interrupt": 1200 },
      instructionsByPrivilege: { M: 500_000, S: 1_500_000, U: 500_000 },
      tlb: { hits: 900, misses: 100, walks: 100, walkMemoryReferences: 300 },
    },
    0.5,
  );
  const text = lines.join("\n");
  assert.match(text, /instructions retired\s+2,500,000/);
  assert.match(text, /wall time\s+0\.500 s/);
  assert.match(text, /speed\s+5\.00 MIPS/);
  assert.match(text, /S\s+1,500,000\s+60\.0%/);
  assert.match(text, /machine timer interrupt\s+1,200/);
  // Most frequent cause first.
  assert.ok(text.indexOf("machine timer interrupt") < text.indexOf("environment call from S-mode"));
  assert.match(text, /hits\s+900\s+90\.0%/);
  assert.match(text, /memory references per walk\s+3\.00/);
});

test("no traps and no walks print as such, not as NaN", () => {
  const text = formatStats(
    { instructions: 0n, trapsByCause: {}, instructionsByPrivilege: { M: 0n, S: 0n, U: 0n }, tlb: { hits: 0, misses: 0, walks: 0, walkMemoryReferences: 0 } },
    0,
  ).join("\n");
  assert.match(text, /traps by cause\s+none/);
  assert.doesNotMatch(text, /NaN/);
});
