/**
 * Decoder and disassembler properties: every 16-bit word and a large random
 * sample of 32-bit words decode without throwing (anything unknown becomes
 * the illegal-instruction handler) and disassemble without throwing; a
 * sample of valid encodings, printed by our disassembler, goes back through
 * the GNU assembler to the same word, or to a word that prints the same
 * (objdump syntax has no spelling for some don't-care bits).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { decode16, decode32 } from "../../../vmm-core/isa/decoder";
import { disassemble } from "../../../vmm-core/isa/disassembler";
import type { Decoded } from "../../../vmm-core/isa/decoded";
import { Exception } from "../../../vmm-core/hart/trap";
import { parseElf } from "../../../vmm-core/loader/elf";
import { needTool } from "../../support/reference";
import { tally } from "../tally";

const randomWords = 200_000;
const roundTripSample = 2000;
/** Fixed seeds: a failure reproduces; fast-check prints the counterexample. */
const seed = 0x5eed10;

/** Runs the illegal handler on a stand-in hart and returns what it raised. */
function raisedBy(instruction: Decoded): { cause: number; tval: bigint } | undefined {
  let raised: { cause: number; tval: bigint } | undefined;
  const hart = { raise: (cause: number, tval: bigint) => { raised = { cause, tval }; return true; } };
  instruction.execute(hart as never, instruction);
  return raised;
}

function checkWord(instruction: Decoded, raw: number, length: 2 | 4): void {
  assert.equal(instruction.length, length);
  const text = disassemble(instruction, 0x8000_0000n);
  assert.ok(text.length > 0, `empty disassembly for 0x${raw.toString(16)}`);
  if (instruction.name === "illegal") {
    const raised = raisedBy(instruction);
    assert.deepEqual(raised, { cause: Exception.illegalInstruction, tval: BigInt(raw >>> 0) }, `illegal 0x${raw.toString(16)} must raise an illegal-instruction trap with the word as tval`);
  }
}

describe("decoder and disassembler properties", () => {
  test("every 16-bit word decodes (or is illegal) and disassembles", () => {
    let illegal = 0;
    for (let half = 0; half < 0x10000; half++) {
      if ((half & 3) === 3) continue; // the low half of a 32-bit word
      const instruction = decode16(half);
      checkWord(instruction, half, 2);
      if (instruction.name === "illegal") illegal++;
      tally.propertyCases++;
    }
    assert.ok(illegal > 0 && illegal < 0xc000, `${illegal} illegal 16-bit words`);
  });

  test(`${randomWords} random 32-bit words decode (or are illegal) and disassemble`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (word) => {
        const raw = (word | 3) >>> 0; // 32-bit encodings have bits 1:0 = 11
        checkWord(decode32(raw), raw, 4);
      }),
      { numRuns: randomWords, seed },
    );
    tally.propertyCases += randomWords;
  });

  test(`${roundTripSample} valid instructions round-trip through the GNU assembler`, (t) => {
    if (!needTool(t, "riscv64-unknown-elf-as", "riscv64-unknown-elf-ld")) return;
    const sample = validSample(roundTripSample);
    const result = assembleAndReadBack(sample.map((s) => s.text));
    let exact = 0;
    const differences: string[] = [];
    sample.forEach((entry, i) => {
      const back = result[i];
      if (back.raw === entry.raw && back.length === entry.length) {
        exact++;
        return;
      }
      // Same meaning: the reassembled word prints exactly as the original.
      const again = back.length === 2 ? decode16(back.raw) : decode32(back.raw);
      const text = disassemble(again, entry.pc);
      if (text !== entry.text) differences.push(`${entry.text} (0x${entry.raw.toString(16)}) came back as 0x${back.raw.toString(16)}: ${text}`);
    });
    t.diagnostic(`${exact} exact, ${sample.length - exact - differences.length} equivalent encodings`);
    assert.deepEqual(differences.slice(0, 10), []);
    // Most encodings have one spelling; a handful of aliases is expected, not a majority.
    assert.ok(exact > sample.length * 0.9, `only ${exact} of ${sample.length} came back bit for bit`);
    tally.propertyCases += sample.length;
  });
});

interface SampleEntry {
  raw: number;
  length: 2 | 4;
  pc: bigint;
  text: string;
}

/** Each instruction sits in its own 4-byte slot, so pc-relative targets stay exact whatever size the assembler picks. */
const slotBytes = 4;

function validSample(count: number): SampleEntry[] {
  const entries: SampleEntry[] = [];
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.boolean(), (word, compressed) => {
      if (entries.length >= count) return;
      const length: 2 | 4 = compressed && (word & 3) !== 3 ? 2 : 4;
      const raw = length === 2 ? word & 0xffff : (word | 3) >>> 0;
      const instruction = length === 2 ? decode16(raw) : decode32(raw);
      if (instruction.name === "illegal") return;
      const pc = BigInt(entries.length * slotBytes);
      const text = disassemble(instruction, pc);
      // A raw directive means objdump has no spelling either, and "fence unknown,unknown"
      // (an empty predecessor/successor set) is objdump's spelling the assembler does not take.
      if (text.startsWith(".") || text.includes("unknown")) return;
      entries.push({ raw, length, pc, text });
    }),
    { numRuns: count * 40, seed: seed + 1 },
  );
  assert.equal(entries.length, count, "not enough valid encodings in the sample");
  return entries;
}

/**
 * objdump prints branch and jump targets as absolute addresses; given to the
 * assembler as such they become out-of-section references, which it widens
 * into a branch-over-jump pair. Written as ". + offset" they stay one word.
 */
function relativeTarget(text: string, pc: bigint): string {
  const match = /^(b\w+|j|jal) (.*,)?0x([0-9a-f]+)$/.exec(text);
  if (!match) return text;
  const offset = BigInt.asIntN(64, BigInt(`0x${match[3]}`) - pc);
  return `${match[1]} ${match[2] ?? ""}. + (${offset})`;
}

/** Assembles one instruction per slot (.org), links at address 0 and reads every slot back. */
function assembleAndReadBack(texts: string[]): { raw: number; length: 2 | 4 }[] {
  const directory = mkdtempSync(join(tmpdir(), "vmscope-roundtrip-"));
  try {
    const source = join(directory, "sample.s");
    const object = join(directory, "sample.o");
    const linked = join(directory, "sample.elf");
    const lines = texts.map((text, i) => `.org ${i * slotBytes}\n${relativeTarget(text.replace(/ # .*$/, ""), BigInt(i * slotBytes))}`);
    // norelax: a linker relaxation would move the slots; the H extension so hypervisor instructions assemble.
    writeFileSync(source, `.option norelax\n.text\n.globl _start\n_start:\n${lines.join("\n")}\n`);
    execFileSync("riscv64-unknown-elf-as", ["-march=rv64imach_zicsr_zifencei", source, "-o", object], { stdio: "pipe" });
    execFileSync("riscv64-unknown-elf-ld", ["-Ttext=0", "--no-relax", "-e", "_start", object, "-o", linked], { stdio: "pipe" });
    const bytes = new Uint8Array(readFileSync(linked));
    const text = parseElf(bytes, "sample.elf").sections.find((section) => section.name === ".text");
    assert.ok(text, "no .text in the linked sample");
    return texts.map((_, i) => {
      const at = text.offset + i * slotBytes;
      const low = bytes[at] | (bytes[at + 1] << 8);
      if ((low & 3) !== 3) return { raw: low, length: 2 as const };
      return { raw: (low | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0, length: 4 as const };
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
