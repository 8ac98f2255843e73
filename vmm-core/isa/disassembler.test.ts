/**
 * The disassembler against GNU objdump: every instruction objdump lists for
 * the committed guest ELFs must read the same, and so must every 16-bit
 * word, a wide sample of 32-bit words and every CSR number (assembled with
 * `.insn` so objdump treats them as code). The only lines not compared are
 * data objdump recognises through `$d` mapping symbols (".word 0x…"), which
 * are not instructions; the test checks they really lie in `$d` ranges.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { needTool } from "../../test/support/reference";
import { parseElf, type ElfImage } from "../loader/elf";
import { readRiscvAttributes } from "../loader/riscv-attributes";
import { decode16, decode32 } from "./decoder";
import { encodings } from "./encoding-table";
import { compressedEncodings } from "./compressed-table";
import { forms16, forms32 } from "./disassembly-table";
import { disassemble, DisassemblyState, type Symbolizer } from "./disassembler";
import { isMappingSymbol, objdumpSymbolizer } from "./objdump-symbolizer";
import { Decoded } from "./decoded";

const OBJDUMP = "riscv64-unknown-elf-objdump";
const AS = "riscv64-unknown-elf-as";
const root = fileURLToPath(new URL("../../", import.meta.url));
const elfFiles = [
  ...readdirSync(join(root, "test/isa/build"))
    .filter((name) => name.endsWith(".elf"))
    .map((name) => join("test/isa/build", name)),
  "samples/hello/hello.elf",
  "bench/guests/compute/compute.elf",
];

interface ListedLine {
  address: bigint;
  rawHex: string;
  text: string;
}

/** Instruction lines of `objdump -d`, with objdump's tab between mnemonic and operands turned into a space. */
function objdumpLines(path: string): ListedLine[] {
  const output = execFileSync(OBJDUMP, ["-d", path], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const lines: ListedLine[] = [];
  for (const line of output.split("\n")) {
    const match = /^\s*([0-9a-f]+):\t([0-9a-f]+)\s*\t(.*)$/.exec(line);
    if (match) lines.push({ address: BigInt(`0x${match[1]}`), rawHex: match[2], text: match[3].replace("\t", " ") });
  }
  return lines;
}

function decodeHex(rawHex: string): Decoded {
  const raw = parseInt(rawHex, 16);
  return rawHex.length === 4 ? decode16(raw) : decode32(raw);
}

/** Reads the instruction at `address` from the ELF's sections (not from objdump's bytes). */
function instructionAt(image: ElfImage, bytes: Uint8Array, address: bigint): Decoded {
  const section = image.sections.find((s) => s.size > 0 && address >= s.address && address < s.address + BigInt(s.size));
  assert.ok(section, `no section holds 0x${address.toString(16)}`);
  const offset = section.offset + Number(address - section.address);
  const low = bytes[offset] | (bytes[offset + 1] << 8);
  if ((low & 3) !== 3) return decode16(low);
  return decode32((low | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0);
}

/** True when the last mapping symbol at or below `address` is a data marker. */
function inDataRange(image: ElfImage, address: bigint): boolean {
  let best: { value: bigint; data: boolean } | undefined;
  for (const symbol of image.symbols) {
    if (!isMappingSymbol(symbol.name) || symbol.value > address) continue;
    if (!best || symbol.value >= best.value) best = { value: symbol.value, data: symbol.name.startsWith("$d") };
  }
  return best?.data ?? false;
}

interface Comparison {
  compared: number;
  data: number;
  differences: string[];
}

function compareListing(lines: ListedLine[], decodeLine: (line: ListedLine) => Decoded, symbolize: Symbolizer, state: DisassemblyState, isData: (line: ListedLine) => boolean): Comparison {
  const result: Comparison = { compared: 0, data: 0, differences: [] };
  for (const line of lines) {
    if (/^\.(byte|short|word|dword)\s/.test(line.text)) {
      assert.ok(isData(line), `objdump shows data at 0x${line.address.toString(16)} outside a $d range: ${line.text}`);
      result.data++;
      continue;
    }
    const instruction = decodeLine(line);
    assert.equal(instruction.length * 2, line.rawHex.length, `length at 0x${line.address.toString(16)}`);
    const ours = disassemble(instruction, line.address, symbolize, state);
    result.compared++;
    if (ours !== line.text) result.differences.push(`0x${line.address.toString(16)} ${line.rawHex}: objdump "${line.text}", ours "${ours}"`);
  }
  return result;
}

for (const relative of elfFiles) {
  test(`disassembly of ${relative} matches objdump -d`, (t) => {
    if (!needTool(t, OBJDUMP)) return;
    const path = join(root, relative);
    const bytes = new Uint8Array(readFileSync(path));
    const image = parseElf(bytes, relative);
    const state = new DisassemblyState(image.findSymbol("__global_pointer$")?.value, readRiscvAttributes(image).privilegedSpec);
    const result = compareListing(
      objdumpLines(path),
      (line) => instructionAt(image, bytes, line.address),
      objdumpSymbolizer(image.symbols),
      state,
      (line) => inDataRange(image, line.address),
    );
    assert.ok(result.compared > 20, `only ${result.compared} instructions listed`);
    t.diagnostic(`${result.compared} instructions compared, ${result.data} data words skipped`);
    assert.deepEqual(result.differences, []);
  });
}

/** Assembles raw words with `.insn` (so they are code, not $d data) and lists them with objdump. */
function listWords(t: { diagnostic(message: string): void }, words: readonly number[], width: 2 | 4): ListedLine[] {
  const directory = mkdtempSync(join(tmpdir(), "vmscope-dis-"));
  try {
    const source = join(directory, "words.s");
    const object = join(directory, "words.o");
    const digits = width * 2;
    writeFileSync(source, `.text\n.globl _start\n_start:\n${words.map((w) => `.insn 0x${w.toString(16).padStart(digits, "0")}`).join("\n")}\n`);
    // With H in the architecture, so objdump decodes the hypervisor instructions too.
    execFileSync(AS, ["-march=rv64imach_zicsr_zifencei", source, "-o", object]);
    const lines = objdumpLines(object);
    t.diagnostic(`${lines.length} words listed`);
    return lines;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const startSymbolizer: Symbolizer = (address) => (address === 0n ? "_start" : `_start+0x${address.toString(16)}`);

function compareWords(t: { diagnostic(message: string): void }, words: readonly number[], width: 2 | 4): void {
  const lines = listWords(t, words, width);
  assert.equal(lines.length, words.length);
  const result = compareListing(lines, (line) => decodeHex(line.rawHex), startSymbolizer, new DisassemblyState(), () => false);
  assert.deepEqual(result.differences.slice(0, 20), []);
}

test("every 16-bit word disassembles as objdump shows it", (t) => {
  if (!needTool(t, OBJDUMP, AS)) return;
  const words: number[] = [];
  for (let half = 0; half < 0x10000; half++) if ((half & 3) !== 3) words.push(half);
  compareWords(t, words, 2);
});

/** Deterministic pseudo-random words for every 32-bit encoding, with fields zeroed often to reach the aliases. */
function sampleWords(): number[] {
  let seed = 0x2545f491;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const fields = [0x1f << 7, 0x1f << 15, 0x1f << 20, 0xfff << 20];
  const words = new Set<number>();
  for (const encoding of encodings) {
    const free = ~encoding.mask >>> 0;
    for (let i = 0; i < 200; i++) {
      let word = (encoding.match | (next() & free)) >>> 0;
      for (const field of fields) if ((next() & 3) === 0) word = (word & ~(field & free)) >>> 0;
      const special = next() & 7;
      if (special === 0) word = ((word & ~((0xfff << 20) & free)) | ((1 << 20) & free)) >>> 0;
      if (special === 1) word = (word | ((0xfff << 20) & free)) >>> 0;
      if (special === 2) word = ((word & ~((0xfff << 20) & free)) | ((0xff << 20) & free)) >>> 0;
      words.add(word);
    }
  }
  return [...words];
}

test("a sample of every 32-bit encoding disassembles as objdump shows it", (t) => {
  if (!needTool(t, OBJDUMP, AS)) return;
  compareWords(t, sampleWords(), 4);
});

test("every CSR number and every fence set disassembles as objdump shows it", (t) => {
  if (!needTool(t, OBJDUMP, AS)) return;
  const words: number[] = [];
  for (let csr = 0; csr < 4096; csr++) {
    for (const funct3 of [1, 2, 3, 5, 6, 7]) {
      for (const [rd, rs1] of [[0, 0], [10, 11]]) words.push(((csr << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | 0x73) >>> 0);
    }
  }
  for (let immediate = 0; immediate < 4096; immediate++) words.push(((immediate << 20) | 0x0f) >>> 0);
  compareWords(t, words, 4);
});

test("every encoding has objdump forms, each ending in an unconditional one", () => {
  for (const encoding of encodings) {
    const forms = forms32[encoding.name];
    assert.ok(forms, `no forms for ${encoding.name}`);
    assert.equal(forms[forms.length - 1].when, undefined, `${encoding.name} has no fallback form`);
  }
  for (const encoding of compressedEncodings) {
    const forms = forms16[encoding.name];
    assert.ok(forms, `no forms for ${encoding.name}`);
    assert.equal(forms[forms.length - 1].when, undefined, `${encoding.name} has no fallback form`);
  }
});

test("targets and addresses use the symbolizer, or 0x-prefixed hex without one", () => {
  const jal = decode32(0x0100006f); // j +16
  assert.equal(disassemble(jal, 0x80000000n), "j 0x80000010");
  assert.equal(disassemble(jal, 0x80000000n, (a) => (a === 0x80000010n ? "loop" : undefined)), "j 80000010 <loop>");
  // lui a0,0x80001 then addi a0,a0,16 through one state: objdump's address comment.
  const state = new DisassemblyState();
  assert.equal(disassemble(decode32(0x80001537), 0x80000000n, undefined, state), "lui a0,0x80001");
  assert.equal(disassemble(decode32(0x01050513), 0x80000004n, undefined, state), "add a0,a0,16 # 0xffffffff80001010");
  // Without shared state there is no comment.
  assert.equal(disassemble(decode32(0x01050513), 0x80000004n), "add a0,a0,16");
});
