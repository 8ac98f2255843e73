/**
 * The snapshot file format and its value encoding, and the rule that every
 * device on the bus saves its state (a new device without saveState would
 * otherwise be silently left out of snapshots).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { decodeValue, encodeValue } from "../../vmm-core/snapshot/value-codec";
import { decodeSnapshot, encodeSnapshot, snapshotVersion } from "../../vmm-core/snapshot/snapshot-format";
import { isStateful } from "../../vmm-core/snapshot/stateful";
import { SnapshotError } from "../../vmm-core/snapshot/snapshot-error";
import { Machine } from "../../vmm-core/machine/machine";
import { snapshotRoundTrip } from "./round-trip";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "vmscope-snapshot-format-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

test("the value encoding keeps bigints, typed arrays, Maps, Sets, undefined and '$' keys through JSON", () => {
  const value = {
    negative: -1n,
    huge: (1n << 64n) - 1n,
    bytes: Uint8Array.from([1, 2, 255]),
    words: BigInt64Array.from([-5n, 7n]),
    floats: Float64Array.from([0.5, 1e300]),
    map: new Map<bigint, Uint8Array>([[3n, Uint8Array.from([9])]]),
    set: new Set([1, 5]),
    nothing: undefined,
    list: [1, "two", { $: "looks like a tag" }],
    infinite: Infinity,
  };
  const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(value))));
  assert.deepEqual(back, value);
  assert.throws(() => encodeValue(new Date()), SnapshotError);
  assert.throws(() => decodeValue({ $: "Float32Array", v: "" }), /unknown value type 'Float32Array'/);
  assert.throws(() => decodeValue({ $: "bigint", v: "0x12" }), /damaged number/);
});

test("the file is magic, version, two deflated sections; pages come back byte for byte", () => {
  const page = new Uint8Array(4096).map((_, i) => i & 0xff);
  const bytes = encodeSnapshot({ header: { answer: 42n }, pages: [{ index: 7, data: page }] });
  assert.equal(Buffer.from(bytes.subarray(0, 8)).toString("latin1"), "VMSCOPE\x1a");
  assert.equal(Buffer.from(bytes).readUInt32LE(8), snapshotVersion);
  const decoded = decodeSnapshot(bytes);
  assert.deepEqual(decoded.header, { answer: 42n });
  assert.equal(decoded.pages.length, 1);
  assert.equal(decoded.pages[0].index, 7);
  assert.deepEqual(new Uint8Array(decoded.pages[0].data), page);
  assert.throws(() => decodeSnapshot(bytes.subarray(0, bytes.length - 1)), /truncated or damaged/);
  assert.throws(() => decodeSnapshot(new Uint8Array(3)), /not a vmscope snapshot/);
});

test("every device on the bus of a fully equipped machine saves its state", () => {
  const disk = join(dir, "disk.img");
  writeFileSync(disk, new Uint8Array(64 * 1024));
  const machine = new Machine({ memory: 64 << 20, kernel: readFileSync(join(root, "test", "htif", "htif-pass.elf")), drives: [{ path: disk }, { path: disk, snapshot: true }] });
  const kinds = new Set(machine.bus.regions.map((region) => region.device.kind));
  for (const kind of ["ns16550a", "riscv.sifive.clint", "riscv.sifive.plic", "sifive,test0", "virtio-mmio", "riscv.htif"]) assert.ok(kinds.has(kind), `the machine has a ${kind}`);
  const unsaved = machine.bus.regions.filter((region) => !isStateful(region.device)).map((region) => region.device.kind);
  assert.deepEqual(unsaved, ["riscv.mrom"], "only the reset ROM, written once at power-on, has nothing to save");
  for (const slot of machine.virtio) if (slot.device) assert.ok(isStateful(slot.device), `${slot.device.typeName} saves its state`);
});

test("a snapshot-mode drive's writes (kept in memory) are part of the snapshot", () => {
  const disk = join(dir, "overlay.img");
  const image = new Uint8Array(64 * 1024);
  image.set(new TextEncoder().encode("VMSCOPE-DEVICES-DISK sector zero"));
  writeFileSync(disk, image);
  const result = snapshotRoundTrip({
    options: { memory: 128 << 20, mode: "trap-and-emulate", kernel: readFileSync(join(root, "samples", "devices", "devices.elf")), drives: [{ path: disk, snapshot: true }] },
  });
  assert.ok(result.pointsCompared > 0, JSON.stringify(result));
  assert.deepEqual(readFileSync(disk), Buffer.from(image), "snapshot mode never wrote the image");
});
