import { test } from "node:test";
import assert from "node:assert/strict";
import { Uart16550 } from "./uart16550";
import { ConsoleInput } from "../machine/console";
import { RecordingConsole, RecordingIrqLine } from "./testing/fakes";

const RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;

function setup() {
  const irq = new RecordingIrqLine();
  const console = new RecordingConsole();
  const input = new ConsoleInput();
  const uart = new Uart16550("uart0", irq, console, input);
  const rd = (reg: number) => Number(uart.read(reg, 1));
  const wr = (reg: number, v: number) => uart.write(reg, 1, BigInt(v));
  return { irq, console, input, uart, rd, wr };
}

test("reset values match QEMU's serial_reset", () => {
  const { rd, irq } = setup();
  assert.equal(rd(IER), 0);
  assert.equal(rd(IIR), 0x01);
  assert.equal(rd(LCR), 0);
  assert.equal(rd(MCR), 0x08);
  assert.equal(rd(LSR), 0x60);
  assert.equal(rd(MSR), 0xb0);
  assert.equal(rd(SCR), 0);
  assert.equal(irq.level, false);
});

test("THR writes reach the console one byte at a time and LSR stays THRE|TEMT", () => {
  const { wr, rd, console } = setup();
  for (const ch of "hi\n") wr(THR, ch.charCodeAt(0));
  assert.equal(console.text, "hi\n");
  assert.equal(rd(LSR) & 0x60, 0x60);
  // serial-mm keeps only the low byte of a wider store
  const s = setup();
  s.uart.write(THR, 4, 0x1234_5641n);
  assert.equal(s.console.text, "A");
});

test("DLAB switches offsets 0/1 to the divisor latch", () => {
  const { wr, rd, uart, console } = setup();
  assert.equal(uart.registerName(0, true), "THR");
  wr(LCR, 0x83);
  assert.equal(uart.registerName(0, true), "DLL");
  assert.equal(uart.registerName(1, false), "DLM");
  assert.equal(rd(0), 0x0c, "reset divisor is 12 (9600 baud)");
  assert.equal(rd(1), 0x00);
  wr(0, 0x01);
  wr(1, 0x02);
  assert.equal(rd(0), 0x01);
  assert.equal(rd(1), 0x02);
  assert.equal(console.bytes.length, 0, "DLL write is not a transmit");
  wr(LCR, 0x03);
  assert.equal(rd(IER), 0, "IER untouched by DLM write");
  assert.equal(uart.snapshot(0x1000_0000n).details?.divisor, 0x0201);
});

test("received bytes without FIFO: one at a time, DR, RDI interrupt, overrun-free polling", () => {
  const { wr, rd, uart, input, irq } = setup();
  input.push("ab");
  uart.pollInput();
  assert.equal(uart.snapshot(0n).details?.inputQueued, 2, "no receive interrupt enabled: polling delivers nothing yet");
  for (let i = 0; i < 3; i++) assert.equal(rd(LSR) & 0x01, 0, "three LSR reads are not yet a poll for input");
  assert.equal(rd(LSR) & 0x01, 0x01, "the fourth LSR read in a row pulls input in");
  assert.equal(uart.snapshot(0n).details?.inputQueued, 1, "non-FIFO takes only one byte");
  assert.equal(irq.level, false, "no interrupt while IER is 0");
  wr(IER, 0x01);
  assert.equal(irq.level, true);
  assert.equal(rd(IIR), 0x04);
  assert.equal(rd(RBR), "a".charCodeAt(0));
  // the read pulled the next queued byte in
  assert.equal(rd(LSR) & 0x01, 0x01);
  assert.equal(rd(RBR), "b".charCodeAt(0));
  assert.equal(rd(LSR) & 0x01, 0);
  assert.equal(irq.level, false);
  assert.equal(rd(IIR), 0x01);
});

test("FIFO fills to 16 bytes, drains in order, trigger level gates RDI", () => {
  const { wr, rd, uart, input, irq } = setup();
  wr(FCR, 0x81); // enable, trigger level 8
  assert.equal(rd(IIR) & 0xc0, 0xc0, "IIR reports FIFOs enabled");
  wr(IER, 0x01);
  input.push("0123456789abcdefXYZ");
  uart.pollInput();
  const fifo = uart.snapshot(0n).details?.rxFifo as number[];
  assert.equal(fifo.length, 16);
  assert.equal(String.fromCharCode(...fifo), "0123456789abcdef");
  assert.equal(irq.level, true);
  assert.equal(rd(IIR) & 0x0f, 0x04);
  let got = "";
  for (let i = 0; i < 19; i++) got += String.fromCharCode(rd(RBR));
  assert.equal(got, "0123456789abcdefXYZ", "RBR reads refill from the input queue");
  assert.equal(rd(LSR) & 0x01, 0);
  assert.equal(rd(RBR), 0, "empty FIFO reads 0");
});

test("below the trigger level, a quiet poll period raises the character timeout (CTI)", () => {
  const { wr, rd, uart, input, irq } = setup();
  wr(FCR, 0xc1); // trigger level 14
  wr(IER, 0x01);
  input.push("hey");
  uart.pollInput();
  assert.equal(irq.level, false, "3 bytes < 14: no RDI yet");
  uart.pollInput(); // no new input: the timeout elapses
  assert.equal(irq.level, true);
  assert.equal(rd(IIR) & 0x0f, 0x0c);
  assert.equal(rd(RBR), "h".charCodeAt(0));
  assert.equal(rd(IIR) & 0x0f, 0x01, "reading RBR clears the timeout");
});

