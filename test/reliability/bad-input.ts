/**
 * Bad input to `vmscope run`: wrong files, impossible sizes, mistyped
 * flags. Every case must end with exit status 2 and one message on stderr
 * that names the problem (and the fix where there is one) — never a stack
 * trace, never the internal-error status.
 */
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, repositoryRoot } from "./cli-runner";
import { tally } from "./tally";

const hello = join(repositoryRoot, "samples", "hello", "hello.elf");
const sbiHello = join(repositoryRoot, "samples", "sbi-hello", "sbi-hello.elf");
let dir = "";
const file = (name: string) => join(dir, name);

interface BadCase {
  name: string;
  args: () => string[];
  /** What the message must say: the problem, and the fix where one exists. */
  message: RegExp;
}

const cases: BadCase[] = [
  { name: "an x86-64 ELF (/bin/ls)", args: () => ["run", "/bin/ls"], message: /x86-64, not RISC-V.*riscv64-unknown-elf-gcc/ },
  { name: "a truncated ELF", args: () => ["run", file("truncated.elf")], message: /truncated ELF/ },
  { name: "an ELF cut inside its program headers", args: () => ["run", file("cut.elf")], message: /truncated|past the end/ },
  { name: "a 32-bit ELF", args: () => ["run", file("elf32.elf")], message: /32-bit ELF.*rv64/ },
  { name: "a big-endian ELF", args: () => ["run", file("big-endian.elf")], message: /big-endian/ },
  { name: "a relocatable object", args: () => ["run", file("object.o")], message: /relocatable object.*link it/ },
  { name: "an empty file", args: () => ["run", file("empty.bin")], message: /empty/ },
  { name: "a directory", args: () => ["run", dir], message: /is a directory/ },
  { name: "a missing kernel", args: () => ["run", file("missing.elf")], message: /cannot open kernel file .*no such file/ },
  { name: "a missing --bios", args: () => ["run", "--bios", file("missing-bios.elf"), hello], message: /bios file .*no such file/ },
  { name: "a missing --dtb", args: () => ["run", "--dtb", file("missing.dtb"), hello], message: /device tree file .*no such file/ },
  { name: "a missing --drive", args: () => ["run", "--drive", file("missing.img"), hello], message: /missing\.img/ },
  { name: "--memory 1T", args: () => ["run", "--memory", "1T", hello], message: /--memory: '1T' is not a size/ },
  { name: "--memory 10000G", args: () => ["run", "--memory", "10000G", hello], message: /16G maximum/ },
  { name: "--memory 0", args: () => ["run", "--memory", "0", hello], message: /must not be zero/ },
  { name: "--memory 4097", args: () => ["run", "--memory", "4097", hello], message: /multiple of 4K/ },
  { name: "--memory too small for the program", args: () => ["run", "--memory", "4K", hello], message: /--memory/ },
  { name: "--harts 0", args: () => ["run", "--harts", "0", hello], message: /--harts/ },
  { name: "--harts 9", args: () => ["run", "--harts", "9", hello], message: /harts: 9 is not a hart count from 1 to 8/ },
  { name: "--mode bogus", args: () => ["run", "--mode", "bogus", hello], message: /--mode: 'bogus' is not a mode \(modes: none, / },
  { name: "an unknown flag", args: () => ["run", "--frobnicate", hello], message: /unknown option --frobnicate for 'run' \(see vmscope --help\)/ },
  { name: "a flag without its value", args: () => ["run", hello, "--memory"], message: /option --memory needs a value/ },
  { name: "--timeout -1", args: () => ["run", "--timeout", "-1", hello], message: /--timeout/ },
  { name: "--max-instructions 0", args: () => ["run", "--max-instructions", "0", hello], message: /--max-instructions: 0 is out of range/ },
  { name: "--max-instructions abc", args: () => ["run", "--max-instructions", "abc", hello], message: /not a whole number/ },
  { name: "--exit-log without a monitor", args: () => ["run", "--exit-log", file("exits.jsonl"), hello], message: /needs a virtualized --mode/ },
  { name: "--exit-log into a missing folder", args: () => ["run", "--mode", "trap-and-emulate", "--exit-log", file("no/such/dir/exits.jsonl"), sbiHello], message: /--exit-log: cannot write/ },
  { name: "--exit-log-size 0", args: () => ["run", "--exit-log-size", "0", hello], message: /--exit-log-size: 0 is out of range/ },
  { name: "--console-buffer 10", args: () => ["run", "--console-buffer", "10", hello], message: /--console-buffer: '10' is not a size from 1K to 1G/ },
  { name: "--drive with an unknown option", args: () => ["run", "--drive", `${file("disk.img")},bogus`, hello], message: /unknown option 'bogus' \(options: readonly, snapshot\)/ },
  { name: "--engine bogus", args: () => ["run", "--engine", "bogus", hello], message: /engine/ },
  { name: "--instructions-per-tick 0", args: () => ["run", "--instructions-per-tick", "0", hello], message: /out of range/ },
  { name: "two programs", args: () => ["run", hello, hello], message: /run takes one ELF file, got 2/ },
  { name: "nothing to run", args: () => ["run"], message: /nothing to run: give an ELF file/ },
  { name: "an unknown command", args: () => ["frobnicate"], message: /unknown command 'frobnicate' \(commands: run, compare, dap/ },
  { name: "a firmware under a monitor", args: () => ["run", "--mode", "trap-and-emulate", "--bios", hello, sbiHello], message: /no --bios/ },
];

function elfHeader(overrides: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const bytes = new Uint8Array(readFileSync(hello));
  overrides(new DataView(bytes.buffer), bytes);
  return bytes;
}

describe("bad input to vmscope run", { concurrency: 3 }, () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "vmscope-bad-input-"));
    const original = new Uint8Array(readFileSync(hello));
    writeFileSync(file("truncated.elf"), original.subarray(0, 40));
    writeFileSync(file("cut.elf"), original.subarray(0, 64 + 20));
    writeFileSync(file("elf32.elf"), elfHeader((_, b) => (b[4] = 1)));
    writeFileSync(file("big-endian.elf"), elfHeader((_, b) => (b[5] = 2)));
    writeFileSync(file("object.o"), elfHeader((v) => v.setUint16(16, 1, true)));
    writeFileSync(file("empty.bin"), new Uint8Array(0));
    writeFileSync(file("disk.img"), new Uint8Array(4096));
    mkdirSync(file("sub"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const bad of cases) {
    test(`${bad.name}: exit 2, a one-line message, no stack trace`, async () => {
      const result = await runCli(bad.args());
      assert.equal(result.status, 2, `exit status ${result.status}; stderr: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /^\s+at /m, "a stack trace reached the user");
      assert.doesNotMatch(result.stderr, /internal error/);
      assert.match(result.stderr, /^vmscope: /);
      assert.equal(result.stderr.trimEnd().split("\n").length, 1, `more than one line: ${result.stderr}`);
      assert.match(result.stderr, bad.message);
      tally.malformedInputs++;
    });
  }
});
