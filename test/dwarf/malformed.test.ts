/**
 * Bad debug data: readDebugInfo throws a DwarfError that names the section
 * and the offset (never a TypeError or RangeError), and an ELF without
 * debug sections gives empty answers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DwarfError, readDebugInfo } from "../../vmm-core/loader/dwarf/index";
import { parseElf } from "../../vmm-core/loader/elf";
import { buildElf, uartGuest } from "../support/elf-builder";

const hello = new Uint8Array(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "samples", "hello", "hello.elf")));

/** hello.elf with `edit` applied to one section's bytes (a copy). */
function corrupt(section: string, edit: (bytes: Uint8Array, view: DataView) => void): Uint8Array {
  const copy = hello.slice();
  const found = parseElf(copy, "hello.elf").findSection(section);
  assert.ok(found, section);
  edit(found.data, new DataView(found.data.buffer, found.data.byteOffset, found.data.byteLength));
  return copy;
}

function assertDwarfError(elf: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => readDebugInfo(elf),
    (e: unknown) => {
      assert.ok(e instanceof DwarfError, `not a DwarfError: ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

test("an ELF without debug sections: empty answers, no error", () => {
  const info = readDebugInfo(uartGuest("hi", 0));
  assert.equal(info.hasLineInfo, false);
  assert.equal(info.hasFrameInfo, false);
  assert.equal(info.locate(0x8000_0000n), undefined);
  assert.deepEqual(info.files(), []);
  assert.equal(info.functionAt(0x8000_0000n), undefined);
  assert.deepEqual(info.functionsNamed("main"), []);
  assert.equal(info.addressesForLine("main.c", 1), undefined);
  assert.equal(info.unwind(0x8000_0000n, () => 0n, () => 0n), undefined);
});

test("not an ELF at all is a DwarfError too", () => {
  assertDwarfError(new Uint8Array([1, 2, 3, 4]), /not an ELF file/);
  assertDwarfError(buildElf({ entry: 0n, segments: [{ address: 0n, data: new Uint8Array(4) }], machine: 62 }), /x86-64/);
});

test("a line table of an unknown version", () => {
  assertDwarfError(
    corrupt(".debug_line", (_, view) => view.setUint16(4, 9, true)),
    /\.debug_line at offset 0x0: unsupported line table version 9/,
  );
});

test("a unit whose length runs past the section", () => {
  assertDwarfError(
    corrupt(".debug_info", (_, view) => view.setUint32(0, 0x00ffffff, true)),
    /\.debug_info at offset 0x0: compilation unit length 0xffffff runs past the end/,
  );
});

test("an abbreviation code the table lacks", () => {
  // The first DIE's code sits right after the 12-byte DWARF 5 unit header.
  assertDwarfError(
    corrupt(".debug_info", (bytes) => (bytes[12] = 0x7f)),
    /\.debug_info at offset 0xc: unknown abbreviation code 127/,
  );
});

test("a CIE of an unknown version and an unknown CFA instruction", () => {
  // .debug_frame starts with a CIE: length (4), id (4), version (1).
  assertDwarfError(
    corrupt(".debug_frame", (bytes) => (bytes[8] = 7)),
    /\.debug_frame at offset 0x0: unsupported CIE version 7/,
  );
  const badOpcode = corrupt(".debug_frame", (bytes, view) => {
    const cieEnd = 4 + view.getUint32(0, true);
    bytes[cieEnd - 1] = 0x3f; // the CIE's last (padding) byte becomes an unknown opcode
  });
  // Reported when the file is read, not later in the middle of a stack trace.
  assertDwarfError(badOpcode, /\.debug_frame at offset 0x[0-9a-f]+: unknown call frame instruction 0x3f/);
});
