import { test } from "node:test";
import assert from "node:assert/strict";
import type { PageTablesArguments } from "../../debug-adapter/protocol";
import { counterpartAddress, entryLabel, hostRootForMode, rootNodes } from "./page-table-model";
import { fakeTables, level1Entries, level1Table, rootEntries } from "./testing/payloads";

test("root level: the register, the root table (expanded, from the same response) and the ranges", async () => {
  const calls: PageTablesArguments[] = [];
  const fetch = fakeTables(calls);
  const nodes = rootNodes("guest", await fetch({ root: "guest" }), fetch);
  assert.deepEqual(nodes.map((n) => n.label), ["satp = 0x8000000000080203", "Root table @ 0x80203000", "Mapped ranges"]);
  assert.equal(nodes[0].description, "guest-virtual → guest-physical");
  const root = nodes[1];
  assert.equal(root.expanded, true);
  assert.equal(root.description, "level 2 · 1 valid entries");
  assert.equal(calls.length, 1, "nothing below the root is fetched before it is expanded");
  assert.deepEqual(root.children?.map((n) => n.label), ["L2[2] → table 0x80204000"]);
});

test("a table entry loads the next level lazily, with table and level in the request", async () => {
  const calls: PageTablesArguments[] = [];
  const fetch = fakeTables(calls);
  const [, root] = rootNodes("guest", await fetch({ root: "guest", vcpu: 1 }), fetch, 1);
  const table = root.children![0];
  assert.equal(table.contextValue, "guestTable");
  assert.ok(table.load, "tables expand lazily");
  const leaves = await table.load();
  assert.deepEqual(calls.at(-1), { root: "guest", vcpu: 1, table: level1Table, level: 1 });
  const [mega, next] = leaves;
  assert.equal(mega.label, "L1[0] 0x80000000 → 0x80000000");
  assert.equal(mega.description, "RWX--AD 2 MiB · host 0x100000000");
  assert.equal(mega.contextValue, "guestLeaf");
  assert.equal(mega.id, "guest/pte/0x80204000");
  assert.match(mega.tooltip ?? "", /PTE 0x200000cf at 0x80204000/);
  assert.equal(mega.load, undefined, "a leaf has no children");
  assert.equal(next.label, "L1[1] → table 0x80205000");
  assert.deepEqual(await next.load!(), [{ id: "guest/empty", label: "(no valid entries)", tooltip: undefined, contextValue: "message", icon: "info" }]);
});

test("the ranges node asks for the coalesced ranges", async () => {
  const calls: PageTablesArguments[] = [];
  const fetch = fakeTables(calls);
  const [, , ranges] = rootNodes("shadow", await fetch({ root: "shadow" }), fetch);
  const children = await ranges.load!();
  assert.equal(calls.at(-1)?.ranges, true);
  assert.deepEqual(children.map((n) => [n.label, n.description]), [["0x80000000–0x801fffff → 0x80000000", "RWX--AD · 1 leaf"]]);
  assert.equal(children[0].id, "shadow/range/0x80000000");
});

test("an unavailable tree says why instead of an empty view", () => {
  const nodes = rootNodes("nested", { available: false, reason: "hgatp is Bare", entries: [] }, fakeTables());
  assert.deepEqual(nodes.map((n) => n.label), ["No nested (g-stage) page tables: hgatp is Bare"]);
});

test("labels of table and leaf entries; the host tree follows the mode", () => {
  assert.equal(entryLabel(rootEntries[0]), "L2[2] → table 0x80204000");
  assert.equal(entryLabel(level1Entries[0]), "L1[0] 0x80000000 → 0x80000000");
  assert.equal(hostRootForMode("trap-and-emulate"), "shadow");
  assert.equal(hostRootForMode("binary-translation"), "shadow");
  assert.equal(hostRootForMode("hardware-assisted"), "nested");
  assert.equal(hostRootForMode("none"), undefined);
});

test("counterpart address: the first part of a guest leaf the host tree maps", () => {
  const gigapage = { ...level1Entries[0], va: "0xffffffc000000000", target: "0x80000000", size: "0x40000000" };
  const shadowRanges = [
    { va: "0x1000", vaEnd: "0x1fff", pa: "0x82001000", flags: "RW-U-AD", leaves: 1 },
    { va: "0xffffffc000200000", vaEnd: "0xffffffc000203fff", pa: "0x82200000", flags: "RWXU-AD", leaves: 4 },
  ];
  assert.equal(counterpartAddress("shadow", gigapage, shadowRanges), "0xffffffc000200000");
  assert.equal(counterpartAddress("shadow", gigapage, shadowRanges.slice(0, 1)), undefined, "nothing inside the leaf is shadowed");
  // The G-stage tree is indexed by guest-physical address: the leaf's target, mapped back to its va.
  const gStage = [{ va: "0x7fe00000", vaEnd: "0x80200fff", pa: "0x81e00000", flags: "RWXU-AD", leaves: 2 }];
  assert.equal(counterpartAddress("nested", gigapage, gStage), "0xffffffc000000000", "a range that starts before the leaf counts from the leaf");
});
