/**
 * The disassemble request against `riscv64-unknown-elf-objdump -d` on every
 * committed sample ELF: addresses, bytes and text of every instruction,
 * windows with negative instruction offsets over compressed code (walked
 * back from symbol starts, and by resynchronization without any symbol),
 * and unreadable memory as placeholders with the exact count.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { needTool } from "../../test/support/reference";
import { Machine } from "../../vmm-core/machine/machine";
import { parseElf } from "../../vmm-core/loader/elf";
import { isMappingSymbol } from "../../vmm-core/isa/objdump-symbolizer";
import { Symbolizer } from "../symbolizer";
import { Disassembler } from "./disassembly";
import { GuestMemoryAccess } from "./guest-memory-access";
import { GuestView } from "./guest-view";
import { launchStopped, startHarness } from "./testing/dap-harness";

const root = resolve(import.meta.dirname, "..", "..");
const OBJDUMP = "riscv64-unknown-elf-objdump";
const samples = readdirSync(join(root, "samples"))
  .map((name) => join(root, "samples", name, `${name}.elf`))
  .filter((path) => existsSync(path));

interface Line {
  address: bigint;
  bytes: string;
  text: string;
}

function objdump(path: string): Line[] {
  const out = execFileSync(OBJDUMP, ["-d", path], { encoding: "utf8", maxBuffer: 64 << 20 });
  const lines: Line[] = [];
  for (const line of out.split("\n")) {
    const match = /^\s+([0-9a-f]+):\s+([0-9a-f]+)\s+(.*)$/.exec(line);
    if (match) lines.push({ address: BigInt("0x" + match[1]), bytes: match[2], text: match[3].replace("\t", " ").trim() });
  }
  return lines;
}

/** Addresses objdump shows as data: the last mapping symbol at or below them is $d. */
function dataRanges(path: string): (address: bigint) => boolean {
  const markers = parseElf(readFileSync(path), path)
    .symbols.filter((symbol) => isMappingSymbol(symbol.name))
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return (address) => {
    let data = false;
    for (const marker of markers) {
      if (marker.value > address) break;
      data = marker.name.startsWith("$d");
    }
    return data;
  };
}

/** Runs of consecutive instructions (objdump skips gaps between sections; data lines end a run). */
function runs(lines: Line[], isData: (address: bigint) => boolean = () => false): Line[][] {
  const out: Line[][] = [];
  let broken = true;
  for (const line of lines) {
    if (isData(line.address)) {
      broken = true;
      continue;
    }
    const current = out[out.length - 1];
    const last = current?.[current.length - 1];
    if (!broken && last && last.address + BigInt(last.bytes.length / 2) === line.address) current.push(line);
    else out.push([line]);
    broken = false;
  }
  return out;
}

/**
 * Differences we accept, each recognised exactly (objdump's text and ours)
 * and listed by the test at the end; anything else fails its sample's test.
 * objdump keeps a lui/auipc value across a data gap ($d) in one listing;
 * the adapter answers one request per run of code and starts afresh, which
 * is what a reader of the Disassembly view expects.
 */
const knownIssues: { issue: string; matches(objdump: string, ours: string): boolean }[] = [
  {
    issue: "objdump's lui/auipc address comment carried across a $d gap, where our listing (one request per run of code) restarts",
    matches: (objdump, ours) => objdump.startsWith(`${ours} # `),
  },
];

for (const path of samples) {
  const name = path.split("/").pop()!;
  test(`disassemble matches objdump -d on ${name}: addresses, bytes, text`, async (t) => {
    if (!needTool(t, OBJDUMP)) return;
    const harness = await startHarness();
    try {
      await launchStopped(harness.client, { program: path, stopOnEntry: true });
      const listing = objdump(path);
      assert.ok(listing.length > 10, `${path}: objdump lists code`);
      let compared = 0;
      const differences: string[] = [];
      for (const run of runs(listing, dataRanges(path))) {
        const response = await harness.client.disassembleRequest({ memoryReference: `0x${run[0].address.toString(16)}`, instructionCount: run.length, resolveSymbols: true });
        const instructions = response.body!.instructions;
        assert.equal(instructions.length, run.length, "exactly instructionCount");
        run.forEach((line, i) => {
          const ours = instructions[i];
          const where = `${name} 0x${line.address.toString(16)}`;
          assert.equal(ours.address, "0x" + line.address.toString(16), where);
          assert.equal(ours.instructionBytes, line.bytes, where);
          if (ours.instruction === line.text) return;
          const difference = `${where}: objdump "${line.text}", ours "${ours.instruction}"`;
          const known = knownIssues.find((candidate) => candidate.matches(line.text, ours.instruction));
          if (known) t.diagnostic(`accepted: ${difference} — ${known.issue}`);
          else differences.push(difference);
        });
        compared += run.length;
      }
      assert.deepEqual(differences, [], `${differences.length} of ${compared} instructions differ`);
      t.diagnostic(`${name}: ${compared} instructions identical to objdump`);
    } finally {
      await harness.close();
    }
  });
}

test("there are sample ELFs to compare", () => assert.ok(samples.length >= 1));


