/**
 * `vmscope run` end to end: the built dist/cli.js as a child process, with
 * guests built in memory (test/support/elf-builder.ts) and the hello sample.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildElf, code, echoGuest, rv, spinningGuest, uartGuest } from "../test/support/elf-builder";
import { assertUserError, runVmscope, type CliOutcome } from "../test/support/cli";

const root = resolve(import.meta.dirname, "..");
const cli = join(root, "bin", "vmscope.js");
const hello = join(root, "samples", "hello", "hello.elf");
const dir = mkdtempSync(join(tmpdir(), "vmscope-cli-"));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

type Outcome = CliOutcome;

function vmscope(args: string[], input?: string): Outcome {
  return runVmscope(args, { input });
}

before(() => {
  assert.ok(existsSync(join(root, "dist", "cli.js")), "dist/cli.js is missing: run npm run build");
});

test("missing and unreadable guest files", () => {
  assertUserError(vmscope(["run", join(dir, "nope.elf")]), /cannot open kernel file '.*nope\.elf': no such file/);
  assertUserError(vmscope(["run", dir]), /kernel file '.*' is a directory/);
  assertUserError(vmscope(["run", "--bios", join(dir, "fw.elf"), "--kernel", hello]), /cannot open bios file/);
  assertUserError(vmscope(["run", hello, "--dtb", join(dir, "nope.dtb")]), /cannot open device tree file/);
});

test("files that are not RISC-V ELF64 images", () => {
  const valid = readFileSync(hello);
  assertUserError(vmscope(["run", file("truncated.elf", valid.subarray(0, 100))]), /truncated\.elf/);
  const elf32 = buildElf({ elfClass: 32, entry: 0x8000_0000n, segments: [{ address: 0x8000_0000n, data: code([rv.spin()]) }] });
  assertUserError(vmscope(["run", file("rv32.elf", elf32)]), /rv32\.elf/);
  assertUserError(vmscope(["run", "/bin/true"]), /true/);
});

test("bad sizes, flags and values", () => {
  assertUserError(vmscope(["run", hello, "--memory", "0"]), /--memory: the size must not be zero/);
  assertUserError(vmscope(["run", hello, "--memory", "12X"]), /--memory: '12X' is not a size/);
  assertUserError(vmscope(["run", hello, "--memory", "32G"]), /16G maximum/);
  assertUserError(vmscope(["run", hello, "--frobnicate"]), /unknown option --frobnicate/);
  assertUserError(vmscope(["run", hello, "--harts"]), /option --harts needs a value/);
  assertUserError(vmscope(["launch"]), /unknown command 'launch'/);
});

test("segments outside RAM and overlapping images", () => {
  const high = uartGuest("x", 0, 0x8010_0000n);
  assertUserError(vmscope(["run", file("high.elf", high), "--memory", "1M"]), /high\.elf/);
  const guest = file("guest.elf", uartGuest("x", 0));
  assertUserError(vmscope(["run", "--bios", guest, "--kernel", guest]), /overlap/i);
});

test("the guest's console goes to stdout and its power-off code is the exit status", () => {
  const fail = vmscope(["run", file("fail3.elf", uartGuest("bad news\n", 3))]);
  assert.equal(fail.stdout, "bad news\n");
  assert.equal(fail.status, 3);
  const pass = vmscope(["run", file("pass.elf", uartGuest("fine\n", 0))]);
  assert.equal(pass.stdout, "fine\n");
  assert.equal(pass.status, 0);
});

test("the hello sample prints what QEMU prints", () => {
  const expected = readFileSync(join(root, "samples", "hello", "expected-output.txt"), "utf8");
  const outcome = vmscope(["run", hello]);
  assert.equal(outcome.status, 0, outcome.stderr);
  assert.equal(outcome.stdout.replace(/\r\n/g, "\n"), expected.replace(/\r\n/g, "\n"));
});

test("piped stdin reaches the guest's UART", () => {
  const outcome = vmscope(["run", file("echo.elf", echoGuest())], "ping pong\nq");
  assert.equal(outcome.status, 0, outcome.stderr);
  assert.equal(outcome.stdout, "ping pong\n");
});

test("stdin arriving late (between slices) still reaches the guest", async () => {
  const child = spawn(process.execPath, [cli, "run", file("echo-late.elf", echoGuest()), "--timeout", "20"]);
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stdin.write("first ");
  await new Promise((r) => setTimeout(r, 300));
  child.stdin.write("second");
  await new Promise((r) => setTimeout(r, 300));
  child.stdin.end("q");
  const status = await new Promise<number | null>((r) => child.on("exit", r));
  assert.equal(status, 0);
  assert.equal(stdout, "first second");
});

test("--max-instructions and --timeout end the run with 124", () => {
  const spin = file("spin.elf", spinningGuest());
  const limited = vmscope(["run", spin, "--max-instructions", "5000"]);
  assert.equal(limited.status, 124);
  assert.match(limited.stderr, /^vmscope: instruction limit reached/m);
  const started = Date.now();
  const timed = vmscope(["run", spin, "--timeout", "0.5"]);
  assert.equal(timed.status, 124);
  assert.match(timed.stderr, /^vmscope: timeout after 0\.5 s$/m);
  assert.ok(Date.now() - started < 10_000, "the timeout is honoured promptly");
});

test("a guest halted for good with no input left ends with status 1, not a hang", () => {
  const wfi = 0x10500073;
  const halted = buildElf({ entry: 0x8000_0000n, segments: [{ address: 0x8000_0000n, data: code([wfi, rv.jal(0, -4)]) }] });
  const outcome = vmscope(["run", file("halted.elf", halted), "--timeout", "20"]);
  assert.equal(outcome.status, 1, outcome.stderr);
  assert.match(outcome.stderr, /^vmscope: every hart is halted and no input is left to wake them$/m);
});

test("--stats reports the machine's figures on stderr", () => {
  const outcome = vmscope(["run", hello, "--stats"]);
  assert.equal(outcome.status, 0, outcome.stderr);
  const retired = /instructions retired\s+([\d,]+)/.exec(outcome.stderr);
  assert.ok(retired, outcome.stderr);
  assert.ok(Number(retired[1].replace(/,/g, "")) > 100, "hello retires more than 100 instructions");
  assert.match(outcome.stderr, /MIPS/);
  assert.match(outcome.stderr, /M\s+[\d,]+\s+100\.0%/, "hello runs in M-mode only");
  assert.match(outcome.stderr, /memory references per walk/);
  assert.doesNotMatch(outcome.stdout, /instructions retired/, "stats never mix with guest output");
});

test("--help and --version", () => {
  const help = vmscope(["--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /vmscope run \[ELF\]/);
  const version = vmscope(["--version"]);
  assert.equal(version.status, 0);
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  assert.equal(version.stdout, `vmscope ${pkg.version}\n`);
});
