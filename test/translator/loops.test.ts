/**
 * The translator's structured code (loops run inside one generated
 * function, forward branches skipping ahead, registers in locals) against
 * the interpreter, on guests written to stress it: a trap taken in the
 * middle of a loop iteration, self-modifying code inside a loop, a timer
 * interrupt arriving while a loop runs, and budgets that end mid-loop
 * (every guest runs in irregular slices, from 1 instruction up). The whole
 * architectural state must agree after every slice; each guest must also
 * have run translated loops, so the comparison covers them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { discoverTrace, Region, regionSource } from "../../vmm-core/hart/translator/region";
import { decode32 } from "../../vmm-core/isa/decoder";
import { needTool } from "../support/reference";
import { assemblerTools } from "./assemble";
import { compareEngines, epilogue, prologue, register } from "./lockstep";

/** A loop with an if/else diamond and a forward skip; at iteration 777 a load and a store fault mid-iteration. */
const trapInLoop = `${prologue}
  li s0, 0
  li s1, 3000
  li s2, 0
loop:
  andi t0, s0, 1
  beqz t0, skip
  addi s2, s2, 3
skip:
  andi t0, s0, 2
  beqz t0, even
  xori s2, s2, 0x55
  j join
even:
  addi s2, s2, -1
join:
  li t1, 777
  bne s0, t1, nofault
  li t2, 0x40000000
  addi s2, s2, 11
  ld t3, 0(t2)
  addi s2, s2, 13
  sd s2, 8(t2)
  addi s2, s2, 17
nofault:
  slli t4, s0, 3
  andi t4, t4, 0x3f8
  add t4, t4, s3
  sd s2, 0(t4)
  ld t5, 0(t4)
  add s2, s2, t5
  addi s0, s0, 1
  blt s0, s1, loop
${epilogue}`;

/** Each pass patches the immediate of an ADDI further on in the same loop (every other pass with FENCE.I). */
const selfModifyingLoop = `${prologue}
  li s0, 0
  li s1, 400
  li s2, 0
  la s4, patch
  lw s5, 0(s4)
  li s6, 0x000fffff
loop:
  andi t0, s0, 0x7ff
  slli t0, t0, 20
  and t2, s5, s6
  or t2, t2, t0
  sw t2, 0(s4)
  andi t0, s0, 1
  beqz t0, patch
  fence.i
patch:
  addi s2, s2, 1
  addi s0, s0, 1
  blt s0, s1, loop
${epilogue}`;

/** A long loop (with a diamond and memory traffic) while the CLINT timer interrupts every few hundred instructions. */
const interruptedLoop = `${prologue}
  li t0, 0x200bff8
  ld t1, 0(t0)
  addi t1, t1, 29
  li t0, 0x2004000
  sd t1, 0(t0)
  li t0, 0x80
  csrs mie, t0
  csrsi mstatus, 8
  li s0, 0
  li s1, 60000
  li s2, 1
loop:
  andi t0, s0, 3
  bnez t0, skip
  slli s2, s2, 1
  xor s2, s2, s0
skip:
  andi t4, s0, 0x78
  add t4, t4, s3
  ld t5, 0(t4)
  add t5, t5, s2
  sd t5, 0(t4)
  addi s0, s0, 1
  blt s0, s1, loop
  csrci mstatus, 8
${epilogue}`;

test("a trap taken mid-iteration inside a translated loop is precise", (t) => {
  if (!needTool(t, ...assemblerTools)) return;
  for (const seed of [1, 2, 3]) {
    const m = compareEngines(trapInLoop, seed);
    assert.equal(register(m, 27), 2n, "s11: the load and the store faulted once each");
    assert.ok(m.harts[0].translator!.counters.regionsRun > 0, "translated code ran");
  }
});

test("self-modifying code inside a loop: every pass runs the code it just wrote", (t) => {
  if (!needTool(t, ...assemblerTools)) return;
  for (const seed of [4, 5]) {
    const m = compareEngines(selfModifyingLoop, seed);
    // Pass i adds i (its own patch): 0 + 1 + … + 399.
    assert.equal(register(m, 18), (399n * 400n) / 2n, "s2");
    assert.ok(m.harts[0].translator!.counters.codeDrops > 0, "the stores dropped translated code");
  }
});

test("a timer interrupt arriving while a translated loop runs is taken at the interpreter's instruction", (t) => {
  if (!needTool(t, ...assemblerTools)) return;
  for (const seed of [6, 7]) {
    const m = compareEngines(interruptedLoop, seed);
    assert.ok(register(m, 26) > 100n, `s10: timer interrupts taken: ${register(m, 26)}`);
    assert.ok(m.harts[0].translator!.counters.regionsRun > 0, "translated code ran");
  }
});

test("a trace compiles its loop back edges to a JavaScript loop and its forward branches to skips", () => {
  // loop: addi a0,a0,1; andi t0,a0,1; beqz t0,+8; addi a1,a1,1; bne a0,a2,loop
  const words = [0x00150513, 0x00157293, 0x00028463, 0x00158593, 0xfec518e3];
  const trace = discoverTrace(0, (offset) => (offset / 4 < words.length ? decode32(words[offset / 4]) : undefined), () => false);
  assert.deepEqual(
    trace.map(({ decoded }) => decoded.name),
    ["addi", "andi", "beq", "addi", "bne"],
  );
  const source = regionSource(new Region(0x8000_0000n, trace, undefined), []);
  assert.match(source, /loop0:for\(;;\)\{/);
  assert.match(source, /break skip4;/);
  // The back edge checks the budget for a whole pass (5 positions from the head) before another pass.
  assert.match(source, /if\(i0-I\+5<=L\)continue loop0;/);
});
