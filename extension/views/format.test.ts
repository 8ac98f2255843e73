import { test } from "node:test";
import assert from "node:assert/strict";
import { formatCount, formatSize, parseAddressInput, parseHex } from "./format";
import { statusText } from "./status-text";

test("sizes in binary units", () => {
  assert.equal(formatSize(0x1000n), "4 KiB");
  assert.equal(formatSize(0x200000n), "2 MiB");
  assert.equal(formatSize(0x40000000n), "1 GiB");
  assert.equal(formatSize(1536), "1.5 KiB");
  assert.equal(formatSize(100), "100 B");
});

test("address input: hex with or without 0x and underscores, decimal; the rest is refused", () => {
  assert.equal(parseAddressInput("0x8000_1000"), 0x80001000n);
  assert.equal(parseAddressInput(" 80001ab0 "), 0x80001ab0n);
  assert.equal(parseAddressInput("4096"), 4096n);
  assert.equal(parseAddressInput("0xffffffffffffffff"), (1n << 64n) - 1n);
  assert.equal(parseAddressInput("0x1ffffffffffffffff"), undefined, "more than 64 bits");
  assert.equal(parseAddressInput("sp"), undefined);
  assert.equal(parseAddressInput(""), undefined);
  assert.throws(() => parseHex("12"), /not a 0x-prefixed hex value: "12"/);
});

test("counts and the status bar text", () => {
  assert.equal(formatCount(52_100_000), "52.1M");
  assert.equal(formatCount(12_345), "12.3k");
  assert.equal(formatCount(999), "999");
  assert.equal(formatCount(2.5), "2.50");
  assert.equal(statusText({ mode: "trap-and-emulate", running: true, instructionsPerSecond: 52_100_000, exitsPerSecond: 1200 }), "$(vm) vmscope trap-and-emulate · 52.1M instr/s · 1200 exits/s");
  assert.equal(statusText({ mode: "none", running: false }), "$(vm) vmscope none · stopped");
  assert.equal(statusText({ running: true }), "$(vm) vmscope · – instr/s · – exits/s");
});
