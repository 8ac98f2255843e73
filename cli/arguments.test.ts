import { test } from "node:test";
import assert from "node:assert/strict";
import { parseArguments, type Command, type RunOptions } from "./arguments";
import { parseMemorySize } from "../vmm-core/machine/memory-size";
import { UserInputError } from "../vmm-core/machine/errors";

function run(...args: string[]): RunOptions {
  const command: Command = parseArguments(["run", ...args]);
  assert.equal(command.kind, "run");
  return (command as Extract<Command, { kind: "run" }>).options;
}

function rejects(args: string[], message: RegExp): void {
  assert.throws(() => parseArguments(args), (error: unknown) => {
    assert.ok(error instanceof UserInputError, `expected a UserInputError, got ${error}`);
    assert.match(error.message, message);
    assert.ok(!error.message.includes("\n"), "one line");
    return true;
  });
}

test("a bare ELF is the kernel with no bios and the defaults", () => {
  assert.deepEqual(run("hello.elf"), {
    bios: undefined,
    kernel: "hello.elf",
    memory: 128 * 1024 * 1024,
    harts: 1,
    append: undefined,
    dtb: undefined,
    timeoutSeconds: undefined,
    maxInstructions: undefined,
    stats: false,
    mode: "none",
    exitLog: undefined,
    instructionsPerTick: 10,
  });
});

test("--mode picks the virtualization mode; --exit-log needs one; bad values are named", () => {
  assert.equal(run("--mode", "trap-and-emulate", "k.elf").mode, "trap-and-emulate");
  assert.equal(run("--mode=trap-and-emulate", "--exit-log", "x.jsonl", "k.elf").exitLog, "x.jsonl");
  assert.throws(() => run("--mode", "kvm", "k.elf"), /--mode: 'kvm' is not a mode \(modes: none, trap-and-emulate, hardware-assisted, binary-translation\)/);
  assert.throws(() => run("--exit-log", "x.jsonl", "k.elf"), /--exit-log records VM exits: it needs a virtualized --mode/);
  assert.equal(run("--instructions-per-tick", "100", "k.elf").instructionsPerTick, 100);
  assert.throws(() => run("--instructions-per-tick", "0", "k.elf"), /--instructions-per-tick: 0 is out of range/);
});

test("--bios with --kernel, both flag spellings", () => {
  const options = run("--bios", "fw_jump.elf", "--kernel=Image", "--memory=1G", "--harts", "4", "--append", "console=ttyS0 quiet");
  assert.equal(options.bios, "fw_jump.elf");
  assert.equal(options.kernel, "Image");
  assert.equal(options.memory, 1024 ** 3);
  assert.equal(options.harts, 4);
  assert.equal(options.append, "console=ttyS0 quiet");
});

test("--bios none is the same as no bios; --kernel alone is a bare ELF", () => {
  assert.equal(run("--bios", "none", "x.elf").bios, undefined);
  const options = run("--kernel", "x.elf");
  assert.equal(options.kernel, "x.elf");
  assert.equal(options.bios, undefined);
});

test("firmware alone runs", () => {
  const options = run("--bios", "fw.elf");
  assert.equal(options.bios, "fw.elf");
  assert.equal(options.kernel, undefined);
});

test("limits, stats and the device tree", () => {
  const options = run("k.elf", "--timeout", "2.5", "--max-instructions", "1_000_000", "--stats", "--dtb", "virt.dtb");
  assert.equal(options.timeoutSeconds, 2.5);
  assert.equal(options.maxInstructions, 1_000_000);
  assert.equal(options.stats, true);
  assert.equal(options.dtb, "virt.dtb");
});

test("memory sizes as QEMU users write them", () => {
  assert.equal(parseMemorySize("128M", "--memory"), 134217728);
  assert.equal(parseMemorySize("1g", "--memory"), 1073741824);
  assert.equal(parseMemorySize("512K", "--memory"), 524288);
  assert.equal(parseMemorySize("65536", "--memory"), 65536);
  assert.equal(parseMemorySize("16G", "--memory"), 16 * 1024 ** 3);
  assert.equal(parseMemorySize("64MiB", "--memory"), 64 * 1024 ** 2);
});

test("bad memory sizes are one-line errors naming the flag", () => {
  rejects(["run", "k.elf", "--memory", "0"], /^--memory: the size must not be zero$/);
  rejects(["run", "k.elf", "--memory", "0M"], /must not be zero/);
  rejects(["run", "k.elf", "--memory", "lots"], /^--memory: 'lots' is not a size/);
  rejects(["run", "k.elf", "--memory", "1.5G"], /is not a size/);
  rejects(["run", "k.elf", "--memory", "-1M"], /is not a size/);
  rejects(["run", "k.elf", "--memory", "17G"], /more than the 16G maximum/);
  rejects(["run", "k.elf", "--memory", "1000"], /not a multiple of 4K/);
});

test("unknown flags, missing values and stray arguments", () => {
  rejects(["run", "k.elf", "--frobnicate"], /^unknown option --frobnicate for 'run'/);
  rejects(["run", "k.elf", "--memory"], /^option --memory needs a value$/);
  rejects(["run", "k.elf", "--stats=yes"], /takes no value/);
  rejects(["run", "a.elf", "b.elf"], /one ELF file/);
  rejects(["run", "a.elf", "--kernel", "b.elf"], /not both/);
  rejects(["run"], /nothing to run/);
  rejects(["run", "--bios", "none"], /nothing to run/);
  rejects(["run", "k.elf", "--memory", "1M", "--memory", "2M"], /given twice/);
  rejects(["run", "k.elf", "--harts", "0"], /out of range/);
  rejects(["run", "k.elf", "--harts", "two"], /not a whole number/);
  rejects(["run", "k.elf", "--timeout", "0"], /positive number of seconds/);
  rejects(["run", "k.elf", "--max-instructions", "1e6"], /not a whole number/);
  rejects(["frobnicate"], /^unknown command 'frobnicate'/);
  rejects(["--frobnicate"], /^unknown option --frobnicate/);
});

test("dap: stdio by default, loopback for a port", () => {
  assert.deepEqual(parseArguments(["dap"]), { kind: "dap", options: { port: undefined, host: "127.0.0.1" } });
  assert.deepEqual(parseArguments(["dap", "--port", "4711"]), { kind: "dap", options: { port: 4711, host: "127.0.0.1" } });
  assert.deepEqual(parseArguments(["dap", "--port=0", "--host", "0.0.0.0"]), { kind: "dap", options: { port: 0, host: "0.0.0.0" } });
  rejects(["dap", "--port", "70000"], /out of range/);
  rejects(["dap", "--host", "::1"], /--host needs --port/);
  rejects(["dap", "extra"], /takes no arguments/);
});

test("help and version", () => {
  assert.deepEqual(parseArguments([]), { kind: "help" });
  assert.deepEqual(parseArguments(["--help"]), { kind: "help" });
  assert.deepEqual(parseArguments(["run", "--help"]), { kind: "help" });
  assert.deepEqual(parseArguments(["--version"]), { kind: "version" });
});
