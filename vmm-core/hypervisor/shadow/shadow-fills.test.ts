import { test } from "node:test";
import assert from "node:assert/strict";
import { Access } from "../../hart/mmu";
import { checkShadowInvariant } from "./invariant";
import { A, ctx, D, G, guestRamBase, hartAccess, KiB4, makeHost, R, sv39, U, W, X } from "./testing/guest-tables";

const bare = ctx(0n);

test("bare mode: guest RAM maps gpa → hpa with rwx, devices are MMIO", () => {
  const { shadow, map } = makeHost();
  const gpa = guestRamBase + 0x12_3456n;
  const result = hartAccess(shadow, bare, gpa, Access.Write);
  assert.deepEqual(result, { kind: "ok", hpa: map.toHost(gpa), fills: 1 });
  const fetch = hartAccess(shadow, bare, gpa + 8n, Access.Fetch);
  assert.equal(fetch.kind === "ok" && fetch.fills, 0, "same page, already shadowed rwx");
  const uart = shadow.handleFault(bare, 0x1000_0005n, Access.Read);
  assert.deepEqual(uart, { kind: "mmio", gpa: 0x1000_0005n, cost: 0 });
  const pastRam = shadow.handleFault(bare, guestRamBase + map.guestRamSize, Access.Read);
  assert.equal(pastRam.kind, "mmio");
  assert.deepEqual(checkShadowInvariant(shadow, bare, shadow.guestReader()), []);
  assert.equal(shadow.counters.fills, 1);
});

test("4 KiB, 2 MiB and 1 GiB guest leaves are shadowed with 4 KiB pages at the right host address", () => {
  const { shadow, map, tables } = makeHost();
  const root = tables.table();
  tables.map4(root, 0x4000_1000n, guestRamBase + 0x5000n, R | W | A | D);
  tables.map4(root, 0x4060_0000n, guestRamBase + 0x20_0000n, R | X | A, 1);
  tables.map4(root, 0xffff_ffff_c000_0000n, 0x4000_0000n * 2n, R | W | X | A | D | G, 2);
  const c = ctx(sv39(root, 1n));
  for (const [va, gpa] of [
    [0x4000_1abcn, guestRamBase + 0x5abcn],
    [0x4067_8123n, guestRamBase + 0x27_8123n],
    [0xffff_ffff_c012_3456n, guestRamBase + 0x12_3456n],
  ] as const) {
    const result = hartAccess(shadow, c, va, Access.Read);
    assert.deepEqual(result, { kind: "ok", hpa: map.toHost(gpa), fills: 1 }, `va 0x${va.toString(16)}`);
  }
  const outcome = shadow.handleFault(c, 0x4060_3000n, Access.Fetch);
  assert.equal(outcome.kind, "hidden");
  if (outcome.kind === "hidden") {
    assert.equal(outcome.created.guestLevel, 1);
    assert.equal(outcome.created.va, 0x4060_3000n);
    assert.equal(outcome.created.gpa, guestRamBase + 0x20_3000n);
    assert.equal(outcome.created.permissions, "r-x");
    assert.equal(outcome.created.shadowPte & 0x300n, 1n << 8n, "guest level kept in RSW");
  }
  const tree = shadow.walkTree(shadow.rootFor(c));
  assert.ok(tree.ranges.every((r) => r.vaEnd - r.va === KiB4 * BigInt(r.leaves)));
  assert.equal(tree.leaves, 4);
  assert.deepEqual(checkShadowInvariant(shadow, c, shadow.guestReader()), []);
});

