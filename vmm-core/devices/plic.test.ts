import { test } from "node:test";
import assert from "node:assert/strict";
import { MIP_MEIP, MIP_SEIP, Plic } from "./plic";
import { RecordingSink } from "./testing/fakes";

const PENDING = 0x1000;
const enable = (ctx: number, word = 0) => 0x2000 + 0x80 * ctx + 4 * word;
const threshold = (ctx: number) => 0x20_0000 + 0x1000 * ctx;
const claim = (ctx: number) => threshold(ctx) + 4;

function setup(harts = 2) {
  const sink = new RecordingSink();
  const plic = new Plic(harts, sink);
  const rd = (off: number) => Number(plic.read(off, 4));
  const wr = (off: number, v: number) => plic.write(off, 4, BigInt(v));
  return { sink, plic, rd, wr };
}

test("a pending source reaches a context only when enabled and above threshold", () => {
  const { plic, rd, wr, sink } = setup(1);
  const line = plic.irqLine(10);
  wr(4 * 10, 3);
  line.set(true);
  assert.equal(rd(PENDING), 1 << 10);
  assert.equal(sink.mipOf(0), 0, "not enabled yet");
  wr(enable(0), 1 << 10);
  assert.equal(sink.mipOf(0), 0, "QEMU 7.2: an enable write alone does not re-evaluate the outputs");
  line.set(true);
  assert.equal(sink.mipOf(0), MIP_MEIP, "the next line update does");
  wr(threshold(0), 3);
  assert.equal(sink.mipOf(0), 0, "priority must be strictly above the threshold");
  wr(threshold(0), 2);
  assert.equal(sink.mipOf(0), MIP_MEIP);
  wr(4 * 10, 0);
  assert.equal(sink.mipOf(0), 0, "priority 0 never interrupts");
});

test("claim order: highest priority first, lowest id breaks ties; claim clears pending", () => {
  const { plic, rd, wr } = setup(1);
  for (const [src, prio] of [[5, 2], [7, 6], [3, 6], [40, 4], [90, 1]] as const) {
    wr(4 * src, prio);
    plic.irqLine(src).set(true);
  }
  wr(enable(0, 0), -1);
  wr(enable(0, 1), -1);
  wr(enable(0, 2), -1);
  const order: number[] = [];
  for (;;) {
    const id = rd(claim(0));
    if (id === 0) break;
    order.push(id);
  }
  assert.deepEqual(order, [3, 7, 40, 5, 90]);
  assert.equal(rd(PENDING), 0, "all pending bits cleared by the claims");
  assert.equal(rd(PENDING + 4), 0);
  assert.equal(rd(PENDING + 8), 0);
});

test("a claimed source stays masked until completion; completion does not resample the line (QEMU)", () => {
  const { plic, rd, wr, sink } = setup(1);
  const line = plic.irqLine(10);
  wr(4 * 10, 1);
  wr(enable(0), 1 << 10);
  line.set(true);
  assert.equal(rd(claim(0)), 10);
  assert.equal(rd(PENDING), 0, "claim cleared pending");
  assert.equal(sink.mipOf(0), 0, "claimed source no longer drives MEIP");
  line.set(true); // the device updates its still-high line while claimed
  assert.equal(rd(PENDING), 1 << 10, "pending is visible…");
  assert.equal(sink.mipOf(0), 0, "…but masked while claimed");
  assert.equal(rd(claim(0)), 0);
  wr(claim(0), 10); // complete
  assert.equal(sink.mipOf(0), MIP_MEIP);
  assert.equal(rd(claim(0)), 10);
  wr(claim(0), 10);
  assert.equal(sink.mipOf(0), 0, "no new set() since the claim: nothing pending");
  assert.equal(rd(claim(0)), 0);
});

test("lowering the line withdraws a pending request (level-triggered)", () => {
  const { plic, rd, wr, sink } = setup(1);
  wr(4 * 1, 1);
  wr(enable(0), 1 << 1);
  const line = plic.irqLine(1);
  line.set(true);
  assert.equal(sink.mipOf(0), MIP_MEIP);
  line.set(false);
  assert.equal(sink.mipOf(0), 0);
  assert.equal(rd(PENDING), 0);
});

test("contexts map to harts and modes: 2h → MEIP, 2h+1 → SEIP", () => {
  const { plic, wr, sink } = setup(2);
  wr(4 * 1, 1);
  wr(4 * 2, 1);
  wr(enable(3), 1 << 1); // hart 1 S-mode
  wr(enable(0), 1 << 2); // hart 0 M-mode
  plic.irqLine(1).set(true);
  assert.equal(sink.mipOf(1), MIP_SEIP);
  assert.equal(sink.mipOf(0), 0);
  plic.irqLine(2).set(true);
  assert.equal(sink.mipOf(0), MIP_MEIP);
  assert.deepEqual(Plic.contextTarget(2), { hart: 1, mode: "M", mask: MIP_MEIP });
  assert.equal(plic.registerName(claim(3), false), "claim[3]");
  assert.equal(plic.registerName(claim(3), true), "complete[3]");
  assert.equal(plic.registerName(enable(1, 2), true), "enable[1][2]");
});

test("priority and threshold are WARL mod 8; enable keeps all bits; only 4-byte accesses answer", () => {
  // Values observed on QEMU 7.2 virt: 0xff → 7, 9 → 1.
  const { plic, rd, wr } = setup(1);
  wr(4, 0xff);
  assert.equal(rd(4), 7);
  wr(8, 9);
  assert.equal(rd(8), 1);
  wr(threshold(0), 0xff);
  assert.equal(rd(threshold(0)), 7);
  wr(enable(0), -1);
  assert.equal(rd(enable(0)) >>> 0, 0xffff_ffff);
  wr(enable(0, 3), -1);
  assert.equal(rd(enable(0, 3)), 0, "only 3 enable words for 96 sources");
  assert.equal(plic.read(4, 8), 0n);
  plic.write(8, 2, 3n);
  assert.equal(rd(8), 1, "2-byte write ignored");
  wr(PENDING, -1);
  assert.equal(rd(PENDING), 0, "pending is read-only");
  assert.throws(() => plic.irqLine(0), RangeError);
  assert.throws(() => plic.irqLine(96), RangeError);
});

test("snapshot lists per-context state without claiming anything", () => {
  const { plic, rd, wr } = setup(1);
  wr(4 * 10, 5);
  wr(enable(1), 1 << 10);
  wr(threshold(1), 2);
  plic.irqLine(10).set(true);
  const snap = plic.snapshot(0x0c00_0000n);
  assert.deepEqual(snap, plic.snapshot(0x0c00_0000n));
  const details = snap.details as { pending: number[]; contexts: { enabled: number[]; threshold: number; mode: string; pendingEnabled: number }[] };
  assert.deepEqual(details.pending, [10]);
  assert.deepEqual(details.contexts[1].enabled, [10]);
  assert.equal(details.contexts[1].threshold, 2);
  assert.equal(details.contexts[1].mode, "S");
  assert.equal(details.contexts[1].pendingEnabled, 10);
  assert.equal(rd(claim(1)), 10, "still claimable after snapshots");
  const after = plic.snapshot(0n).details as { contexts: { claimed: number[] }[] };
  assert.deepEqual(after.contexts[1].claimed, [10]);
});
