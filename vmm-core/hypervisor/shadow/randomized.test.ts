/**
 * Random guest page-table edits, each followed by an SFENCE.VMA that covers
 * it (chosen at random among the legal variants), and random accesses in
 * random contexts. After every step the shadow invariant must hold for
 * every context, and every access must end exactly as the guest's own
 * tables say (a hardware walk of them is the oracle), A/D bits included.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Access, walkSv39 } from "../../hart/mmu";
import { checkShadowInvariant } from "./invariant";
import { pageFaultCause, accessFaultCause } from "./fault-outcome";
import { A, ctx, D, G, GiB1, guestRamBase, hartAccess, leafPte, makeHost, MiB2, R, sv39, U, W, X } from "./testing/guest-tables";
import type { ShadowContext } from "./context";

/** xorshift32: deterministic, seedable. */
function prng(seed: number): (n: number) => number {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
}

const vaPool = [0x1000n, 0x2000n, 0x3000n, 0x20_0000n, 0x20_1000n, 0x3f_f000n, 0x4000_0000n, 0x4000_5000n, 0x7fff_f000n, 0xffff_ffc0_0000_0000n, 0xffff_ffff_fff0_0000n];

for (const seed of [1, 2, 3, 0xdecaf]) {
  test(`randomized edits, fences and accesses keep the shadow exact (seed ${seed})`, (t) => {
    const pick = prng(seed);
    // A small region (20 frames) and cache (4 roots) so eviction and starting over happen too.
    const host = makeHost({ monitorRegionSize: 20n * 0x1000n, cacheSize: 4 });
    const { shadow, tables, map } = host;
    const roots = [tables.table(), tables.table()];
    const contexts: ShadowContext[] = [ctx(0n)];
    roots.forEach((root, i) => {
      for (const privilege of [0, 1] as const) for (const sum of [false, true]) for (const mxr of [false, true]) contexts.push(ctx(sv39(root, BigInt(i + 1)), privilege, sum, mxr));
    });
    const flagChoices = [R, R | W, R | X, X, R | W | X, W]; // W alone is reserved
    const targets = [guestRamBase, guestRamBase + 0x20_0000n, guestRamBase + 0x1000n, 0x1000_0000n, 0x4000_0000n];
    // Start from a populated address space: every pool address mapped, half of them user pages.
    roots.forEach((root) => vaPool.forEach((va, i) => tables.map4(root, va, guestRamBase + BigInt(i) * 0x1000n, R | W | X | (i % 2 ? U : 0n))));
    const kinds: Record<string, number> = {};
    let current = contexts[1];

    for (let step = 0; step < 150; step++) {
      // ---- one edit, then a fence that covers it
      const space = pick(2);
      const root = roots[space];
      const va = vaPool[pick(vaPool.length)];
      const level = pick(10) < 7 ? 0 : pick(3) === 0 && tables.allocated < 200 ? 2 : 1;
      const before = tables.allocated;
      const edit = pick(3) === 0 && (level === 0 || tables.allocated < 200);
      const slot = edit ? tables.slot(root, va, level) : undefined;
      if (slot !== undefined) {
        let entry = 0n;
        if (level > 0 && pick(4) === 0) {
          entry = leafPte(0x1000_0000n, 0n); // a pointer to a "table" in device space
        } else if (pick(6) > 0) {
          const size = [0x1000n, MiB2, GiB1][level];
          const target = targets[pick(targets.length)] & ~(size - 1n);
          const flags = flagChoices[pick(flagChoices.length)] | (pick(2) ? U : 0n) | (pick(3) ? A : 0n) | (pick(2) ? D : 0n) | (pick(4) ? 0n : G);
          entry = leafPte(target + (pick(8) === 0 ? 0x1000n : 0n), flags); // sometimes a misaligned superpage
        }
        tables.write(slot, entry);
        const leafOnly = level === 0 && tables.allocated === before;
        const asid = BigInt(space + 1);
        const fence = leafOnly ? [0, 1, 2, 2, 3, 3][pick(6)] : pick(2);
        if (fence === 0) shadow.onSfenceVma();
        else if (fence === 1) shadow.onSfenceVma(undefined, asid);
        else if (fence === 2) shadow.onSfenceVma(va + BigInt(pick(4096)), asid);
        else shadow.onSfenceVma(va);
      }
      // ---- random accesses, each checked against the guest's own tables
      for (let n = 0; n < 12; n++) {
        if (pick(4) === 0) current = contexts[pick(contexts.length)];
        const c = current;
        const address = vaPool[pick(vaPool.length)] + (pick(4) ? 0n : BigInt(pick(8)) * 0x1000n) + BigInt(pick(4096));
        const access = [Access.Read, Access.Write, Access.Fetch][pick(3)];
        const bare = c.satp === 0n;
        const oracle = bare
          ? undefined
          : walkSv39(address, access, { root: roots[Number((c.satp >> 44n) & 0xffffn) - 1], privilege: c.privilege, sum: c.sum, mxr: c.mxr, updateAccessedDirty: false }, shadow.guestReader());
        const gpa = bare ? BigInt.asUintN(64, address) : oracle?.kind === "ok" ? oracle.physicalAddress : undefined;
        const result = hartAccess(shadow, c, address, access);
        const kind = result.kind === "ok" ? "ok" : result.outcome.kind;
        kinds[kind] = (kinds[kind] ?? 0) + 1;
        const where = `step ${step}, va 0x${address.toString(16)}, access ${access}, context ${JSON.stringify(c, (_k, v) => (typeof v === "bigint" ? v.toString(16) : v))}`;
        if (oracle && oracle.kind === "page-fault") {
          assert.deepEqual(result.kind === "fault" && [result.outcome.kind, "cause" in result.outcome && result.outcome.cause], ["true", pageFaultCause(access)], where);
        } else if (oracle && oracle.kind === "access-fault") {
          assert.deepEqual(result.kind === "fault" && [result.outcome.kind, "cause" in result.outcome && result.outcome.cause], ["access-fault", accessFaultCause(access)], where);
        } else if (gpa !== undefined && map.isRam(gpa)) {
          assert.deepEqual(result.kind === "ok" && result.hpa, map.toHost(gpa), where);
        } else {
          assert.deepEqual(result.kind === "fault" && result.outcome, { kind: "mmio", gpa, cost: result.kind === "fault" ? result.outcome.cost : 0 }, where);
        }
        if (oracle?.kind === "ok") {
          const leafAddress = oracle.steps[oracle.steps.length - 1].pteAddress;
          const now = tables.read(leafAddress);
          assert.ok((now & A) !== 0n, `${where}: guest A set`);
          if (access === Access.Write) assert.ok((now & D) !== 0n, `${where}: guest D set`);
        }
      }
      for (const c of contexts) assert.deepEqual(checkShadowInvariant(shadow, c, shadow.guestReader()), [], `after step ${step}`);
    }
    // The run must have exercised every outcome and the cache machinery.
    for (const kind of ["ok", "true", "mmio", "access-fault"]) assert.ok((kinds[kind] ?? 0) > 0, `outcome ${kind} seen: ${JSON.stringify(kinds)}`);
    assert.ok(shadow.counters.rootsEvicted > 0, "roots evicted");
    assert.ok(shadow.counters.startOvers > 0, "frame pool ran dry");
    assert.ok(shadow.counters.entriesInvalidated > 0, "address fences dropped entries");
    assert.ok(shadow.counters.fills > 50, `fills: ${shadow.counters.fills}`);
    t.diagnostic(`outcomes ${JSON.stringify(kinds)}; counters ${JSON.stringify(shadow.counters)}`);
  });
}
