/**
 * The stack unwinder on a real C program (test/dwarf/guest-program.ts:
 * main → outer → middle ×3 (recursion) → leaf) compiled by
 * riscv64-unknown-elf-gcc and run on our Machine until the leaf's body:
 * by CFI at -O0 and -O2 (.eh_frame and .debug_frame), by the frame-pointer
 * chain at -O0 without DWARF, and clean stops on garbage.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { Machine } from "../machine/machine";
import { readDebugInfo, type DebugInfo } from "../loader/dwarf/index";
import { parseElf } from "../loader/elf";
import { needTool } from "../../test/support/reference";
import { removeSharedPrograms, sharedProgram, toolchain, variantName, type BuiltProgram, type Variant } from "../../test/dwarf/guest-program";
import { unwindStack, type StackFrame } from "./unwinder";

after(removeSharedPrograms);

const expectedChain = ["leaf", "middle", "middle", "middle", "outer", "main", "_start"];

interface Stopped {
  machine: Machine;
  info: DebugInfo;
  program: BuiltProgram;
}

/** Runs the program from reset until the hart reaches the first address of the leaf's body line. */
function runToLeafBody(variant: Variant): Stopped {
  const program = sharedProgram(variant);
  const info = readDebugInfo(program.bytes);
  const found = info.addressesForLine("util.c", program.markerLine("LEAF BODY"));
  assert.ok(found && found.addresses.length > 0, "no address for the leaf body");
  const target = found.addresses[0];
  const machine = new Machine({ memory: 16 * 1024 * 1024, biosName: "none", kernel: program.bytes, kernelName: "program.elf" });
  const hart = machine.harts[0];
  for (let i = 0; i < 100_000 && hart.pc !== target; i++) machine.step();
  assert.equal(hart.pc, target, "the program never reached the leaf");
  return { machine, info, program };
}

function unwind(stopped: Stopped, infos: DebugInfo[]): StackFrame[] {
  const hart = stopped.machine.harts[0];
  const symbols = parseElf(stopped.program.bytes, "program.elf").symbols;
  return unwindStack(hart.pc, (n) => hart.x[n], (a) => stopped.machine.bus.readPhysical(a, 8), infos, symbols, 32);
}

function describe(frames: StackFrame[]): string {
  return frames.map((f) => `${f.function ?? "?"}@0x${f.pc.toString(16)}(${f.foundBy})`).join(" ← ");
}

const cfiVariants: Variant[] = [
  { optimization: "-O0", dwarf: 5, ehFrame: true },
  { optimization: "-O0", dwarf: 4, ehFrame: false },
  { optimization: "-O2", dwarf: 5, ehFrame: true },
  { optimization: "-O2", dwarf: 4, ehFrame: false },
];

for (const variant of cfiVariants) {
  test(`CFI unwinds leaf → middle ×3 → outer → main → _start (${variantName(variant)})`, (t) => {
    if (!needTool(t, toolchain.gcc)) return;
    const stopped = runToLeafBody(variant);
    const frames = unwind(stopped, [stopped.info]);
    assert.deepEqual(frames.map((f) => f.function), expectedChain, describe(frames));
    // Every caller but _start's was found by CFI; _start (assembly) has no FDE and s0 = 0 ends the walk.
    assert.deepEqual(frames.slice(1).map((f) => f.foundBy), ["cfi", "cfi", "cfi", "cfi", "cfi", "cfi"]);
    for (let i = 1; i < frames.length; i++) assert.ok(frames[i].sp >= frames[i - 1].sp, `sp goes down at frame ${i}`);
    // Sources: the leaf's body, then the lines of the calls.
    assert.equal(frames[0].source?.line, stopped.program.markerLine("LEAF BODY"));
    const callLine = stopped.program.markerLine("r = middle(depth - 1, x + 1);");
    assert.equal(frames[1].source?.line, stopped.program.markerLine("r = leaf(x);"));
    assert.equal(frames[2].source?.line, callLine);
    assert.equal(frames[3].source?.line, callLine);
    assert.match(frames[4].source?.file ?? "", /\/src\/main\.c$/);
    assert.equal(frames[6].source, undefined, "_start has no line information");
    // Return addresses are what the machine's memory says: each lies just after a call in its function.
    for (const frame of frames.slice(1, 6)) {
      const fn = stopped.info.functionAt(frame.pc - 1n);
      assert.equal(fn?.name, frame.function);
    }
  });
}

