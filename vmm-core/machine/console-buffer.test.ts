import { test } from "node:test";
import assert from "node:assert/strict";
import { ConsoleBuffer, droppedMarker } from "./console-buffer";

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

test("bytes within the capacity come back unchanged, in order, once", () => {
  const buffer = new ConsoleBuffer(1024);
  buffer.write(new TextEncoder().encode("hello "));
  buffer.write(new TextEncoder().encode("world"));
  assert.equal(text(buffer.take()), "hello world");
  assert.equal(buffer.take(), undefined);
});

test("beyond the capacity bytes are dropped and the next batch says how many", () => {
  const buffer = new ConsoleBuffer(1024);
  buffer.write(new Uint8Array(1000).fill(0x41));
  buffer.write(new Uint8Array(100).fill(0x42));
  assert.equal(buffer.buffered, 1024);
  const out = text(buffer.take());
  assert.equal(out, "A".repeat(1000) + "B".repeat(24) + droppedMarker(76));
  assert.match(out, /\[vmscope: 76 bytes of console output dropped\]/);
  assert.equal(buffer.droppedTotal, 76);
  buffer.write(Uint8Array.of(0x43));
  assert.equal(text(buffer.take()), "C", "the marker is reported once");
});

test("the drain callback gets a chance before anything is dropped", () => {
  const taken: string[] = [];
  const buffer: ConsoleBuffer = new ConsoleBuffer(1024, () => taken.push(text(buffer.take())));
  buffer.write(new Uint8Array(1000).fill(0x41));
  buffer.write(new Uint8Array(100).fill(0x42));
  assert.equal(taken.length, 1);
  assert.equal(buffer.droppedTotal, 0);
  assert.equal(text(buffer.take()), "B".repeat(100));
});

test("a capacity below the minimum is refused", () => {
  assert.throws(() => new ConsoleBuffer(10), /below the 1024-byte minimum/);
});
