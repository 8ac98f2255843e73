import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluate, interpolate, parseExpression, ExpressionError, type ExpressionContext } from "./expression";

const registers: Record<string, bigint> = { a0: 3n, x10: 3n, sp: 0x8020_0000n, pc: 0x8000_0010n };
const memory = new Map<bigint, bigint>([[0x8000_1000n, 0x1122_3344_5566_7788n]]);
const context: ExpressionContext = {
  lookup: (name) => registers[name.replace(/^\$/, "")],
  readMemory: (address, size) => {
    const word = memory.get(address & ~7n);
    if (word === undefined) return undefined;
    const shift = (address & 7n) * 8n;
    return (word >> shift) & ((1n << BigInt(size * 8)) - 1n);
  },
};

test("conditions over registers with C precedence", () => {
  const cases: [string, bigint][] = [
    ["a0 == 3", 1n],
    ["x10 > 0x10 && sp < 0x80300000", 0n],
    ["x10 > 0x1 && sp < 0x80300000", 1n],
    ["a0 == 3 || *(u8*)0 == 1", 1n], // short-circuit: address 0 is never read
    ["1 + 2 * 3", 7n],
    ["(1 + 2) * 3", 9n],
    ["1 << 4 | 1", 17n],
    ["-1", 0xffff_ffff_ffff_ffffn],
    ["~0 == -1", 1n],
    ["!a0", 0n],
    ["$pc - 0x10", 0x8000_0000n],
    ["10 % 4 + 0b11", 5n],
    ["1_000", 1000n],
  ];
  for (const [text, expected] of cases) assert.equal(evaluate(text, context), expected, text);
});

test("memory reads through C-style casts", () => {
  assert.equal(evaluate("*(u64*)0x80001000", context), 0x1122_3344_5566_7788n);
  assert.equal(evaluate("*(u8*)(0x80001000 + 1)", context), 0x77n);
  assert.equal(evaluate("*(uint32_t*)0x80001004 == 0x11223344", context), 1n);
});

test("errors name the problem", () => {
  const failures: [string, RegExp][] = [
    ["", /empty expression/],
    ["a0 ==", /ends too early/],
    ["a0 = 3", /unexpected '='/],
    ["(a0", /expected '\)'/],
    ["nosuch + 1", /unknown name 'nosuch'/],
    ["1 / 0", /division by zero/],
    ["*(u64*)0x10", /cannot read 8 bytes at 0x10/],
    ["a0 # 2", /unexpected '#'/],
    ["require('fs')", /unexpected ''/],
  ];
  for (const [text, message] of failures) {
    assert.throws(() => evaluate(text, context), (error: Error) => error instanceof ExpressionError && message.test(error.message), text);
  }
  assert.throws(() => parseExpression(3 as unknown as string), ExpressionError);
});

test("log messages interpolate {expressions}", () => {
  assert.equal(interpolate("a0={a0} next={a0 + 1}", context), "a0=0x3 next=0x4");
  assert.equal(interpolate("bad {nosuch}", context), "bad <unknown name 'nosuch'>");
  assert.equal(interpolate("dec {a0}", context, (v) => v.toString()), "dec 3");
});
