/**
 * Profile-guided traces against the interpreter: a trace follows calls
 * into their callee and goes on after the return (predicted from the link
 * the call wrote), goes on at the target an indirect JALR last went to,
 * and follows a branch's taken direction when it was taken most while
 * cold. Every prediction is checked when it runs: the guests below change
 * behaviour after their code was compiled (a function pointer switched, a
 * callee returning to another caller, a branch whose bias flips), so the
 * guards fail and the trace is left exactly there. State must agree with
 * the interpreter after every irregular slice.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { discoverTrace, Region, regionSource } from "../../vmm-core/hart/translator/region";
import { decode32 } from "../../vmm-core/isa/decoder";
import type { Decoded } from "../../vmm-core/isa/decoded";
import { needTool } from "../support/reference";
import { assemblerTools } from "./assemble";
import { compareEngines, epilogue, prologue, register } from "./lockstep";

/**
 * 4,000 passes: an indirect call through s4 (add_one, switched to add_two
 * at pass 2,000), a direct call to `bump` from two call sites (its return
 * goes to both), and a branch taken for the first 1,500 passes around a
 * long out-of-line path (then never taken).
 */
const predictedLoop = `${prologue}
  li s0, 0
  li s1, 4000
  li s2, 0
  la s4, add_one
  la s5, add_two
loop:
  mv a0, s2
  jalr s4
  mv s2, a0
  jal bump
  li t1, 1500
  blt s0, t1, common
  addi s2, s2, 1
  addi s2, s2, 2
  addi s2, s2, 3
  addi s2, s2, 4
  addi s2, s2, 5
  addi s2, s2, 6
  addi s2, s2, 7
  addi s2, s2, 8
  addi s2, s2, 9
  addi s2, s2, 10
common:
  andi t0, s0, 7
  bnez t0, once
  jal bump
once:
  li t1, 2000
  bne s0, t1, same
  mv s4, s5
same:
  addi s0, s0, 1
  blt s0, s1, loop
  j finish
add_one:
  addi a0, a0, 1
  ret
add_two:
  addi a0, a0, 2
  ret
bump:
  add s2, s2, s0
  xori s2, s2, 0x5a
  ret
${epilogue}`;

test("predicted calls, returns and taken branches give the interpreter's state, also when the prediction fails", (t) => {
  if (!needTool(t, ...assemblerTools)) return;
  for (const seed of [11, 12, 13]) {
    // Compiled after 64 passes: the profile has seen add_one and the branch taken.
    const m = compareEngines(predictedLoop, seed, 64);
    const translator = m.harts[0].translator!;
    assert.ok(translator.counters.predictedJumps > 0, "traces go on through predicted JALRs");
    assert.ok(translator.counters.followedBranches > 0, "a trace follows a branch's taken direction");
    assert.ok(translator.mispredictions() > 0, "a predicted JALR went elsewhere after compilation");
    assert.ok(register(m, 8) === 4000n, "s0: every pass ran");
  }
});

/** 3,000 passes of a loop whose ECALL and illegal CSR write trap at once (hart.raise) into the M-mode handler, which steps over them. */
const trappingLoop = `${prologue}
  li s0, 0
  li s1, 3000
loop:
  addi s0, s0, 1
  ecall
  andi t0, s0, 3
  bnez t0, skip
  csrw 0x7c0, t0
skip:
  blt s0, s1, loop
${epilogue}`;

test("traps taken at once inside cold code use the budget as the interpreter's do (cold, warming and compiled)", (t) => {
  if (!needTool(t, ...assemblerTools)) return;
  for (const [seed, threshold] of [[21, 1_000_000], [22, 512], [23, 2]]) {
    const m = compareEngines(trappingLoop, seed, threshold);
    assert.equal(register(m, 27), 3750n, "s11: 3,000 ECALLs and 750 illegal CSR writes trapped");
  }
});

/** Instructions at offsets of a page, with a profile set on the branches. */
function decoder(words: readonly number[], profile: (offset: number, d: Decoded) => void): (offset: number) => Decoded | undefined {
  const decoded = words.map((word, i) => {
    const d = decode32(word);
    profile(i * 4, d);
    return d;
  });
  return (offset) => decoded[offset / 4];
}

test("a trace follows a call, the return to its link and a mostly-taken branch, and guards the return", () => {
  // 0: jal ra,+12 (call 12); 4: beq a0,a1,+48 (taken while cold); 8: jalr x0,0(ra) (never reached)
  // 12: addi a0,a0,1; 16: jalr x0,0(ra) (return to 4); 52: addi a1,a1,1; 56: jalr x0,0(t0) (no prediction: leaves)
  const words = new Array(16).fill(0x00000013);
  words[0] = 0x00c000ef;
  words[1] = 0x02b50863;
  words[2] = 0x00008067;
  words[3] = 0x00150513;
  words[4] = 0x00008067;
  words[13] = 0x00158593;
  words[14] = 0x00028067;
  const trace = discoverTrace(
    0,
    decoder(words, (offset, d) => {
      if (offset === 4) d.taken = 50;
    }),
    () => false,
  );
  assert.deepEqual(
    trace.map(({ offset, decoded }) => `${offset}:${decoded.name}`),
    ["0:jal", "12:addi", "16:jalr", "4:beq", "52:addi", "56:jalr"],
  );
  assert.equal(trace[2].predicted, 4, "the return is predicted from the call's link");
  assert.equal(trace[3].followsTaken, true);
  assert.equal(trace[5].predicted, undefined, "a JALR through a register no call of the trace wrote has no prediction here");
  const source = regionSource(new Region(0x8000_0000n, trace, undefined), []);
  // The return checks its computed target against the link (0x8000_0004) and leaves otherwise.
  assert.match(source, /if\(a0!==-2147483644\|\|a1!==0\)\{B\.mispredictions\+\+;i0\+=2;pl=a0;ph=a1;break out;\}/);
  // The branch's fall-through leaves the trace at 0x8000_0008.
  assert.match(source, /if\(!\(a0===b0&&a1===b1\)\)\{i0\+=1;pl=-2147483640;ph=0;break out;\}/);
});

test("a branch taken about as often as not, or skipping a few instructions ahead, stays a fall-through", () => {
  // 0: beq a0,a1,+48; 4..: addi; a second trace from 0 where beq skips +8 only.
  const far = new Array(16).fill(0x00000013);
  far[0] = 0x02b50863;
  const balanced = discoverTrace(0, decoder(far, (offset, d) => offset === 0 && ((d.taken = 40), (d.notTaken = 30))), () => false);
  assert.equal(balanced[0].followsTaken, undefined);
  assert.equal(balanced[1].offset, 4);
  const near = [...far];
  near[0] = 0x00b50463;
  const skip = discoverTrace(0, decoder(near, (offset, d) => offset === 0 && (d.taken = 100)), () => false);
  assert.equal(skip[0].followsTaken, undefined, "a short forward branch stays a skip inside the trace");
});
