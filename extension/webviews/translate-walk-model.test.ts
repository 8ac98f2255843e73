import { test } from "node:test";
import assert from "node:assert/strict";
import type { TranslateResponse, TranslateStep } from "../../debug-adapter/protocol";
import { isTwoDimensional, nestedGrid, walkBody } from "./translate-walk-model";

const g = (level: number, serves: string, n: number): TranslateStep => ({ stage: "g-stage", level, pteAddress: `0x9000${n}`, pte: `0x${n}f`, serves });
const guest = (level: number, n: number): TranslateStep => ({ stage: "guest", level, pteAddress: `0x8000${n}`, pte: `0x${n}1` });

/** Sv39 under Sv39x4 in the order the adapter sends: G-stage walk, then the guest PTE it served; the data's G-stage walk last. */
const nestedSteps: TranslateStep[] = [
  g(2, "L2", 1), g(1, "L2", 2), g(0, "L2", 3), guest(2, 4),
  g(2, "L1", 5), g(1, "L1", 6), g(0, "L1", 7), guest(1, 8),
  g(2, "L0", 9), g(1, "L0", 10), g(0, "L0", 11), guest(0, 12),
  g(2, "final", 13), g(1, "final", 14), g(0, "final", 15),
];

test("the 2D walk as a grid: guest levels plus final as rows, G-stage levels as columns", () => {
  const grid = nestedGrid(nestedSteps);
  assert.deepEqual(grid.columns, [2, 1, 0]);
  assert.deepEqual(grid.rows.map((r) => r.label), ["guest L2", "guest L1", "guest L0", "final"]);
  assert.deepEqual(grid.rows.map((r) => r.gStage.size), [3, 3, 3, 3]);
  assert.equal(grid.rows[1].gStage.get(0)?.pteAddress, "0x90007");
  assert.equal(grid.rows[1].guest?.pteAddress, "0x80008");
  assert.equal(grid.rows[3].guest, undefined);
  const cells = grid.rows.reduce((n, r) => n + r.gStage.size + (r.guest ? 1 : 0), 0);
  assert.equal(cells, 15, "every one of the 15 references has its cell");
});

test("a walk that faults early keeps the rows it made", () => {
  const grid = nestedGrid([g(2, "L2", 1), g(1, "L2", 2)]);
  assert.deepEqual(grid.rows.map((r) => [r.label, r.gStage.size]), [["L2", 2]]);
});

test("page body: 1D list for guest/shadow walks, grid for nested, guest strings escaped", () => {
  const shadow: TranslateResponse = {
    ok: false,
    fault: "page fault <hidden>",
    steps: [guest(2, 1), { stage: "shadow", level: 2, pteAddress: "0xa0001", note: "<b>invalid</b>" }],
    references: 2,
    guestPhysicalAddress: "0x80001000",
    verdict: "hidden-fault",
  };
  const nested: TranslateResponse = { ok: true, physicalAddress: "0x100001000", guestPhysicalAddress: "0x80001000", steps: nestedSteps, references: 15 };
  assert.equal(isTwoDimensional(nested), true);
  assert.equal(isTwoDimensional(shadow), false);
  const html = walkBody("0xffffffc000001000", [
    { root: "shadow", response: shadow },
    { root: "nested", response: nested },
  ]);
  assert.match(html, /<h1>Translation of 0xffffffc000001000<\/h1>/);
  assert.match(html, /fault — page fault &lt;hidden&gt; \(2 memory references\)/);
  assert.match(html, /verdict: hidden-fault/);
  assert.match(html, /&lt;b&gt;invalid&lt;\/b&gt;/);
  assert.ok(!html.includes("<b>"), "no guest markup survives");
  assert.match(html, /<table class="walk">/);
  assert.match(html, /<table class="grid"><thead><tr><th><\/th><th>G-stage L2<\/th><th>G-stage L1<\/th><th>G-stage L0<\/th><th>guest PTE<\/th>/);
  assert.match(html, /0x80001000 → 0x100001000 <span class="refs">\(nested walk, 15 memory references\)/);
  assert.equal((html.match(/<tr><th class="rowhead">/g) ?? []).length, 4);
});
