/** DBCN (console by guest-physical buffer) and the legacy v0.1 calls. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { maxTransfer } from "./dbcn";
import { handleSbiCall } from "./sbi";
import { FakeSbiHost, ecall, ramBase } from "./testing/fake-sbi-host";

const DBCN = 0x4442434en;

function call(host: FakeSbiHost, eid: bigint, fid: bigint, ...a: bigint[]) {
  return handleSbiCall(host, host.vcpu(0), ecall(eid, fid, ...a));
}

function put(host: FakeSbiHost, gpa: bigint, text: string): void {
  assert.ok(host.writeGuestPhysical(gpa, new TextEncoder().encode(text)));
}

test("DBCN.console_write writes the guest buffer and returns the byte count", () => {
  const host = new FakeSbiHost();
  put(host, ramBase + 0x100n, "Hello, \"world\"\n");
  const result = call(host, DBCN, 0n, 15n, ramBase + 0x100n, 0n);
  assert.equal(result.error, 0n);
  assert.equal(result.value, 15n);
  assert.equal(result.name, "DBCN.console_write");
  assert.equal(result.summary, 'num_bytes=0xf base_addr_lo=0x80000100 base_addr_hi=0x0 → SUCCESS value=0xf ("Hello, \\"world\\"\\n")');
  assert.equal(host.consoleText, 'Hello, "world"\n');
});

test("DBCN.console_write of zero bytes succeeds with 0", () => {
  const host = new FakeSbiHost();
  const result = call(host, DBCN, 0n, 0n, 0n, 0n);
  assert.equal(result.error, 0n);
  assert.equal(result.value, 0n);
  assert.equal(host.consoleOutput.length, 0);
});

test("DBCN.console_write moves at most maxTransfer bytes per call (partial write)", () => {
  const host = new FakeSbiHost(1, 0x4000);
  host.ram.fill(0x61);
  const result = call(host, DBCN, 0n, 0x3000n, ramBase, 0n);
  assert.equal(result.error, 0n);
  assert.equal(result.value, BigInt(maxTransfer));
  assert.equal(host.consoleOutput.length, maxTransfer);
});

test("DBCN.console_write: base_addr_hi ≠ 0 or a buffer outside guest RAM is SBI_ERR_INVALID_PARAM", () => {
  const host = new FakeSbiHost(1, 0x4000);
  const size = BigInt(host.ram.length);
  const cases = [
    [4n, ramBase, 1n],
    [4n, 0x1000_0000n, 0n], // the UART: a device, not RAM
    [4n, ramBase - 2n, 0n],
    [4n, ramBase + size - 2n, 0n],
    [0x3000n + size, ramBase, 0n], // the first chunk is RAM, the end is not
  ] as const;
  for (const [count, lo, hi] of cases) {
    const result = call(host, DBCN, 0n, count, lo, hi);
    assert.equal(result.error, -3n, `num_bytes ${count} at 0x${lo.toString(16)}:${hi}`);
    assert.equal(result.value, 0n);
  }
  assert.equal(host.consoleOutput.length, 0);
});

test("DBCN.console_read fills the guest buffer from pending input", () => {
  const host = new FakeSbiHost();
  host.consoleInput = [0x6c, 0x73, 0x0a];
  const result = call(host, DBCN, 1n, 2n, ramBase + 0x40n, 0n);
  assert.equal(result.error, 0n);
  assert.equal(result.value, 2n);
  assert.equal(result.name, "DBCN.console_read");
  assert.deepEqual([...host.ram.subarray(0x40, 0x43)], [0x6c, 0x73, 0]);
  assert.deepEqual(host.consoleInput, [0x0a]);
  assert.match(result.summary, /→ SUCCESS value=0x2 \("ls"\)$/);
});

test("DBCN.console_read with no input returns 0 and writes nothing", () => {
  const host = new FakeSbiHost();
  host.ram[0x40] = 0x99;
  const result = call(host, DBCN, 1n, 16n, ramBase + 0x40n, 0n);
  assert.equal(result.error, 0n);
  assert.equal(result.value, 0n);
  assert.equal(host.ram[0x40], 0x99);
});

test("DBCN.console_read into a bad buffer is SBI_ERR_INVALID_PARAM and consumes no input", () => {
  const host = new FakeSbiHost();
  host.consoleInput = [0x41];
  assert.equal(call(host, DBCN, 1n, 1n, 0x1000_0000n, 0n).error, -3n);
  assert.equal(call(host, DBCN, 1n, 1n, ramBase, 2n).error, -3n);
  assert.deepEqual(host.consoleInput, [0x41]);
});

test("DBCN.console_write_byte writes the low byte of a0", () => {
  const host = new FakeSbiHost();
  const result = call(host, DBCN, 2n, 0x1241n);
  assert.equal(result.error, 0n);
  assert.equal(result.value, 0n);
  assert.equal(result.name, "DBCN.console_write_byte");
  assert.equal(result.summary, 'byte=0x1241 → SUCCESS ("A")');
  assert.deepEqual(host.consoleOutput, [0x41]);
});

test("legacy console_putchar (EID 0x01) writes a byte and answers in a0 only", () => {
  const host = new FakeSbiHost();
  const result = call(host, 0x01n, 0x77n /* a6 is ignored */, 0x0an);
  assert.equal(result.legacy, true);
  assert.equal(result.error, 0n);
  assert.equal(result.value, 0n);
  assert.equal(result.name, "legacy.console_putchar");
  assert.equal(result.summary, 'ch=0xa → a0=0x0 ("\\n")');
  assert.deepEqual(host.consoleOutput, [0x0a]);
});

test("legacy console_getchar (EID 0x02) returns the byte, or -1 without input", () => {
  const host = new FakeSbiHost();
  host.consoleInput = [0xe9];
  const first = call(host, 0x02n, 0n);
  assert.equal(first.legacy, true);
  assert.equal(first.error, 0xe9n);
  assert.equal(first.name, "legacy.console_getchar");
  assert.equal(first.summary, '→ a0=0xe9 ("\\xe9")');
  const second = call(host, 0x02n, 0n);
  assert.equal(second.error, -1n);
  assert.equal(second.summary, "→ a0=-1 (no input)");
});

test("legacy set_timer (EID 0x00) arms the timer", () => {
  const host = new FakeSbiHost();
  host.now = 10n;
  const result = call(host, 0x00n, 0n, 110n);
  assert.equal(result.legacy, true);
  assert.equal(result.error, 0n);
  assert.equal(result.name, "legacy.set_timer");
  assert.equal(result.summary, "stime_value=0x6e → a0=0x0 (in 100 ticks)");
  assert.deepEqual(host.calls, [{ method: "setTimer", hartId: 0, deadline: 110n }]);
});

test("legacy shutdown (EID 0x08) powers off", () => {
  const host = new FakeSbiHost();
  const result = call(host, 0x08n, 0n);
  assert.equal(result.legacy, true);
  assert.equal(result.name, "legacy.shutdown");
  assert.deepEqual(host.calls, [{ method: "systemReset", resetType: 0, reason: 0 }]);
});
