import { test } from "node:test";
import assert from "node:assert/strict";
import { EscapeDecoder, RawTerminal } from "./tty";

const bytes = (...values: number[]) => Uint8Array.from(values);

test("plain keys, Ctrl-C included, go to the guest unchanged", () => {
  const decoded = new EscapeDecoder().decode(bytes(0x6c, 0x73, 0x03, 0x0d));
  assert.deepEqual([...decoded.bytes], [0x6c, 0x73, 0x03, 0x0d]);
  assert.deepEqual(decoded.actions, []);
});

test("Ctrl-A x quits, Ctrl-A Ctrl-A sends one Ctrl-A, Ctrl-A h asks for help", () => {
  const decoder = new EscapeDecoder();
  assert.deepEqual(decoder.decode(bytes(0x61, 0x01, 0x78)).actions, ["quit"]);
  const literal = decoder.decode(bytes(0x01, 0x01, 0x62));
  assert.deepEqual([...literal.bytes], [0x01, 0x62]);
  assert.deepEqual(literal.actions, []);
  assert.deepEqual(decoder.decode(bytes(0x01, 0x68)).actions, ["help"]);
});

test("an escape split across chunks still works; unknown escapes are dropped", () => {
  const decoder = new EscapeDecoder();
  const first = decoder.decode(bytes(0x41, 0x01));
  assert.deepEqual([...first.bytes], [0x41]);
  assert.deepEqual(decoder.decode(bytes(0x58)).actions, ["quit"]);
  const unknown = decoder.decode(bytes(0x01, 0x7a, 0x42));
  assert.deepEqual([...unknown.bytes], [0x42]);
  assert.deepEqual(unknown.actions, []);
});

test("raw mode is entered once and always restored", () => {
  const calls: boolean[] = [];
  const stream = { isTTY: true, setRawMode: (mode: boolean) => calls.push(mode) };
  const terminal = new RawTerminal(stream);
  terminal.enter();
  terminal.enter();
  const exitListeners = process.listenerCount("exit");
  terminal.restore();
  terminal.restore();
  assert.deepEqual(calls, [true, false]);
  assert.equal(process.listenerCount("exit"), exitListeners - 1, "the exit hook is removed after restoring");
});

test("a pipe is never put in raw mode", () => {
  const terminal = new RawTerminal({ isTTY: false });
  assert.equal(terminal.isTerminal, false);
  terminal.enter();
  terminal.restore();
});
