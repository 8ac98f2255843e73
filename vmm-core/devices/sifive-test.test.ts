import { test } from "node:test";
import assert from "node:assert/strict";
import { SifiveTest } from "./sifive-test";
import { RecordingPower } from "./testing/fakes";

function setup() {
  const power = new RecordingPower();
  return { power, dev: new SifiveTest(power) };
}

test("0x5555 powers off with code 0", () => {
  const { power, dev } = setup();
  dev.write(0, 4, 0x5555n);
  assert.deepEqual(power.calls, [{ kind: "off", code: 0, source: "sifive_test" }]);
});

test("0x3333 powers off with the code in bits 31:16; code 0 becomes 1", () => {
  const { power, dev } = setup();
  dev.write(0, 4, (42n << 16n) | 0x3333n);
  dev.write(0, 4, 0x3333n);
  assert.deepEqual(power.calls.map((c) => c.code), [42, 1]);
});

test("0x7777 requests a reset; other values and offsets do nothing", () => {
  const { power, dev } = setup();
  dev.write(0, 4, 0x7777n);
  dev.write(0, 4, 0x1234n);
  dev.write(4, 4, 0x5555n);
  dev.write(0, 1, 0x55n);
  assert.deepEqual(power.calls, [{ kind: "reset", source: "sifive_test" }]);
  assert.equal(dev.read(0, 4), 0n);
});

test("a 2-byte store of 0x5555 passes (QEMU accepts 2- and 4-byte accesses)", () => {
  const { power, dev } = setup();
  dev.write(0, 2, 0x5555n);
  assert.equal(power.calls[0]?.code, 0);
});