test("frame pointers alone unwind the -O0 program, names from ELF symbols", (t) => {
  if (!needTool(t, toolchain.gcc)) return;
  const stopped = runToLeafBody({ optimization: "-O0", dwarf: 5, ehFrame: true });
  const frames = unwind(stopped, []);
  assert.deepEqual(frames.map((f) => f.function), expectedChain, describe(frames));
  assert.deepEqual(frames.slice(1).map((f) => f.foundBy), Array(6).fill("frame-pointer"));
  assert.ok(frames.every((f) => f.source === undefined));
  // The same return addresses as CFI finds.
  const byCfi = unwind(stopped, [stopped.info]);
  assert.deepEqual(frames.map((f) => f.pc), byCfi.map((f) => f.pc));
  // What the chain recovers of a caller: sp, s0 and ra, with gp and tp passed through; CFI adds the s-registers it describes.
  assert.equal(frames[0].registers, undefined, "frame 0's registers are the hart's own");
  assert.deepEqual([...frames[1].registers!.keys()].sort((a, b) => a - b), [0, 1, 2, 3, 4, 8]);
  assert.equal(frames[1].registers!.get(2), byCfi[1].registers!.get(2), "sp as CFI finds it");
  assert.equal(frames[1].registers!.get(8), byCfi[1].registers!.get(8), "s0 as CFI finds it");
  for (const caller of byCfi.slice(1)) assert.equal(caller.registers!.has(10), false, "a0 is never known in a caller");
});

test("without DWARF an -O2 program (no frame pointers) stops cleanly", (t) => {
  if (!needTool(t, toolchain.gcc)) return;
  const stopped = runToLeafBody({ optimization: "-O2", dwarf: 5, ehFrame: false });
  const frames = unwind(stopped, []);
  assert.ok(frames.length >= 1 && frames.length <= 32);
  assert.equal(frames[0].function, "leaf");
  // Whatever the frame-pointer guess finds, it never walks down the stack.
  for (let i = 1; i < frames.length; i++) assert.ok(frames[i].sp >= frames[i - 1].sp, `sp goes down at frame ${i}`);
});

test("garbage stops the walk: unreadable memory, zero return address, sp going down, maxFrames", () => {
  const registers = new Map<number, bigint>([
    [2, 0x8000_1000n],
    [8, 0x8000_1100n],
    [1, 0x8000_0010n],
  ]);
  const reg = (n: number): bigint => registers.get(n) ?? 0n;
  // Unreadable memory: one frame.
  assert.equal(unwindStack(0x8000_0000n, reg, () => undefined, [], [], 16).length, 1);
  // Zero return address: one frame.
  assert.equal(unwindStack(0x8000_0000n, reg, () => 0n, [], [], 16).length, 1);
  // A frame chain that points back down: stops at the first frame whose caller sits lower.
  const memory = new Map<bigint, bigint>([
    [0x8000_1100n - 8n, 0x8000_0020n],
    [0x8000_1100n - 16n, 0x8000_0800n],
  ]);
  const down = unwindStack(0x8000_0000n, reg, (a) => memory.get(a), [], [], 16);
  assert.equal(down.length, 2);
  // An endless but well-formed chain: maxFrames.
  const endless = unwindStack(0x8000_0000n, reg, (a) => ((a & 0xfn) === 8n ? 0x8000_0020n : a + 0x40n), [], [], 5);
  assert.equal(endless.length, 5);
  for (let i = 1; i < endless.length; i++) assert.ok(endless[i].sp > endless[i - 1].sp);
});
