/**
 * The walkthroughs quote `vmscope compare` figures between
 * `<!-- figures:compare KERNEL -->` markers. This test reruns the
 * comparisons with the current code and checks that every quoted table is
 * still what it produces (regenerate with node scripts/update-sample-figures.mjs),
 * and that the contrasts the text describes hold.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { debianFirmware, needTool } from "../test/support/reference";
// @ts-expect-error: a plain .mjs script, shared with the command line
import { compareJson, figureBlocks, readmes, renderFigures, root } from "../scripts/update-sample-figures.mjs";

interface ModeJson {
  instructions: number;
  exits: { total: number; byReason: Record<string, number> };
  pageFaults: { hidden: number; true: number };
  walkRefsPerMiss: number;
}
type CompareJson = { modes: Record<string, ModeJson>; outputIdentical: boolean };

const comparisons = new Map<string, CompareJson>();
function compared(kernel: string): CompareJson {
  if (!comparisons.has(kernel)) comparisons.set(kernel, compareJson(kernel) as CompareJson);
  return comparisons.get(kernel) as CompareJson;
}

for (const path of readmes as string[]) {
  const name = path.slice((root as string).length + 1);
  test(`${name} quotes the figures vmscope compare produces now`, (t) => {
    if (!needTool(t, debianFirmware.openSbiFwJump)) return;
    const blocks = figureBlocks(readFileSync(path, "utf8")) as { kernel: string; table: string }[];
    assert.ok(blocks.length > 0, `${name} has no <!-- figures:compare KERNEL --> block`);
    for (const block of blocks) {
      const json = compared(block.kernel);
      assert.equal(json.outputIdentical, true, `${block.kernel}: the modes printed different output`);
      assert.equal(block.table, renderFigures(json), `${name}: the ${block.kernel} figures are stale: run node scripts/update-sample-figures.mjs`);
    }
  });
}

test("the contrasts the walkthroughs describe hold", (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump)) return;
  const privileged = compared("privileged").modes;
  const pv = compared("pvkernel").modes;
  const paging = compared("paging").modes;
  const csrExits = (m: ModeJson) => (m.exits.byReason["csr-write"] ?? 0) + (m.exits.byReason["csr-read"] ?? 0);
  // privileged: every CSR access exits under trap-and-emulate, none under hardware-assisted.
  assert.ok(csrExits(privileged["trap-and-emulate"]) >= 200 * 9);
  assert.equal(csrExits(privileged["hardware-assisted"]), 0);
  // pvkernel: a fraction of privileged's exits under trap-and-emulate; no gain under hardware-assisted, where
  // its timer hypercalls exit and privileged's stimecmp writes (VS-mode Sstc) do not.
  assert.ok(pv["trap-and-emulate"].exits.total * 4 < privileged["trap-and-emulate"].exits.total);
  assert.ok(pv["trap-and-emulate"].exits.byReason["csr-write"] >= 200, "the satp writes remain");
  assert.equal(privileged["hardware-assisted"].exits.byReason["timer"] ?? 0, 0);
  assert.ok(pv["hardware-assisted"].exits.byReason["sbi"] > privileged["hardware-assisted"].exits.byReason["sbi"]);
  assert.ok(pv["hardware-assisted"].exits.total >= privileged["hardware-assisted"].exits.total);
  // paging: the guest's own faults are the same everywhere; hidden ones exist only under a monitor.
  for (const mode of ["none", "trap-and-emulate", "hardware-assisted"]) assert.equal(paging[mode].pageFaults.true, 21, mode);
  assert.equal(paging.none.pageFaults.hidden, 0);
  assert.ok(paging["trap-and-emulate"].exits.byReason["shadow-fill"] > 0);
  assert.ok(paging["hardware-assisted"].exits.byReason["nested-fill"] > 0);
  // The two-dimensional walk: several times the references of a one-dimensional one.
  assert.ok(paging["hardware-assisted"].walkRefsPerMiss > 2 * paging["trap-and-emulate"].walkRefsPerMiss);
});