test("FCR clear bits flush the receive FIFO; toggling enable flushes too", () => {
  const { wr, rd, uart, input } = setup();
  wr(FCR, 0x01);
  wr(IER, 0x01);
  input.push("xyz");
  uart.pollInput();
  assert.equal(rd(LSR) & 1, 1);
  wr(FCR, 0x03); // RFR
  assert.equal(rd(LSR) & 1, 0);
  assert.deepEqual(uart.snapshot(0n).details?.rxFifo, []);
  assert.equal(uart.snapshot(0n).details?.inputQueued, 3, "unread bytes go back to the host queue, nothing typed is lost");
  assert.equal(input.take(), "x".charCodeAt(0));
  input.push("q");
  uart.pollInput();
  wr(FCR, 0x00); // disable → implicit flush
  assert.equal(rd(LSR) & 1, 0);
  assert.equal(rd(IIR) & 0xc0, 0);
});

test("IIR reports the highest-priority cause: RLS > RDA > THRE > MS", () => {
  const { wr, rd, uart, input, irq } = setup();
  wr(MCR, 0x08);
  wr(IER, 0x01);
  input.push("a"); // non-FIFO: RBR holds "a", DR set
  uart.pollInput();
  wr(IER, 0x0f);
  // Force an overrun: loopback transmit while DR is set.
  wr(MCR, 0x18);
  wr(THR, 0x41);
  assert.equal(rd(IIR), 0x06, "overrun → receiver line status");
  assert.equal(rd(LSR) & 0x02, 0x02, "LSR.OE set, then cleared by the read");
  assert.equal(rd(IIR), 0x04, "then received data available");
  assert.equal(rd(RBR), 0x41);
  assert.equal(rd(IIR), 0x02, "then THR empty");
  assert.equal(rd(IIR), 0x01, "reading IIR acknowledged THRE; MSR has no deltas");
  assert.equal(irq.level, false);
});

test("THRE interrupt: pending when enabled with THR empty, cleared by IIR read, re-raised by transmit", () => {
  const { wr, rd, irq, console } = setup();
  wr(IER, 0x02);
  assert.equal(irq.level, true, "enabling THRI with THR empty raises it");
  assert.equal(rd(IIR), 0x02);
  assert.equal(irq.level, false, "IIR read acknowledges it");
  assert.equal(rd(IIR), 0x01);
  const before = irq.calls.length;
  wr(THR, 0x5a);
  assert.deepEqual(irq.calls.slice(before), [false, true], "THR write clears it, instant transmit sets it again");
  assert.equal(console.text, "Z");
  // toggling IER.THRI resamples THRE
  rd(IIR);
  assert.equal(irq.level, false);
  wr(IER, 0x00);
  wr(IER, 0x02);
  assert.equal(irq.level, true);
  wr(IER, 0x00);
  assert.equal(irq.level, false);
});

test("loopback: THR bytes come back on RBR, not the console; MSR mirrors MCR", () => {
  const { wr, rd, uart, input, console } = setup();
  wr(MCR, 0x10 | 0x0b); // LOOP | OUT2 | RTS | DTR
  assert.equal(rd(MSR), 0x80 | 0x10 | 0x20, "OUT2→DCD, RTS→CTS, DTR→DSR");
  input.push("host");
  uart.pollInput();
  wr(THR, 0x37);
  assert.equal(console.bytes.length, 0);
  assert.equal(rd(LSR) & 1, 1);
  assert.equal(rd(RBR), 0x37);
  assert.equal(input.available, 4, "loopback does not take host input");
  assert.equal(uart.registerName(0, false), "RBR");
});

test("scratch register holds a value; snapshot has no side effects", () => {
  const { wr, rd, uart, input } = setup();
  wr(SCR, 0xa5);
  assert.equal(rd(SCR), 0xa5);
  wr(IER, 0x02);
  input.push("k");
  for (let i = 0; i < 4; i++) rd(LSR); // a polling guest pulls the byte in
  const a = uart.snapshot(0x1000_0000n);
  const b = uart.snapshot(0x1000_0000n);
  assert.deepEqual(a, b);
  assert.equal(a.base, 0x1000_0000n);
  assert.ok(a.registers.some((r) => r.name === "SCR" && r.value === 0xa5));
  assert.equal(rd(IIR), 0x02, "THRE still pending after snapshots");
  assert.equal(rd(RBR), "k".charCodeAt(0), "byte still there after snapshots");
});

test("printing (LSR and THR alternating) never pulls typed-ahead input in", () => {
  const { wr, rd, uart, input } = setup();
  input.push("typed ahead");
  for (let i = 0; i < 100; i++) {
    assert.equal(rd(LSR) & 0x20, 0x20);
    wr(THR, 0x2e);
  }
  assert.equal(uart.snapshot(0n).details?.inputQueued, 11, "nothing taken while the guest only prints");
});

test("reset returns to power-on state and lowers the line", () => {
  const { wr, rd, uart, irq } = setup();
  wr(IER, 0x02);
  wr(LCR, 0x80);
  assert.equal(irq.level, true);
  uart.reset();
  assert.equal(irq.level, false);
  assert.equal(rd(LCR), 0);
  assert.equal(rd(IER), 0);
});
