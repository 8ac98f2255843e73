import { test } from "node:test";
import assert from "node:assert/strict";
import { Access } from "../../hart/mmu";
import { checkShadowInvariant } from "./invariant";
import { A, ctx, D, guestRamBase, hartAccess, leafPte, makeHost, R, sv39, W } from "./testing/guest-tables";

/** Guest tables for two address spaces (ASID 1 and 2) sharing nothing; pages 0x1000.. mapped RW. */
function twoSpaces() {
  const invalidations = { count: 0 };
  const host = makeHost({ onInvalidate: () => invalidations.count++ });
  const { tables } = host;
  const roots = [tables.table(), tables.table()];
  const leaves = roots.map((root, i) =>
    [0, 1, 2].map((n) => tables.map4(root, 0x1000n * BigInt(n + 1), guestRamBase + 0x10_0000n * BigInt(i) + 0x1000n * BigInt(n), R | W | A | D)),
  );
  const contexts = roots.map((root, i) => ctx(sv39(root, BigInt(i + 1))));
  return { ...host, roots, leaves, contexts, invalidations };
}

function shadowed(host: ReturnType<typeof makeHost>, c: ReturnType<typeof ctx>): number {
  return host.shadow.walkTree(host.shadow.rootFor(c)).leaves;
}

function touchAll(host: ReturnType<typeof twoSpaces>): void {
  for (const c of host.contexts) for (let n = 1n; n <= 3n; n++) assert.equal(hartAccess(host.shadow, c, 0x1000n * n, Access.Read).kind, "ok");
}

test("SFENCE.VMA x0, x0 drops every shadow; roots keep their addresses", () => {
  const host = twoSpaces();
  touchAll(host);
  const roots = host.contexts.map((c) => host.shadow.rootFor(c));
  const bare = ctx(0n);
  hartAccess(host.shadow, bare, guestRamBase, Access.Read);
  host.shadow.onSfenceVma();
  assert.deepEqual(host.contexts.map((c) => shadowed(host, c)), [0, 0]);
  assert.equal(shadowed(host, bare), 0);
  assert.deepEqual(host.contexts.map((c) => host.shadow.rootFor(c)), roots);
  assert.equal(host.shadow.counters.flushes, 1);
  assert.equal(host.invalidations.count, 1, "the monitor is told to flush the real TLB");
  assert.equal(host.shadow.framesInUse, 3, "three empty roots, their lower tables returned");
});

test("SFENCE.VMA rs1, x0 drops one page in every address space; rs1, rs2 only in that ASID", () => {
  const host = twoSpaces();
  touchAll(host);
  // Guest remaps page 0x2000 in both spaces, then fences by address in ASID 1 only.
  for (const leaves of host.leaves) host.tables.write(leaves[1], leafPte(guestRamBase + 0x40_0000n, R | A));
  host.shadow.onSfenceVma(0x2000n, 1n);
  assert.deepEqual(host.contexts.map((c) => shadowed(host, c)), [2, 3]);
  assert.deepEqual(checkShadowInvariant(host.shadow, host.contexts[0], host.shadow.guestReader()), []);
  assert.notDeepEqual(checkShadowInvariant(host.shadow, host.contexts[1], host.shadow.guestReader()), [], "ASID 2 is stale until fenced");
  host.shadow.onSfenceVma(0x2abcn);
  assert.deepEqual(host.contexts.map((c) => shadowed(host, c)), [2, 2]);
  for (const c of host.contexts) {
    assert.deepEqual(checkShadowInvariant(host.shadow, c, host.shadow.guestReader()), []);
    const hpa = hartAccess(host.shadow, c, 0x2000n, Access.Read);
    assert.deepEqual(hpa, { kind: "ok", hpa: host.map.toHost(guestRamBase + 0x40_0000n), fills: 1 });
  }
  assert.equal(host.shadow.counters.addressFlushes, 2);
  assert.equal(host.shadow.counters.entriesInvalidated, 2);
});

test("SFENCE.VMA x0, rs2 drops one address space", () => {
  const host = twoSpaces();
  touchAll(host);
  host.shadow.onSfenceVma(undefined, 2n);
  assert.deepEqual(host.contexts.map((c) => shadowed(host, c)), [3, 0]);
  assert.equal(host.shadow.counters.asidFlushes, 1);
});