test("negative instruction offsets land on objdump's instruction boundaries through compressed code", async (t) => {
  if (!needTool(t, OBJDUMP)) return;
  const path = join(root, "samples", "hello", "hello.elf");
  const listing = objdump(path);
  const harness = await startHarness();
  try {
    await launchStopped(harness.client, { program: path, stopOnEntry: true });
    const machine = harness.machine();
    const symbols = new Symbolizer(machine.symbols);
    const noSymbols = new Disassembler({ memory: new GuestMemoryAccess(new GuestView(machine, 0)), symbols: new Symbolizer([]) });
    let windows = 0;
    for (let i = 12; i < listing.length; i += 7) {
      const anchor = `0x${listing[i].address.toString(16)}`;
      const response = await harness.client.disassembleRequest({ memoryReference: anchor, instructionOffset: -12, instructionCount: 16 });
      const got = response.body!.instructions.map((instruction: DebugProtocol.DisassembledInstruction) => instruction.address);
      const expected = listing.slice(i - 12, i + 4).map((line) => "0x" + line.address.toString(16));
      assert.deepEqual(got, expected, `window before ${anchor} (${symbols.describe(listing[i].address)})`);
      // Without any symbol the walk back resynchronizes from a few bytes before.
      const resynchronized = noSymbols.disassemble({ space: "virtual", address: listing[i].address }, -8, 8, false).map((instruction) => instruction.address);
      assert.deepEqual(resynchronized, listing.slice(i - 8, i).map((line) => "0x" + line.address.toString(16)), `resynchronized before ${anchor}`);
      windows++;
    }
    t.diagnostic(`${windows} windows checked`);
  } finally {
    await harness.close();
  }
});

test("unreadable memory gives placeholders, exactly instructionCount of them, in both directions", async () => {
  const machine = new Machine({ memory: 16 << 20, kernel: readFileSync(join(root, "samples", "hello", "hello.elf")) });
  const disassembler = new Disassembler({ memory: new GuestMemoryAccess(new GuestView(machine, 0)), symbols: new Symbolizer(machine.symbols) });
  const forward = disassembler.disassemble({ space: "physical", address: 0x7000_0000n }, 0, 5, true);
  assert.equal(forward.length, 5);
  assert.ok(forward.every((instruction) => instruction.instruction === "unmapped" && instruction.presentationHint === "invalid"));
  // From the start of RAM backwards: the instructions before are unreadable, the ones from RAM on are real.
  const around = disassembler.disassemble({ space: "physical", address: 0x8000_0000n }, -3, 6, true);
  assert.equal(around.length, 6);
  assert.deepEqual(around.slice(0, 3).map((i) => i.instruction), ["unmapped", "unmapped", "unmapped"]);
  assert.equal(around[3].address, "0x80000000");
  assert.equal(around[3].symbol, "_start");
  assert.match(around[3].instruction, /^auipc gp,0x1$/);
  // Past the end of RAM the count is still exact.
  const end = 0x8000_0000n + BigInt(machine.ram.size);
  const tail = disassembler.disassemble({ space: "physical", address: end - 4n }, 0, 4, false);
  // Untouched RAM reads as zero: two 2-byte c.unimp, then nothing.
  assert.deepEqual(tail.map((i) => i.instruction), ["unimp", "unimp", "unmapped", "unmapped"]);
  assert.deepEqual(tail.map((i) => i.address), [end - 4n, end - 2n, end, end + 4n].map((a) => "0x" + a.toString(16)));
});

test("disassembly carries DWARF source lines: the same file and line as gdb for every instruction", async (t) => {
  // gdb, not addr2line: of several rows at one address gdb takes the last is_stmt one, as the debugger's frames do.
  const GDB = "gdb-multiarch";
  if (!needTool(t, OBJDUMP, GDB)) return;
  const path = join(root, "samples", "hello", "hello.elf");
  const listing = objdump(path);
  const harness = await startHarness();
  try {
    await launchStopped(harness.client, { program: path, stopOnEntry: true });
    const response = await harness.client.disassembleRequest({ memoryReference: `0x${listing[0].address.toString(16)}`, instructionCount: listing.length });
    const instructions = response.body!.instructions;
    const commands = listing.flatMap((line) => ["-ex", `info line *0x${line.address.toString(16)}`]);
    const answers = execFileSync(GDB, ["-batch", "-nx", ...commands, path], { encoding: "utf8" }).trim().split("\n");
    assert.equal(answers.length, listing.length, "one answer per address");
    let file: string | undefined;
    let withLines = 0;
    instructions.forEach((instruction, i) => {
      if (instruction.location?.path) file = instruction.location.path;
      const match = /^Line (\d+) of "([^"]+)"/.exec(answers[i]);
      if (!match) return;
      withLines++;
      assert.equal(instruction.line, Number(match[1]), `line of ${instruction.address}: gdb says ${answers[i]}`);
      assert.equal(file?.split(/[\\/]/).pop(), match[2].split("/").pop(), `file of ${instruction.address}`);
    });
    assert.ok(withLines > listing.length / 2, `most instructions have a line (${withLines} of ${listing.length})`);
    t.diagnostic(`${withLines} instructions located as gdb locates them`);
  } finally {
    await harness.close();
  }
});
