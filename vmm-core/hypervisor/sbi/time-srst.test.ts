/** TIME.set_timer and SRST.system_reset. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { handleSbiCall } from "./sbi";
import { FakeSbiHost, ecall } from "./testing/fake-sbi-host";

const TIME = 0x54494d45n;
const SRST = 0x53525354n;

test("TIME.set_timer arms the calling vCPU's timer", () => {
  const host = new FakeSbiHost(2);
  host.now = 0x1000n;
  const result = handleSbiCall(host, host.vcpu(1), ecall(TIME, 0n, 0x1234n));
  assert.equal(result.error, 0n);
  assert.equal(result.value, 0n);
  assert.equal(result.name, "TIME.set_timer");
  assert.equal(result.summary, "stime_value=0x1234 → SUCCESS (in 564 ticks)");
  assert.deepEqual(host.calls, [{ method: "setTimer", hartId: 1, deadline: 0x1234n }]);
});

test("TIME.set_timer with a past deadline or all ones", () => {
  const host = new FakeSbiHost(1);
  host.now = 0x5000n;
  assert.match(handleSbiCall(host, host.vcpu(0), ecall(TIME, 0n, 0x10n)).summary, /\(already due\)$/);
  assert.match(handleSbiCall(host, host.vcpu(0), ecall(TIME, 0n, -1n)).summary, /\(timer off\)$/);
  assert.deepEqual(host.calls, [
    { method: "setTimer", hartId: 0, deadline: 0x10n },
    { method: "setTimer", hartId: 0, deadline: (1n << 64n) - 1n },
  ]);
});

test("SRST.system_reset: shutdown, cold reboot, warm reboot with both reasons", () => {
  const host = new FakeSbiHost(1);
  const summaries: string[] = [];
  for (const type of [0n, 1n, 2n]) {
    for (const reason of [0n, 1n]) {
      const result = handleSbiCall(host, host.vcpu(0), ecall(SRST, 0n, type, reason));
      assert.equal(result.error, 0n);
      assert.equal(result.name, "SRST.system_reset");
      summaries.push(result.summary);
    }
  }
  assert.deepEqual(
    host.calls,
    [0, 1, 2].flatMap((resetType) => [0, 1].map((reason) => ({ method: "systemReset", resetType, reason }))),
  );
  assert.equal(summaries[0], "reset_type=0x0 reset_reason=0x0 → SUCCESS (shutdown, no reason)");
  assert.equal(summaries[5], "reset_type=0x2 reset_reason=0x1 → SUCCESS (warm reboot, system failure)");
});

test("SRST.system_reset: reserved or unimplemented type or reason is SBI_ERR_INVALID_PARAM", () => {
  const host = new FakeSbiHost(1);
  const cases = [
    [3n, 0n],
    [0xefff_ffffn, 0n],
    [0xf000_0000n, 0n], // vendor type, none implemented
    [1n << 32n, 0n],
    [0n, 2n],
    [0n, 0xe000_0000n], // SBI-implementation reason, none defined
    [0n, 0xffff_ffffn],
  ] as const;
  for (const [type, reason] of cases) {
    const result = handleSbiCall(host, host.vcpu(0), ecall(SRST, 0n, type, reason));
    assert.equal(result.error, -3n, `type 0x${type.toString(16)} reason 0x${reason.toString(16)}`);
  }
  assert.deepEqual(host.calls, []);
});
