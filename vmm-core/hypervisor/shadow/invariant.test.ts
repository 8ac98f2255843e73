import { test } from "node:test";
import assert from "node:assert/strict";
import { Access } from "../../hart/mmu";
import { checkShadowInvariant } from "./invariant";
import { A, ctx, D, guestRamBase, hartAccess, leafPte, makeHost, R, sv39, U, W, X } from "./testing/guest-tables";

function setup() {
  const host = makeHost();
  const root = host.tables.table();
  host.tables.map4(root, 0x1000n, guestRamBase + 0x1000n, R | W | A); // writable, not dirty
  host.tables.map4(root, 0x2000n, guestRamBase + 0x2000n, R | W | A | D);
  const c = ctx(sv39(root));
  for (const va of [0x1000n, 0x2000n]) assert.equal(hartAccess(host.shadow, c, va, Access.Read).kind, "ok");
  const shadowPte = (va: bigint) => host.shadow.translate(c, va, Access.Read).shadow.steps[2];
  const check = () => checkShadowInvariant(host.shadow, c, host.shadow.guestReader());
  assert.deepEqual(check(), []);
  return { ...host, root, c, shadowPte, check };
}

test("the checker catches a shadow PTE pointing at the wrong host page", () => {
  const { bus, shadowPte, check } = setup();
  const step = shadowPte(0x1000n);
  bus.writePhysical(step.pteAddress, 8, step.pte! + (1n << 10n));
  const problems = check();
  assert.equal(problems.length, 1);
  assert.match(problems[0], /shadow va 0x1000: maps host 0x80102000, guest and map say 0x80101000/);
});

test("the checker catches W before the guest's D is set, and X the guest does not give", () => {
  const { bus, shadowPte, check } = setup();
  const step = shadowPte(0x1000n);
  bus.writePhysical(step.pteAddress, 8, step.pte! | W | D | X);
  assert.deepEqual(check(), ["shadow va 0x1000: W wider than the guest allows (or guest D clear)", "shadow va 0x1000: X wider than the guest allows"]);
});

test("the checker catches a leaf without U, a stale mapping and a mapping the guest never made", () => {
  const { bus, tables, map, root, shadowPte, check } = setup();
  const step = shadowPte(0x2000n);
  bus.writePhysical(step.pteAddress, 8, step.pte! & ~U);
  // A stale entry: the guest unmapped 0x1000 without SFENCE.VMA.
  tables.write(tables.slot(root, 0x1000n, 0), 0n);
  // An entry out of nowhere at 0x3000.
  bus.writePhysical(step.pteAddress + 8n, 8, leafPte(map.toHost(guestRamBase)!, R | U | A));
  const problems = check();
  assert.equal(problems.length, 3, problems.join("\n"));
  assert.match(problems[0], /0x1000: mapped, but the guest allows no access/);
  assert.match(problems[1], /0x2000: U clear/);
  assert.match(problems[2], /0x3000: mapped, but the guest allows no access/);
});
