/**
 * The committed samples/hello/hello.elf (gcc -O2 -g, DWARF 5, inlined
 * static functions, .debug_frame, an assembly unit, relative paths from
 * -ffile-prefix-map) read against binutils.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { needTool } from "../support/reference";
import { readDebugInfo } from "../../vmm-core/loader/dwarf/index";
import { compareFrameRows, compareLineRows, compareWithAddr2line } from "./comparisons";
import { toolchain } from "./guest-program";
import { decodedLineSequences } from "./reference-output";

const elfPath = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "samples", "hello", "hello.elf");
const info = readDebugInfo(new Uint8Array(readFileSync(elfPath)));

test("hello.elf: files, functions and breakpoint lines without any tool", () => {
  assert.equal(info.hasLineInfo, true);
  assert.equal(info.hasFrameInfo, true);
  const files = info.files();
  assert.ok(files.includes("hello.c") && files.includes("start.S"), files.join(", "));
  const [main] = info.functionsNamed("main");
  assert.ok(main && main.high > main.low);
  assert.equal(info.functionAt(main.low)?.name, "main");
  assert.equal(info.functionAt(main.high)?.name === "main", false);
  // putc_uart is static and inlined: no out-of-line copy, so no function of that name.
  assert.deepEqual(info.functionsNamed("putc_uart"), []);
  assert.equal(info.locate(0x8000_0000n)?.file, "start.S");
  assert.equal(info.locate(0x8000_0000n)?.line, 13);
});

test("hello.elf: line rows match readelf, every instruction matches addr2line", (t) => {
  if (!needTool(t, toolchain.readelf, toolchain.objdump, toolchain.addr2line)) return;
  assert.ok(compareLineRows(elfPath, info) > 30);
  const { checked } = compareWithAddr2line(elfPath, info, ["_start", "park"]);
  assert.ok(checked > 50);
});

test("hello.elf: the inlined putc_uart's store line has a breakpoint in every copy", (t) => {
  if (!needTool(t, toolchain.readelf)) return;
  const source = readFileSync(join(dirname(elfPath), "hello.c"), "utf8").split("\n");
  const line = source.findIndex((l) => l.includes("uart[UART_THR] = (uint8_t)c;")) + 1;
  const found = info.addressesForLine("hello.c", line);
  assert.ok(found && found.line === line, JSON.stringify(found?.line));
  assert.ok(found.addresses.length > 1, "putc_uart is inlined in several places");
  const stmtRows = decodedLineSequences(elfPath)
    .flatMap((s) => s.rows)
    .filter((r) => r.file === "hello.c" && r.line === line && r.isStatement);
  for (const address of found.addresses) assert.ok(stmtRows.some((r) => r.address === address));
  assert.deepEqual([...found.addresses].sort((a, b) => (a < b ? -1 : 1)), found.addresses);
  assert.equal(new Set(found.addresses).size, found.addresses.length);
  assert.deepEqual(info.addressesForLine("./hello.c", line), found);
});

test("hello.elf: .debug_frame rows match readelf", (t) => {
  if (!needTool(t, toolchain.readelf)) return;
  assert.ok(compareFrameRows(elfPath, ".debug_frame") > 5);
});

test("loadOffset moves every address", () => {
  const offset = 0x1000_0000n;
  const moved = readDebugInfo(new Uint8Array(readFileSync(elfPath)), { loadOffset: offset });
  const [main] = info.functionsNamed("main");
  const [movedMain] = moved.functionsNamed("main");
  assert.equal(movedMain.low, main.low + offset);
  assert.deepEqual(moved.locate(main.low + offset), { ...info.locate(main.low)!, address: info.locate(main.low)!.address + offset });
  assert.equal(moved.locate(main.low), undefined);
  const line = info.locate(main.low)!.line;
  assert.deepEqual(
    moved.addressesForLine("hello.c", line)?.addresses,
    info.addressesForLine("hello.c", line)?.addresses.map((a) => a + offset),
  );
  const registers = (n: number): bigint => (n === 2 ? 0x8000_8000n : 0x8000_0100n);
  const frame = info.unwind(main.low + 4n, registers, () => 0x8000_0042n);
  const movedFrame = moved.unwind(main.low + 4n + offset, registers, () => 0x8000_0042n);
  assert.ok(frame && movedFrame);
  assert.equal(movedFrame.cfa, frame.cfa);
});