test("true faults: invalid, permission, misaligned superpage, non-canonical, reserved bits", () => {
  const { shadow, tables } = makeHost();
  const root = tables.table();
  tables.map4(root, 0x1000n, guestRamBase, R | A);
  tables.map4(root, 0x20_0000n, guestRamBase + 0x1000n, R | X | A, 1); // misaligned 2 MiB
  tables.write(tables.slot(root, 0x3000n, 0), (1n << 60n) | ((guestRamBase >> 12n) << 10n) | R | 1n);
  const c = ctx(sv39(root));
  // [va, access, cause, reason, cost = guest PTEs read before the walk gave up]
  const cases: [bigint, Access, number, RegExp, number][] = [
    [0x2000n, Access.Read, 13, /V=0/, 3],
    [0x1000n, Access.Write, 15, /not writable/, 3],
    [0x1000n, Access.Fetch, 12, /not executable/, 3],
    [0x20_0000n, Access.Read, 13, /misaligned superpage/, 2],
    [0x40_0000_0000n, Access.Read, 13, /sign-extended/, 0],
    [0x3000n, Access.Read, 13, /reserved/, 3],
  ];
  for (const [va, access, cause, reason, cost] of cases) {
    const result = hartAccess(shadow, c, va, access);
    assert.equal(result.kind, "fault");
    if (result.kind !== "fault") continue;
    assert.equal(result.outcome.kind, "true", `va 0x${va.toString(16)}`);
    if (result.outcome.kind === "true") {
      assert.equal(result.outcome.cause, cause);
      assert.match(result.outcome.reason, reason);
      assert.equal(result.outcome.cost, cost);
    }
  }
  assert.equal(shadow.counters.trueFaults, cases.length);
  assert.equal(shadow.counters.fills, 0);
});

test("U/S rules: virtual U needs U=1; virtual S reaches U pages only with SUM and never executes them", () => {
  const { shadow, tables } = makeHost();
  const root = tables.table();
  tables.map4(root, 0x1000n, guestRamBase + 0x1000n, R | W | X | U | A | D);
  tables.map4(root, 0x2000n, guestRamBase + 0x2000n, R | W | X | A | D);
  const satp = sv39(root);
  const kernel = ctx(satp, 1, false);
  const kernelSum = ctx(satp, 1, true);
  const user = ctx(satp, 0);
  const outcome = (c: ReturnType<typeof ctx>, va: bigint, access: Access): string => {
    const r = hartAccess(shadow, c, va, access);
    return r.kind === "ok" ? "ok" : r.outcome.kind;
  };
  assert.equal(outcome(user, 0x1000n, Access.Fetch), "ok");
  assert.equal(outcome(user, 0x2000n, Access.Read), "true");
  assert.equal(outcome(kernel, 0x2000n, Access.Fetch), "ok");
  assert.equal(outcome(kernel, 0x1000n, Access.Read), "true");
  assert.equal(outcome(kernelSum, 0x1000n, Access.Write), "ok");
  assert.equal(outcome(kernelSum, 0x1000n, Access.Fetch), "true");
  // Each context has its own root, and the S+SUM shadow of the user page is not executable.
  assert.equal(new Set([kernel, kernelSum, user].map((c) => shadow.rootFor(c))).size, 3);
  const fill = shadow.handleFault(kernelSum, 0x1000n, Access.Read);
  assert.equal(fill.kind === "hidden" && fill.created.permissions, "rw-");
  for (const c of [kernel, kernelSum, user]) assert.deepEqual(checkShadowInvariant(shadow, c, shadow.guestReader()), []);
  // SUM means nothing to virtual U: both spellings share a root.
  assert.equal(shadow.rootFor(ctx(satp, 0, true)), shadow.rootFor(user));
});

test("MXR: execute-only pages become readable through the shadow only with MXR", () => {
  const { shadow, map, tables } = makeHost();
  const root = tables.table();
  tables.map4(root, 0x5000n, guestRamBase + 0x9000n, X | A);
  const satp = sv39(root);
  const plain = hartAccess(shadow, ctx(satp, 1, false, false), 0x5010n, Access.Read);
  assert.equal(plain.kind === "fault" && plain.outcome.kind, "true");
  const mxr = hartAccess(shadow, ctx(satp, 1, false, true), 0x5010n, Access.Read);
  assert.deepEqual(mxr, { kind: "ok", hpa: map.toHost(guestRamBase + 0x9010n), fills: 1 });
  // The shadow without MXR must still refuse reads of that page after the MXR fill.
  const again = hartAccess(shadow, ctx(satp, 1, false, false), 0x5010n, Access.Read);
  assert.equal(again.kind === "fault" && again.outcome.kind, "true");
});

