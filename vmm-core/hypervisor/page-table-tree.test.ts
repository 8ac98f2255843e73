import { test } from "node:test";
import assert from "node:assert/strict";
import { Access } from "../hart/mmu";
import { walkTree } from "./page-table-tree";
import { A, ctx, D, G, guestRamBase, hartAccess, makeHost, R, sv39, U, W, X } from "./shadow/testing/guest-tables";

test("walkTree coalesces contiguous leaves with equal flags and keeps every valid entry", () => {
  const { shadow, tables } = makeHost();
  const root = tables.table();
  // 16 contiguous RW pages, then one RX page continuing both ranges (other flags: new range),
  // then a gap, then 4 pages contiguous in va but not in pa.
  for (let i = 0n; i < 16n; i++) tables.map4(root, 0x1000_0000n + i * 0x1000n, guestRamBase + i * 0x1000n, R | W | A | D);
  tables.map4(root, 0x1001_0000n, guestRamBase + 0x10000n, R | X | A);
  for (let i = 0n; i < 4n; i++) tables.map4(root, 0x1010_0000n + i * 0x1000n, guestRamBase + 0x40_0000n - i * 0x1000n, R | U | A);
  // A kernel 1 GiB superpage in the upper half and a 2 MiB one.
  tables.map4(root, 0xffff_ffff_8000_0000n, 0x8000_0000n, R | W | X | G | A | D, 2);
  tables.map4(root, 0x20_0000n, guestRamBase + 0x20_0000n, R | A, 1);
  const tree = walkTree(root, shadow.guestReader());
  assert.equal(tree.leaves, 16 + 1 + 4 + 2);
  assert.deepEqual(
    tree.ranges.map((r) => [r.va.toString(16), r.vaEnd.toString(16), r.pa.toString(16), r.flags, r.leaves]),
    [
      ["200000", "400000", "80200000", "R----A-", 1],
      ["10000000", "10010000", "80000000", "RW---AD", 16],
      ["10010000", "10011000", "80010000", "R-X--A-", 1],
      ["10100000", "10101000", "80400000", "R--U-A-", 1],
      ["10101000", "10102000", "803ff000", "R--U-A-", 1],
      ["10102000", "10103000", "803fe000", "R--U-A-", 1],
      ["10103000", "10104000", "803fd000", "R--U-A-", 1],
      ["ffffffff80000000", "ffffffffc0000000", "80000000", "RWX-GAD", 1],
    ],
  );
  // Root entries: index 0 (pointer for 0x0..0x3fffffff), 510 (the 1 GiB leaf).
  assert.deepEqual(tree.entries.map((e) => [e.index, e.kind, e.level]), [[0, "table", 2], [510, "leaf", 2]]);
  const level1 = tree.entries[0].children!;
  assert.deepEqual(level1.map((e) => [e.index, e.kind]), [[1, "leaf"], [128, "table"]]);
  assert.equal(tree.tables, 3, "root, one level-1 table, one level-0 table (all 4 KiB pages lie in one 2 MiB region)");
  assert.equal(tree.truncated, false);
});

test("walkTree reports malformed entries instead of following them, and truncates on request", () => {
  const { shadow, tables } = makeHost();
  const root = tables.table();
  tables.map4(root, 0x20_0000n, guestRamBase + 0x1000n, R | A, 1); // misaligned
  tables.write(root + 8n * 3n, ((0x1000_0000n >> 12n) << 10n) | 1n); // table in device space
  tables.write(root + 8n * 4n, (1n << 62n) | 1n); // reserved bits
  const tree = walkTree(root, shadow.guestReader());
  const problems: string[] = [];
  const collect = (nodes: typeof tree.entries) =>
    nodes.forEach((n) => {
      if (n.problem) problems.push(n.problem);
      collect(n.children ?? []);
    });
  collect(tree.entries);
  assert.deepEqual(problems.sort(), ["misaligned superpage", "reserved bits 63:54 set", "table is not in RAM"]);
  assert.deepEqual(tree.ranges, []);
  const small = walkTree(root, shadow.guestReader(), { maxEntries: 2 });
  assert.equal(small.truncated, true);
});

test("the same walker dumps a shadow tree (host-physical) built from the guest's", () => {
  const { shadow, map, tables } = makeHost();
  const root = tables.table();
  tables.map4(root, 0x4000_0000n, guestRamBase, R | W | A | D, 1);
  const c = ctx(sv39(root));
  for (let i = 0n; i < 8n; i++) hartAccess(shadow, c, 0x4000_0000n + i * 0x1000n, Access.Write);
  const tree = shadow.walkTree(shadow.rootFor(c));
  assert.equal(tree.leaves, 8);
  assert.deepEqual(
    tree.ranges.map((r) => [r.va, r.vaEnd, r.pa, r.flags]),
    [[0x4000_0000n, 0x4000_8000n, map.toHost(guestRamBase), "RW-U-AD"]],
  );
  assert.equal(tree.entries[0].pteAddress, shadow.rootFor(c) + 8n);
});
