/** HSM: hart_start, hart_stop, hart_get_status, hart_suspend. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { resumeFromSuspend } from "./hsm";
import { handleSbiCall } from "./sbi";
import { FakeSbiHost, ecall, ramBase } from "./testing/fake-sbi-host";

const HSM = 0x48534dn;

function call(host: FakeSbiHost, fid: bigint, ...a: bigint[]) {
  return handleSbiCall(host, host.vcpu(0), ecall(HSM, fid, ...a));
}

test("hart_start starts a stopped hart at start_addr with opaque", () => {
  const host = new FakeSbiHost(4);
  const result = call(host, 0n, 2n, ramBase + 0x200n, 0xdeadn);
  assert.equal(result.error, 0n);
  assert.equal(result.name, "HSM.hart_start");
  assert.equal(result.summary, "hartid=0x2 start_addr=0x80000200 opaque=0xdead → SUCCESS (hart 2 starts at 0x80000200)");
  assert.deepEqual(host.calls, [{ method: "hartStart", hartId: 2, startAddress: ramBase + 0x200n, opaque: 0xdeadn }]);
});

test("hart_start of a hart that does not exist is SBI_ERR_INVALID_PARAM", () => {
  const host = new FakeSbiHost(4);
  for (const hartId of [4n, 100n, (1n << 64n) - 1n]) assert.equal(call(host, 0n, hartId, ramBase, 0n).error, -3n);
  assert.deepEqual(host.calls, []);
});

test("hart_start of a hart not stopped is SBI_ERR_ALREADY_AVAILABLE", () => {
  const host = new FakeSbiHost(4);
  assert.equal(call(host, 0n, 0n, ramBase, 0n).error, -6n); // hart 0 runs
  host.vcpu(3).state = "start-pending";
  const result = call(host, 0n, 3n, ramBase, 0n);
  assert.equal(result.error, -6n);
  assert.match(result.summary, /ERR_ALREADY_AVAILABLE \(hart 3 is start-pending\)/);
  assert.deepEqual(host.calls, []);
});

test("hart_start at an address outside guest RAM is SBI_ERR_INVALID_ADDRESS", () => {
  const host = new FakeSbiHost(2);
  for (const address of [0n, 0x1000_0000n, ramBase - 2n, ramBase + BigInt(host.ram.length)]) {
    assert.equal(call(host, 0n, 1n, address, 0n).error, -5n, `0x${address.toString(16)}`);
  }
  assert.deepEqual(host.calls, []);
});

test("hart_start passes on the monitor's error", () => {
  const host = new FakeSbiHost(2);
  host.hartStartAnswer = -1;
  const result = call(host, 0n, 1n, ramBase, 0n);
  assert.equal(result.error, -1n);
  assert.equal(host.calls.length, 1);
});

test("hart_stop stops the calling hart", () => {
  const host = new FakeSbiHost(2);
  const result = handleSbiCall(host, host.vcpu(0), ecall(HSM, 1n));
  assert.equal(result.error, 0n);
  assert.equal(result.name, "HSM.hart_stop");
  assert.deepEqual(host.calls, [{ method: "hartStop", hartId: 0 }]);
  assert.equal(host.vcpu(0).state, "stopped");
});

test("hart_stop reports SBI_ERR_FAILED from the monitor", () => {
  const host = new FakeSbiHost(2);
  host.hartStopAnswer = -1;
  assert.equal(call(host, 1n).error, -1n);
});

test("hart_get_status returns the HSM state id of each state", () => {
  const host = new FakeSbiHost(2);
  const expected = [
    ["started", 0n],
    ["stopped", 1n],
    ["start-pending", 2n],
    ["stop-pending", 3n],
    ["suspended", 4n],
  ] as const;
  for (const [state, id] of expected) {
    host.vcpu(1).state = state;
    const result = call(host, 2n, 1n);
    assert.equal(result.error, 0n);
    assert.equal(result.value, id, state);
    assert.equal(result.summary, `hartid=0x1 → SUCCESS value=0x${id.toString(16)} (${state})`);
  }
});

test("hart_get_status of a missing hart is SBI_ERR_INVALID_PARAM", () => {
  const result = call(new FakeSbiHost(2), 2n, 2n);
  assert.equal(result.error, -3n);
  assert.equal(result.value, 0n);
});

test("hart_suspend default retentive waits like WFI and resumes to started", () => {
  const host = new FakeSbiHost(2);
  const vcpu = host.vcpu(0);
  const result = call(host, 3n, 0n, 0n, 0n);
  assert.equal(result.error, 0n);
  assert.equal(result.name, "HSM.hart_suspend");
  assert.equal(vcpu.waiting, true);
  assert.equal(vcpu.state, "suspended");
  assert.equal(call(host, 2n, 0n).value, 4n);
  resumeFromSuspend(vcpu);
  assert.equal(vcpu.waiting, false);
  assert.equal(vcpu.state, "started");
});

test("hart_suspend non-retentive: the host resumes at resume_addr with opaque, the ecall does not return", () => {
  const host = new FakeSbiHost(2);
  const result = call(host, 3n, 0x8000_0000n, ramBase + 0x100n, 0x1234n);
  assert.equal(result.error, 0n);
  assert.equal(result.returns, false, "a0, a1 and the pc are the resume's, not the call's results");
  assert.equal(result.summary, "suspend_type=0x80000000 resume_addr=0x80000100 opaque=0x1234 → SUCCESS (non-retentive suspend, resumes at 0x80000100)");
  assert.deepEqual(host.calls, [{ method: "hartSuspend", hartId: 0, resume: { address: ramBase + 0x100n, opaque: 0x1234n } }]);
  assert.equal(host.vcpu(0).state, "suspended");
});

test("hart_suspend non-retentive outside guest RAM is SBI_ERR_INVALID_ADDRESS and returns", () => {
  const host = new FakeSbiHost(2);
  const result = call(host, 3n, 0x8000_0000n, 0x1000n, 0n);
  assert.equal(result.error, -5n);
  assert.equal(result.returns, true);
  assert.deepEqual(host.calls, []);
  assert.equal(host.vcpu(0).state, "started");
});

test("hart_suspend: reserved and platform types INVALID_PARAM", () => {
  const host = new FakeSbiHost(2);
  for (const type of [0x1n, 0x0fff_ffffn, 0x1000_0000n, 0x7fff_ffffn, 0x8000_0001n, 0x9000_0000n, 0xffff_ffffn, 1n << 32n]) {
    assert.equal(call(host, 3n, type, ramBase, 0n).error, -3n, `0x${type.toString(16)}`);
  }
  assert.equal(host.vcpu(0).state, "started");
  assert.equal(host.vcpu(0).waiting, false);
});
