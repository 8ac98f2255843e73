import { test } from "node:test";
import assert from "node:assert/strict";
import { Htif, SYS_exit, SYS_write } from "./htif";
import { ConsoleInput } from "../machine/console";
import { FakeMemory, RecordingConsole, RecordingPower } from "./testing/fakes";

const RAM = 0x8000_0000n;

function setup() {
  const power = new RecordingPower();
  const console = new RecordingConsole();
  const memory = new FakeMemory(RAM, 0x1000);
  const input = new ConsoleInput();
  const htif = new Htif(power, console, memory, input);
  return { power, console, memory, input, htif };
}

const command = (device: bigint, cmd: bigint, payload: bigint) => (device << 56n) | (cmd << 48n) | payload;

test("putchar writes a byte, clears tohost and acknowledges in fromhost", () => {
  const { console, htif } = setup();
  htif.write(0, 8, command(1n, 1n, 0x41n));
  assert.equal(console.text, "A");
  assert.equal(htif.read(0, 8), 0n);
  assert.equal(htif.read(8, 8), 0x0101_0000_0000_0001n);
  htif.write(8, 8, 0n); // the guest consumes the acknowledgement
  assert.equal(htif.read(8, 8), 0n);
});

test("exit: payload bit 0 set, code = payload >> 1", () => {
  const { power, htif } = setup();
  htif.write(0, 8, 1n);
  htif.write(0, 8, (5n << 1n) | 1n);
  assert.deepEqual(power.calls, [
    { kind: "off", code: 0, source: "htif" },
    { kind: "off", code: 5, source: "htif" },
  ]);
});

test("RV32-style halves: the command runs when the high half is written", () => {
  const { console, htif } = setup();
  htif.write(0, 4, 0x42n);
  assert.equal(console.bytes.length, 0);
  assert.equal(htif.read(0, 4), 0x42n);
  htif.write(4, 4, 0x0101_0000n);
  assert.equal(console.text, "B");
});

test("SYS_write through magic_mem writes the buffer and returns the count in magic_mem[0]", () => {
  const { console, memory, htif } = setup();
  const block = RAM + 0x100n;
  const buffer = RAM + 0x200n;
  const text = "hello, htif\n";
  new TextEncoder().encode(text).forEach((b, i) => memory.writePhysical(buffer + BigInt(i), 1, BigInt(b)));
  const args = [BigInt(SYS_write), 1n, buffer, BigInt(text.length)];
  args.forEach((v, i) => memory.writePhysical(block + BigInt(8 * i), 8, v));
  htif.write(0, 8, block);
  assert.equal(console.text, text);
  assert.equal(memory.readPhysical(block, 8), BigInt(text.length));
  assert.equal(htif.read(8, 8), 1n, "fromhost acknowledges device 0 cmd 0");
  // bad fd → -EBADF
  [BigInt(SYS_write), 3n, buffer, 1n].forEach((v, i) => memory.writePhysical(block + BigInt(8 * i), 8, v));
  htif.write(0, 8, block);
  assert.equal(memory.readPhysical(block, 8), BigInt.asUintN(64, -9n));
});

test("SYS_exit through magic_mem powers off with arg0", () => {
  const { power, memory, htif } = setup();
  const block = RAM + 0x300n;
  [BigInt(SYS_exit), 3n].forEach((v, i) => memory.writePhysical(block + BigInt(8 * i), 8, v));
  htif.write(0, 8, block);
  assert.deepEqual(power.calls, [{ kind: "off", code: 3, source: "htif" }]);
});

test("getchar is answered when input arrives and fromhost is free", () => {
  const { input, htif } = setup();
  htif.write(0, 8, command(1n, 0n, 0n));
  assert.equal(htif.read(8, 8), 0n, "no input yet: no answer");
  input.push("x");
  htif.pollInput();
  assert.equal(htif.read(8, 8), 0x0100_0000_0000_0000n | 0x78n);
});
