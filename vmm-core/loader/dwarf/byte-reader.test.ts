/** LEB128 and initial-length decoding (DWARF 5 §7.6, §7.4), with the spec's own examples. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteReader } from "./byte-reader";
import { DwarfError } from "./errors";
import { hasPathSuffix, joinPath, normalize } from "./paths";

const reader = (...bytes: number[]): ByteReader => new ByteReader(new Uint8Array(bytes), ".debug_test");

test("unsigned LEB128: the examples of DWARF 5 table 7.7", () => {
  const cases: [number[], bigint][] = [
    [[2], 2n],
    [[127], 127n],
    [[0x80, 1], 128n],
    [[0x81, 1], 129n],
    [[0x82, 1], 130n],
    [[0xb9, 0x64], 12857n],
    [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 0xffffffffffffffffn],
  ];
  for (const [bytes, value] of cases) {
    const r = reader(...bytes);
    assert.equal(r.uleb(), value);
    assert.equal(r.offset, bytes.length);
  }
});

test("signed LEB128: the examples of DWARF 5 table 7.8", () => {
  const cases: [number[], bigint][] = [
    [[2], 2n],
    [[0x7e], -2n],
    [[0xff, 0], 127n],
    [[0x81, 0x7f], -127n],
    [[0x80, 1], 128n],
    [[0x80, 0x7f], -128n],
    [[0x81, 1], 129n],
    [[0xff, 0x7e], -129n],
  ];
  for (const [bytes, value] of cases) assert.equal(reader(...bytes).sleb(), value);
});

test("fixed-size fields are little-endian; running off the end names the section and offset", () => {
  const r = reader(0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0xff);
  assert.equal(r.u16(), 0x1234);
  assert.equal(r.u32(), 0x12345678);
  assert.equal(r.i8(), -1);
  assert.throws(() => r.u8(), (e: unknown) => e instanceof DwarfError && /\.debug_test at offset 0x7: truncated/.test(e.message));
  assert.throws(() => reader(0x80).uleb(), DwarfError);
  assert.throws(() => reader(0x61, 0x62).cString(), /string runs past the end/);
});

test("initial length: 32-bit, 64-bit (0xffffffff escape) and reserved values", () => {
  const r32 = reader(4, 0, 0, 0, 1, 2, 3, 4);
  assert.deepEqual(r32.initialLength("unit"), { offsetSize: 4, end: 8 });
  const r64 = reader(0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 9, 9);
  assert.deepEqual(r64.initialLength("unit"), { offsetSize: 8, end: 14 });
  assert.throws(() => reader(0xf0, 0xff, 0xff, 0xff).initialLength("unit"), /reserved initial length/);
  assert.throws(() => reader(9, 0, 0, 0, 1).initialLength("unit"), /unit length 0x9 runs past the end/);
});

test("paths: join, normalize and suffix matching on '/' boundaries", () => {
  assert.equal(joinPath("/work/k", "src", "main.c"), "/work/k/src/main.c");
  assert.equal(joinPath("/work/k", "/usr/include", "stdint.h"), "/usr/include/stdint.h");
  assert.equal(joinPath(".", ".", "hello.c"), "hello.c");
  assert.equal(normalize("/a/b/../c/./d.c"), "/a/c/d.c");
  assert.equal(normalize("../x/../y.c"), "../y.c");
  assert.ok(hasPathSuffix("/work/k/src/main.c", "main.c"));
  assert.ok(hasPathSuffix("/work/k/src/main.c", "src/main.c"));
  assert.ok(hasPathSuffix("/work/k/src/main.c", "./src/main.c"));
  assert.ok(!hasPathSuffix("/work/k/src/main.c", "ain.c"));
  assert.ok(!hasPathSuffix("/work/k/src/main.c", "/src/main.c"));
});