test("an address fence anywhere in a guest superpage drops every shadow piece of it", () => {
  const host = makeHost();
  const root = host.tables.table();
  const leaf = host.tables.map4(root, 0x20_0000n, guestRamBase + 0x20_0000n, R | W | A | D, 1);
  const c = ctx(sv39(root));
  for (const offset of [0n, 0x1000n, 0x1f_f000n]) hartAccess(host.shadow, c, 0x20_0000n + offset, Access.Read);
  assert.equal(shadowed(host, c), 3);
  host.tables.write(leaf, leafPte(guestRamBase + 0x40_0000n, R | A));
  host.shadow.onSfenceVma(0x30_0000n); // a page of the superpage that was never shadowed
  assert.equal(shadowed(host, c), 0);
  assert.deepEqual(checkShadowInvariant(host.shadow, c, host.shadow.guestReader()), []);
});

test("satp writes flush nothing: switching back finds the old shadow", () => {
  const host = twoSpaces();
  touchAll(host);
  const fills = host.shadow.counters.fills;
  host.shadow.onSatpWrite();
  for (const c of host.contexts) assert.equal(hartAccess(host.shadow, c, 0x1000n, Access.Read).kind, "ok");
  assert.equal(host.shadow.counters.fills, fills);
  assert.equal(host.shadow.counters.satpWrites, 1);
});

test("LRU: the least recently used root is evicted and its frames reused", () => {
  let invalidations = 0;
  const host = makeHost({ cacheSize: 2, onInvalidate: () => invalidations++ });
  const roots = [0, 1, 2].map(() => host.tables.table());
  roots.forEach((root) => host.tables.map4(root, 0x1000n, guestRamBase, R | A));
  const contexts = roots.map((root, i) => ctx(sv39(root, BigInt(i))));
  hartAccess(host.shadow, contexts[0], 0x1000n, Access.Read);
  hartAccess(host.shadow, contexts[1], 0x1000n, Access.Read);
  assert.equal(host.shadow.framesInUse, 6);
  host.shadow.rootFor(contexts[0]); // 0 is now the most recent, 1 the oldest
  hartAccess(host.shadow, contexts[2], 0x1000n, Access.Read);
  assert.equal(host.shadow.counters.rootsEvicted, 1);
  assert.equal(host.shadow.peekRoot(contexts[1]), undefined);
  assert.notEqual(host.shadow.peekRoot(contexts[0]), undefined);
  assert.equal(host.shadow.framesInUse, 6, "the evicted root's three frames were reused");
  assert.equal(invalidations, 1);
  assert.deepEqual(host.shadow.listRoots().map((r) => r.fills), [1, 1]);
});

test("frame exhaustion: every shadow is dropped and the fill succeeds in a fresh tree", () => {
  const host = makeHost({ monitorRegionSize: 0x8000n }); // 8 frames
  const root = host.tables.table();
  const c = ctx(sv39(root));
  // Pages 1 GiB apart need a new level-1 and level-0 table each.
  const vas = [0n, 1n, 2n, 3n, 4n].map((n) => n * 0x4000_0000n);
  vas.forEach((va, i) => host.tables.map4(root, va, guestRamBase + 0x1000n * BigInt(i), R | A));
  const rootHpa = host.shadow.rootFor(c);
  const results = vas.map((va) => host.shadow.handleFault(c, va, Access.Read));
  assert.ok(results.every((r) => r.kind === "hidden"));
  const startedOver = results.map((r) => r.kind === "hidden" && r.created.startedOver);
  assert.deepEqual(startedOver, [false, false, false, true, false], "1 root + 3×2 tables fit, the fourth fill starts over");
  assert.equal(host.shadow.counters.startOvers, 1);
  assert.equal(host.shadow.rootFor(c), rootHpa);
  assert.equal(shadowed(host, c), 2);
  assert.equal(host.shadow.framesInUse, 5);
  assert.deepEqual(checkShadowInvariant(host.shadow, c, host.shadow.guestReader()), []);
});
