/** The hart list parameter, IPI.send_ipi and the RFENCE functions. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeHartMask } from "./hart-mask";
import { handleSbiCall } from "./sbi";
import { FakeSbiHost, ecall } from "./testing/fake-sbi-host";

const IPI = 0x735049n;
const RFENCE = 0x52464e43n;
const all = (1n << 64n) - 1n;

function call(host: FakeSbiHost, eid: bigint, fid: bigint, ...a: bigint[]) {
  return handleSbiCall(host, host.vcpu(1), ecall(eid, fid, ...a));
}

test("hart_mask bits count from hart_mask_base", () => {
  assert.deepEqual(decodeHartMask(0b101n, 0n, 4), [0, 2]);
  assert.deepEqual(decodeHartMask(0b101n, 1n, 4), [1, 3]);
  assert.deepEqual(decodeHartMask(0b1n, 3n, 4), [3]);
  assert.deepEqual(decodeHartMask(0n, 2n, 4), []);
});

test("hart_mask_base = -1 names every hart whatever the mask", () => {
  assert.deepEqual(decodeHartMask(0n, all, 3), [0, 1, 2]);
  assert.deepEqual(decodeHartMask(0b1000_0000n, -1n, 3), [0, 1, 2]);
});

test("a hart id beyond the hart count is rejected", () => {
  assert.equal(decodeHartMask(0b1000n, 0n, 3), undefined);
  assert.equal(decodeHartMask(0b1n, 3n, 3), undefined);
  assert.equal(decodeHartMask(1n << 63n, 0n, 63), undefined);
  assert.deepEqual(decodeHartMask(1n << 63n, 0n, 64), [63]);
  // A huge base with a set bit must not wrap around to a small id.
  assert.equal(decodeHartMask(0b10n, all - 1n, 4), undefined);
});

test("IPI.send_ipi raises SSIP on the masked harts", () => {
  const host = new FakeSbiHost(4);
  const result = call(host, IPI, 0n, 0b0110n, 0n);
  assert.equal(result.error, 0n);
  assert.equal(result.name, "IPI.send_ipi");
  assert.equal(result.summary, "hart_mask=0x6 hart_mask_base=0x0 → SUCCESS (harts 1,2)");
  assert.deepEqual(host.calls, [{ method: "sendSoftwareInterrupt", hartIds: [1, 2] }]);
});

test("IPI.send_ipi with hart_mask_base = -1 targets all harts", () => {
  const host = new FakeSbiHost(4);
  assert.equal(call(host, IPI, 0n, 0n, all).error, 0n);
  assert.deepEqual(host.calls, [{ method: "sendSoftwareInterrupt", hartIds: [0, 1, 2, 3] }]);
});

test("IPI.send_ipi to a missing hart is SBI_ERR_INVALID_PARAM and sends nothing", () => {
  const host = new FakeSbiHost(2);
  const result = call(host, IPI, 0n, 0b11n, 1n);
  assert.equal(result.error, -3n);
  assert.equal(result.summary, "hart_mask=0x3 hart_mask_base=0x1 → ERR_INVALID_PARAM (no such hart)");
  assert.deepEqual(host.calls, []);
});

test("RFENCE.remote_fence_i", () => {
  const host = new FakeSbiHost(4);
  const result = call(host, RFENCE, 0n, 0b1001n, 0n);
  assert.equal(result.error, 0n);
  assert.equal(result.name, "RFENCE.remote_fence_i");
  assert.deepEqual(host.calls, [{ method: "remoteFence", hartIds: [0, 3], kind: "fence.i", start: 0n, size: 0n, asid: 0n }]);
});

test("RFENCE.remote_sfence_vma passes the range", () => {
  const host = new FakeSbiHost(4);
  const result = call(host, RFENCE, 1n, 0b1n, 2n, 0xffff_ffc0_0000_1000n, 0x2000n);
  assert.equal(result.error, 0n);
  assert.equal(result.name, "RFENCE.remote_sfence_vma");
  assert.equal(
    result.summary,
    "hart_mask=0x1 hart_mask_base=0x2 start_addr=0xffffffc000001000 size=0x2000 → SUCCESS (sfence.vma on hart 2 [0xffffffc000001000, 0xffffffc000003000))",
  );
  assert.deepEqual(host.calls, [{ method: "remoteFence", hartIds: [2], kind: "sfence.vma", start: 0xffff_ffc0_0000_1000n, size: 0x2000n, asid: 0n }]);
});

test("RFENCE: start = size = 0 and size = -1 both mean the whole address space", () => {
  const host = new FakeSbiHost(2);
  assert.equal(call(host, RFENCE, 1n, 0n, all, 0n, 0n).error, 0n);
  assert.equal(call(host, RFENCE, 1n, 0n, all, 0x1234_5000n, all).error, 0n);
  const full = { method: "remoteFence", hartIds: [0, 1], kind: "sfence.vma", start: 0n, size: all, asid: 0n };
  assert.deepEqual(host.calls, [full, full]);
});

test("RFENCE: a range that wraps around is SBI_ERR_INVALID_ADDRESS", () => {
  const host = new FakeSbiHost(2);
  const result = call(host, RFENCE, 1n, 1n, 0n, all - 0xfffn, 0x2000n);
  assert.equal(result.error, -5n);
  assert.deepEqual(host.calls, []);
  // Ending exactly at 2^64 is fine.
  assert.equal(call(host, RFENCE, 1n, 1n, 0n, all - 0xfffn, 0x1000n).error, 0n);
});

test("RFENCE.remote_sfence_vma_asid passes the ASID", () => {
  const host = new FakeSbiHost(4);
  const result = call(host, RFENCE, 2n, 0b11n, 0n, 0x4000n, 0x1000n, 7n);
  assert.equal(result.error, 0n);
  assert.equal(result.name, "RFENCE.remote_sfence_vma_asid");
  assert.match(result.summary, /^hart_mask=0x3 hart_mask_base=0x0 start_addr=0x4000 size=0x1000 asid=0x7 → SUCCESS/);
  assert.deepEqual(host.calls, [{ method: "remoteFence", hartIds: [0, 1], kind: "sfence.vma.asid", start: 0x4000n, size: 0x1000n, asid: 7n }]);
});

test("RFENCE to a missing hart is SBI_ERR_INVALID_PARAM", () => {
  const host = new FakeSbiHost(2);
  for (const fid of [0n, 1n, 2n]) assert.equal(call(host, RFENCE, fid, 0b100n, 0n).error, -3n);
  assert.deepEqual(host.calls, []);
});

test("RFENCE HFENCE functions are SBI_ERR_NOT_SUPPORTED (no H extension in the guest)", () => {
  const host = new FakeSbiHost(2);
  const names = ["remote_hfence_gvma_vmid", "remote_hfence_gvma", "remote_hfence_vvma_asid", "remote_hfence_vvma"];
  for (const [index, fid] of [3n, 4n, 5n, 6n].entries()) {
    const result = call(host, RFENCE, fid, 1n, 0n);
    assert.equal(result.error, -2n);
    assert.equal(result.name, `RFENCE.${names[index]}`);
  }
  assert.deepEqual(host.calls, []);
});
