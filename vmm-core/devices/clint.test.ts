import { test } from "node:test";
import assert from "node:assert/strict";
import { Clint, MIP_MSIP, MIP_MTIP } from "./clint";
import { FakeClock, RecordingSink } from "./testing/fakes";

const MTIMECMP = 0x4000;
const MTIME = 0xbff8;

function setup(harts = 2, now = 0n) {
  const clock = new FakeClock(now);
  const sink = new RecordingSink();
  const clint = new Clint(harts, clock, sink);
  return { clock, sink, clint };
}

test("at reset mtimecmp is 0, so MTIP is pending on every hart (QEMU mip = 0x80)", () => {
  const { sink } = setup(2);
  assert.equal(sink.mipOf(0), MIP_MTIP);
  assert.equal(sink.mipOf(1), MIP_MTIP);
});

test("MTIP follows mtime >= mtimecmp as the clock advances", () => {
  const { clock, sink, clint } = setup(1, 100n);
  clint.write(MTIMECMP, 8, 150n);
  assert.equal(sink.mipOf(0) & MIP_MTIP, 0, "deadline in the future lowers MTIP");
  clock.now = 149n;
  clint.update();
  assert.equal(sink.mipOf(0) & MIP_MTIP, 0);
  clock.now = 150n;
  clint.update();
  assert.equal(sink.mipOf(0) & MIP_MTIP, MIP_MTIP, "equal counts as reached");
  clint.write(MTIMECMP, 8, 0xffff_ffff_ffff_ffffn);
  assert.equal(sink.mipOf(0) & MIP_MTIP, 0);
  const calls = sink.calls.length;
  clint.update();
  assert.equal(sink.calls.length, calls, "update drives the line only on changes");
});

test("mtime reads come from the guest clock; writing mtime sets an offset", () => {
  const { clock, clint } = setup(1, 1000n);
  assert.equal(clint.read(MTIME, 8), 1000n);
  assert.equal(clint.mtime(), 1000n);
  clint.write(MTIME, 8, 5n);
  assert.equal(clint.read(MTIME, 8), 5n);
  clock.now = 1010n;
  assert.equal(clint.read(MTIME, 8), 15n, "continues from the written value");
});

test("4-byte halves of mtimecmp and mtime", () => {
  const { clock, clint } = setup(2, 0x1_2345_6789n);
  clint.write(MTIMECMP + 8, 4, 0xdead_beefn);
  clint.write(MTIMECMP + 12, 4, 0x0000_0007n);
  assert.equal(clint.read(MTIMECMP + 8, 8), 0x7_dead_beefn);
  assert.equal(clint.read(MTIMECMP + 8, 4), 0xdead_beefn);
  assert.equal(clint.read(MTIMECMP + 12, 4), 0x7n);
  clint.write(MTIMECMP + 8, 4, 0x1n);
  assert.equal(clint.read(MTIMECMP + 8, 8), 0x7_0000_0001n, "low-half write keeps the high half");
  assert.equal(clint.read(MTIMECMP, 8), 0n, "hart 0 untouched");
  assert.equal(clint.read(MTIME, 4), 0x2345_6789n);
  assert.equal(clint.read(MTIME + 4, 4), 0x1n);
  clint.write(MTIME + 4, 4, 0x2n);
  assert.equal(clint.read(MTIME, 8), 0x2_2345_6789n);
  clock.now += 1n;
  assert.equal(clint.read(MTIME, 8), 0x2_2345_678an);
  assert.equal(clint.read(MTIME, 2), 0n, "sizes below 4 are not answered");
});

test("msip drives MSIP per hart, only bit 0 counts", () => {
  const { sink, clint } = setup(2);
  clint.write(4, 4, 0xffn);
  assert.equal(sink.mipOf(1) & MIP_MSIP, MIP_MSIP);
  assert.equal(sink.mipOf(0) & MIP_MSIP, 0);
  assert.equal(clint.read(4, 4), 1n);
  clint.write(4, 4, 2n);
  assert.equal(sink.mipOf(1) & MIP_MSIP, 0);
  assert.equal(clint.read(4, 4), 0n);
  clint.write(8, 4, 1n); // hart 2 does not exist
  assert.equal(clint.read(8, 4), 0n);
  clint.write(0, 8, 1n); // QEMU's MSWI is 4-byte only
  assert.equal(sink.mipOf(0) & MIP_MSIP, 0);
});

test("nextDeadline is the nearest future mtimecmp across harts", () => {
  const { clock, clint } = setup(3, 10n);
  assert.equal(clint.nextDeadline(), undefined, "all harts already at mtimecmp = 0");
  clint.write(MTIMECMP, 8, 500n);
  clint.write(MTIMECMP + 8, 8, 200n);
  clint.write(MTIMECMP + 16, 8, 5n);
  assert.equal(clint.nextDeadline(), 200n);
  clock.now = 200n;
  clint.update();
  assert.equal(clint.nextDeadline(), 500n);
  clint.write(MTIME, 8, 0n);
  assert.equal(clint.nextDeadline(), 5n, "rewinding mtime brings old deadlines back");
});

test("register names and snapshot", () => {
  const { clint } = setup(2, 42n);
  assert.equal(clint.registerName(4, true), "msip[1]");
  assert.equal(clint.registerName(MTIMECMP + 12, false), "mtimecmp[1].hi");
  assert.equal(clint.registerName(MTIME, false), "mtime");
  const snap = clint.snapshot(0x0200_0000n);
  assert.equal(snap.registers.find((r) => r.name === "mtime")?.value, 42n);
  assert.deepEqual(snap, clint.snapshot(0x0200_0000n));
});
