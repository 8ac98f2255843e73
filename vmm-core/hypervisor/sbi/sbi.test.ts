/** Dispatch through the extension table, the BASE extension and the exit-log descriptions. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { handleSbiCall } from "./sbi";
import { sbiExtensions } from "./sbi-table";
import { FakeSbiHost, ecall } from "./testing/fake-sbi-host";

const BASE = 0x10n;
const NOT_SUPPORTED = -2n;

function call(host: FakeSbiHost, eid: bigint, fid: bigint, ...a: bigint[]) {
  return handleSbiCall(host, host.vcpu(0), ecall(eid, fid, ...a));
}

test("BASE.get_spec_version reports SBI v2.0 (major 2 in bits 30:24)", () => {
  const result = call(new FakeSbiHost(), BASE, 0n);
  assert.equal(result.error, 0n);
  assert.equal(result.value, 0x0200_0000n);
  assert.equal(result.legacy, false);
  assert.equal(result.name, "BASE.get_spec_version");
  assert.equal(result.summary, "→ SUCCESS value=0x2000000 (v2.0)");
});

test("BASE.get_impl_id is vmscope's own id, outside the spec's registry 0..11", () => {
  const result = call(new FakeSbiHost(), BASE, 1n);
  assert.equal(result.error, 0n);
  assert.equal(result.value, 0x564d53n);
  assert.ok(result.value > 11n);
  assert.equal(result.name, "BASE.get_impl_id");
});

test("BASE.get_impl_version, get_mvendorid, get_marchid, get_mimpid", () => {
  const host = new FakeSbiHost();
  assert.deepEqual(
    [2n, 4n, 5n, 6n].map((fid) => {
      const { error, value, name } = call(host, BASE, fid);
      return { error, value, name };
    }),
    [
      { error: 0n, value: 1n, name: "BASE.get_impl_version" },
      { error: 0n, value: 0n, name: "BASE.get_mvendorid" },
      { error: 0n, value: 0n, name: "BASE.get_marchid" },
      { error: 0n, value: 0n, name: "BASE.get_mimpid" },
    ],
  );
});

test("BASE.probe_extension answers 1 for every EID in the table and 0 otherwise", () => {
  const host = new FakeSbiHost();
  const implemented = [0x00n, 0x01n, 0x02n, 0x08n, 0x10n, 0x54494d45n, 0x735049n, 0x52464e43n, 0x48534dn, 0x53525354n, 0x4442434en];
  assert.deepEqual(sbiExtensions.map((extension) => extension.eid).sort((a, b) => (a < b ? -1 : 1)), [...implemented].sort((a, b) => (a < b ? -1 : 1)));
  for (const eid of implemented) {
    const result = call(host, BASE, 3n, eid);
    assert.equal(result.error, 0n, `probe ${eid.toString(16)}`);
    assert.equal(result.value, 1n, `probe ${eid.toString(16)}`);
  }
  // Legacy IPI/fences, SUSP, PMU, CPPC, a vendor EID, and -1.
  for (const eid of [0x03n, 0x04n, 0x05n, 0x07n, 0x53555350n, 0x504d55n, 0x43505043n, 0x0900_0000n, (1n << 64n) - 1n]) {
    const result = call(host, BASE, 3n, eid);
    assert.equal(result.error, 0n);
    assert.equal(result.value, 0n, `probe ${eid.toString(16)}`);
  }
  assert.equal(call(host, BASE, 3n, 0x54494d45n).summary, "extension_id=0x54494d45 → SUCCESS value=0x1");
});

test("an unknown EID is SBI_ERR_NOT_SUPPORTED, named by EID and FID", () => {
  const result = call(new FakeSbiHost(), 0x53555350n, 0n);
  assert.equal(result.error, NOT_SUPPORTED);
  assert.equal(result.value, 0n);
  assert.equal(result.legacy, false);
  assert.equal(result.name, "unknown 0x53555350.0x0");
  assert.equal(result.summary, "→ ERR_NOT_SUPPORTED (no such extension)");
});

test("an unknown FID of a known extension is SBI_ERR_NOT_SUPPORTED", () => {
  const host = new FakeSbiHost();
  for (const [eid, fid] of [
    [BASE, 7n],
    [0x54494d45n, 1n],
    [0x735049n, 1n],
    [0x52464e43n, 7n],
    [0x48534dn, 4n],
    [0x53525354n, 1n],
    [0x4442434en, 3n],
    [BASE, 1n << 32n],
  ] as const) {
    const result = call(host, eid, fid);
    assert.equal(result.error, NOT_SUPPORTED, `${eid.toString(16)}.${fid.toString(16)}`);
    assert.equal(result.name, `unknown 0x${eid.toString(16)}.0x${fid.toString(16)}`);
  }
  assert.equal(call(host, 0x54494d45n, 1n).summary, "→ ERR_NOT_SUPPORTED (TIME has no function 0x1)");
  assert.deepEqual(host.calls, []);
});

test("an EID with garbage in the upper register bits is not mistaken for BASE", () => {
  const result = call(new FakeSbiHost(), (1n << 40n) | BASE, 0n);
  assert.equal(result.error, NOT_SUPPORTED);
});

test("registers read as signed BigInt64 values are taken as unsigned", () => {
  const host = new FakeSbiHost();
  // hart_mask_base = -1 (all harts) as it sits in a BigInt64Array.
  const result = handleSbiCall(host, host.vcpu(0), ecall(0x735049n, 0n, 0n, -1n));
  assert.equal(result.error, 0n);
  assert.deepEqual(host.calls, [{ method: "sendSoftwareInterrupt", hartIds: [0, 1, 2, 3] }]);
});

test("unimplemented legacy EIDs answer -2 in a0 only", () => {
  const host = new FakeSbiHost();
  for (const eid of [0x03n, 0x04n, 0x05n, 0x06n, 0x07n, 0x09n, 0x0fn]) {
    const result = call(host, eid, 0n, 0x8000_0000n);
    assert.equal(result.error, NOT_SUPPORTED);
    assert.equal(result.legacy, true, `eid ${eid}`);
  }
  assert.deepEqual(host.calls, []);
});
