import { test } from "node:test";
import assert from "node:assert/strict";
import { Machine } from "../machine/machine";
import { buildElf, code, rv } from "../../test/support/elf-builder";
import { MachineDebugger } from "./machine-debugger";

const base = 0x8000_0000n;
const t0 = 5, t1 = 6, t2 = 7;
const auipc = (rd: number, imm20: number) => ((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17;
const ecall = 0x00000073;

/**
 *  0: auipc t0, 1        t0 = 0x8000_1000
 *  4: addi  t1, x0, 5
 *  8: sw    t1, 4(t0)    loop: store to 0x8000_1004
 * 12: lbu   t2, 4(t0)
 * 16: addi  t1, t1, 1
 * 20: jal   x0, -12      back to 8
 */
function storeLoop(): Machine {
  const words = [auipc(t0, 1), rv.addi(t1, 0, 5), rv.sw(t1, t0, 4), rv.lbu(t2, t0, 4), rv.addi(t1, t1, 1), rv.jal(0, -12)];
  const kernel = buildElf({ entry: base, segments: [{ address: base, data: code(words) }] });
  return new Machine({ memory: 16 << 20, kernel });
}

function started(machine: Machine): void {
  // Run the reset ROM up to the image's entry point.
  while (machine.harts[0].pc !== base) machine.step(0);
}

test("nothing armed: no hooks on the harts", () => {
  const machine = storeLoop();
  const debug = new MachineDebugger(machine);
  assert.equal(machine.harts[0].debug, undefined);
  debug.setBreakpoints([{ id: 1, address: base + 8n }]);
  assert.equal(machine.harts[0].debug, debug);
  debug.setBreakpoints([]);
  assert.equal(machine.harts[0].debug, undefined);
});

test("a breakpoint stops before the instruction at its address, and resume runs past it", () => {
  const machine = storeLoop();
  started(machine);
  const debug = new MachineDebugger(machine);
  debug.setBreakpoints([{ id: 7, address: base + 12n }]);
  const first = machine.run(10_000);
  assert.equal(first.reason, "debug");
  assert.deepEqual(debug.stop, { kind: "breakpoint", hart: 0, pc: base + 12n, ids: [7] });
  assert.equal(machine.harts[0].pc, base + 12n);
  const retired = machine.harts[0].instret;
  debug.resume();
  assert.equal(machine.run(10_000).reason, "debug");
  assert.equal(machine.harts[0].pc, base + 12n);
  assert.equal(machine.harts[0].instret - retired, 4, "one trip round the loop");
  assert.equal(machine.harts[0].x[t1], 6n);
});

test("a breakpoint whose test says no lets the hart run on, and per-hart breakpoints ignore other harts", () => {
  const machine = storeLoop();
  started(machine);
  const debug = new MachineDebugger(machine);
  let tested = 0;
  debug.setBreakpoints([
    { id: 1, address: base + 8n, test: () => (tested++, false) },
    { id: 2, address: base + 16n, hart: 3 },
  ]);
  assert.equal(machine.run(1000).reason, "budget");
  assert.ok(tested > 100, `the condition ran on every pass (${tested})`);
});

test("a write watchpoint reports the store with the old and new value", () => {
  const machine = storeLoop();
  started(machine);
  const debug = new MachineDebugger(machine);
  debug.setWatchpoints([{ id: 3, address: base + 0x1006n, length: 1, read: false, write: true }]);
  assert.equal(machine.run(10_000).reason, "debug");
  assert.deepEqual(debug.stop, {
    kind: "watchpoint", hart: 0, pc: base + 8n, id: 3, access: "write", address: base + 0x1004n, size: 4, oldValue: 0n, value: 5n,
  });
  assert.equal(machine.harts[0].pc, base + 12n, "the store has completed");
  debug.resume();
  machine.run(10_000);
  assert.equal(debug.stop?.kind === "watchpoint" && debug.stop.oldValue, 5n);
  assert.equal(debug.stop?.kind === "watchpoint" && debug.stop.value, 6n);
});

test("a read watchpoint ignores stores and reports the load", () => {
  const machine = storeLoop();
  started(machine);
  const debug = new MachineDebugger(machine);
  debug.setWatchpoints([{ id: 4, address: base + 0x1000n, length: 16, read: true, write: false }]);
  machine.run(10_000);
  assert.equal(debug.stop?.kind, "watchpoint");
  if (debug.stop?.kind !== "watchpoint") return;
  assert.equal(debug.stop.access, "read");
  assert.equal(debug.stop.pc, base + 12n);
  assert.equal(debug.stop.size, 1);
  assert.equal(debug.stop.value, 5n);
});

test("ecall and trap filters: stop before the ecall, then before the trap is taken; resuming takes it without a second stop", () => {
  const words = [rv.addi(t1, 0, 1), ecall, rv.spin()];
  const machine = new Machine({ memory: 16 << 20, kernel: buildElf({ entry: base, segments: [{ address: base, data: code(words) }] }) });
  started(machine);
  const hart = machine.harts[0];
  hart.csr.mtvec = base + 8n;
  const debug = new MachineDebugger(machine);
  debug.setCatchEcall((h) => h.priv === 3);
  debug.setCatchTrap((trap) => trap.cause === 11);
  assert.equal(machine.run(1000).reason, "debug");
  assert.deepEqual(debug.stop, { kind: "ecall", hart: 0, pc: base + 4n, privilege: 3, virt: false });
  assert.equal(hart.traps.total, 0, "not executed yet");
  debug.resume();
  const retired = hart.instret;
  assert.equal(machine.run(1000).reason, "debug");
  assert.deepEqual(debug.stop, {
    kind: "trap", hart: 0, trap: { cause: 11, interrupt: false, pc: base + 4n, tval: 0n, from: 3, to: 3, fromVirtual: false, toVirtual: false, instret: retired },
  });
  assert.equal(hart.pc, base + 4n, "stopped at the ecall");
  assert.equal(hart.traps.total, 0, "the trap is not taken yet");
  assert.equal(hart.csr.mepc, 0n);
  assert.equal(hart.instret, retired);
  debug.resume();
  assert.equal(machine.run(1000).reason, "budget", "the same trap is taken, not caught again");
  assert.equal(hart.traps.total, 1);
  assert.equal(hart.csr.mepc, base + 4n);
  assert.equal(hart.pc, base + 8n);
});

test("a faulting load stops with its destination register unwritten; stepping takes the trap into the handler", () => {
  const t3 = 28;
  // t1 = 0x7f00_0000 (no device there), t2 = 7, then lbu t2, 0(t1) faults.
  const words = [rv.lui(t1, 0x7f000), rv.addi(t2, 0, 7), rv.lbu(t2, t1, 0), rv.spin(), rv.addi(t3, 0, 1), rv.spin()];
  const machine = new Machine({ memory: 16 << 20, kernel: buildElf({ entry: base, segments: [{ address: base, data: code(words) }] }) });
  started(machine);
  const hart = machine.harts[0];
  hart.csr.mtvec = base + 16n;
  const debug = new MachineDebugger(machine);
  debug.setCatchTrap((trap) => !trap.interrupt);
  assert.equal(machine.run(1000).reason, "debug");
  const stop = debug.stop;
  assert.equal(stop?.kind, "trap");
  if (stop?.kind !== "trap") return;
  assert.equal(stop.trap.cause, 5, "load access fault");
  assert.equal(stop.trap.tval, 0x7f00_0000n);
  assert.equal(hart.pc, base + 8n);
  assert.equal(hart.x[t2], 7n, "the load wrote nothing");
  debug.resume();
  machine.step(0);
  assert.equal(debug.stop, undefined, "the step takes the trap it stopped on");
  assert.equal(hart.pc, base + 16n);
  assert.equal(hart.csr.mcause, 5n);
  assert.equal(hart.csr.mepc, base + 8n);
});

test("an interrupt stops at the boundary where it would be taken", () => {
  const machine = storeLoop();
  started(machine);
  const hart = machine.harts[0];
  hart.csr.mtvec = base + 0x100n;
  machine.run(10);
  const debug = new MachineDebugger(machine);
  debug.setCatchTrap((trap) => trap.interrupt && trap.cause === 3);
  const msip = 1 << 3;
  hart.setMie(msip);
  hart.setMstatus(hart.csr.mstatus | 0x8);
  hart.setMipSoftware(msip);
  const pc = hart.pc;
  const retired = hart.instret;
  assert.equal(machine.run(1000).reason, "debug");
  assert.equal(debug.stop?.kind === "trap" && debug.stop.trap.pc, pc);
  assert.equal(hart.pc, pc, "nothing ran");
  assert.equal(hart.instret, retired);
  assert.equal(hart.traps.total, 0);
  debug.resume();
  machine.run(1);
  assert.equal(hart.traps.total, 1, "resuming takes it");
  assert.equal(hart.csr.mepc, pc);
});

test("a stepping predicate stops after the instruction it approves", () => {
  const machine = storeLoop();
  started(machine);
  const debug = new MachineDebugger(machine);
  const seen: bigint[] = [];
  debug.setStepper({ hart: 0, predicate: (hart, executed, pcBefore) => (seen.push(pcBefore), executed.name === "lbu") });
  assert.equal(machine.run(1000).reason, "debug");
  assert.deepEqual(seen, [base, base + 4n, base + 8n, base + 12n]);
  assert.equal(machine.harts[0].pc, base + 16n);
  debug.dispose();
  assert.equal(machine.harts[0].debug, undefined);
});
