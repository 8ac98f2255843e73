import { test } from "node:test";
import assert from "node:assert/strict";
import type { ElfSymbol } from "../vmm-core/loader/elf";
import { Symbolizer } from "./symbolizer";

function symbol(name: string, value: bigint, size: number, type: ElfSymbol["type"] = "func", bind: ElfSymbol["bind"] = "global"): ElfSymbol {
  return { name, value, size, type, bind, sectionIndex: 1 };
}

const symbolizer = new Symbolizer([
  symbol("_start", 0x8000_0000n, 0, "notype"),
  symbol("main", 0x8000_0040n, 0x20),
  symbol(".L3", 0x8000_0048n, 0, "notype", "local"),
  symbol("hello.c", 0n, 0, "file", "local"),
  symbol("putc_uart", 0x8000_0080n, 0x10, "func", "local"),
  symbol("message", 0x8000_0100n, 16, "object"),
]);

test("addresses are named after the nearest symbol with an offset", () => {
  assert.equal(symbolizer.describe(0x8000_0000n), "_start");
  assert.equal(symbolizer.describe(0x8000_0010n), "_start+0x10");
  assert.equal(symbolizer.describe(0x8000_0040n), "main");
  assert.equal(symbolizer.describe(0x8000_004cn), "main+0xc", "assembler-local labels are skipped");
  assert.equal(symbolizer.describe(0x8000_0084n), "putc_uart+0x4");
});

test("addresses no symbol covers stay hexadecimal", () => {
  assert.equal(symbolizer.describe(0x1000n), "0x1000", "the reset ROM has no symbols");
  assert.equal(symbolizer.describe(0x8000_0110n), "0x80000110", "past the end of a sized object");
  assert.equal(new Symbolizer([]).describe(0x8000_0000n), "0x80000000");
});