test("A/D reflection: read fills set A and map read-only until the first write sets D", () => {
  const { shadow, tables } = makeHost();
  const root = tables.table();
  const leaf = tables.map4(root, 0x7000n, guestRamBase + 0x7000n, R | W);
  const c = ctx(sv39(root));
  const read = shadow.handleFault(c, 0x7008n, Access.Read);
  assert.equal(read.kind, "hidden");
  if (read.kind !== "hidden") return;
  assert.equal(read.created.permissions, "r--");
  assert.equal(read.created.accessedSet, true);
  assert.equal(read.created.dirtySet, false);
  assert.equal(tables.read(leaf) & (A | D), A);
  // cost: 3 guest PTE reads + 1 guest write (A) + 3 shadow writes (two tables, one leaf)
  assert.equal(read.cost, 7);
  assert.deepEqual(checkShadowInvariant(shadow, c, shadow.guestReader()), []);

  const write = hartAccess(shadow, c, 0x7010n, Access.Write);
  assert.equal(write.kind, "ok");
  assert.equal(write.fills, 1, "the store faulted once on the read-only shadow");
  assert.equal(tables.read(leaf) & (A | D), A | D);
  const again = shadow.handleFault(c, 0x7010n, Access.Write);
  assert.ok(again.kind === "hidden" && !again.created.accessedSet && !again.created.dirtySet && again.created.permissions === "rw-");
  assert.equal(again.cost, 4, "3 guest reads, no guest write, one shadow leaf write");

  // A page already dirty is mapped writable by the first read.
  const dirty = tables.map4(root, 0x8000n, guestRamBase + 0x8000n, R | W | A | D);
  const fill = shadow.handleFault(c, 0x8000n, Access.Read);
  assert.ok(fill.kind === "hidden" && fill.created.permissions === "rw-");
  assert.equal(tables.read(dirty), (((guestRamBase + 0x8000n) >> 12n) << 10n) | R | W | A | D | 1n);
  assert.deepEqual(checkShadowInvariant(shadow, c, shadow.guestReader()), []);
});

test("MMIO: a guest mapping to a device address is emulated, not shadowed; guest A is still set", () => {
  const { shadow, tables } = makeHost();
  const root = tables.table();
  const leaf = tables.map4(root, 0xffff_ffc0_1000_0000n, 0x1000_0000n, R | W);
  const c = ctx(sv39(root));
  const outcome = shadow.handleFault(c, 0xffff_ffc0_1000_0005n, Access.Write);
  assert.deepEqual(outcome, { kind: "mmio", gpa: 0x1000_0005n, cost: 4 });
  assert.equal(tables.read(leaf) & (A | D), A | D);
  assert.equal(shadow.walkTree(shadow.rootFor(c)).leaves, 0);
  assert.equal(shadow.counters.mmioFaults, 1);
});

test("a guest page table outside guest RAM is an access fault for the guest", () => {
  const { shadow, tables } = makeHost();
  const root = tables.table();
  // Level-2 entry points at a "table" in device space.
  tables.write(root, ((0x1000_0000n >> 12n) << 10n) | 1n);
  const c = ctx(sv39(root));
  for (const [access, cause] of [[Access.Read, 5], [Access.Write, 7], [Access.Fetch, 1]] as const) {
    const outcome = shadow.handleFault(c, 0x1000n, access);
    assert.equal(outcome.kind, "access-fault");
    if (outcome.kind === "access-fault") assert.equal(outcome.cause, cause);
  }
  // The guest's root itself outside RAM.
  const outside = shadow.handleFault(ctx(sv39(0x4000_0000n)), 0x1000n, Access.Read);
  assert.equal(outside.kind, "access-fault");
});

test("translate shows both walks step by step and changes nothing", () => {
  const { shadow, map, tables } = makeHost();
  const root = tables.table();
  const leaf = tables.map4(root, 0x4000_0000n, guestRamBase + 0x3000n, R | W);
  const c = ctx(sv39(root));
  const before = shadow.translate(c, 0x4000_0010n, Access.Write);
  assert.equal(before.verdict, "hidden-fault");
  assert.equal(before.guest.steps.length, 3);
  assert.match(before.guest.steps[0].outcome, /^table → 0x/);
  assert.match(before.guest.steps[2].outcome, /^leaf RW----- → 0x80003000$/);
  assert.equal(before.expectedHpa, map.toHost(guestRamBase + 0x3010n));
  assert.equal(tables.read(leaf) & A, 0n, "a query sets no A bit");
  hartAccess(shadow, c, 0x4000_0010n, Access.Write);
  const after = shadow.translate(c, 0x4000_0010n, Access.Write);
  assert.equal(after.verdict, "mapped");
  assert.equal(after.shadow.address, after.expectedHpa);
  assert.match(after.shadow.steps[2].outcome, /^leaf RW-U-AD/);
  assert.equal(shadow.translate(c, 0x5000_0000n, Access.Read).verdict, "guest-fault");
});
