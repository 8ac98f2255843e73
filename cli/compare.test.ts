/**
 * `vmscope compare` end to end: cli/main.ts as a child process (through
 * tsx, no build needed) on the paging and syscalls guests under Debian's
 * OpenSBI, on bare programs, and on bad input; plus its argument grammar.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArguments, defaultCompareLimit, type CompareOptions } from "./arguments";
import { UserInputError } from "../vmm-core/machine/errors";
import { virtualizationModes } from "../vmm-core/machine/machine";
import { echoGuest, uartGuest } from "../test/support/elf-builder";
import { sbiKernel } from "../vmm-core/machine/testing/sbi-kernel";
import { debianFirmware, needTool } from "../test/support/reference";

const root = resolve(import.meta.dirname, "..");
const paging = join(root, "test", "guests", "paging", "paging.elf");
const syscalls = join(root, "bench", "guests", "syscalls", "syscalls.elf");
const firmware = debianFirmware.openSbiFwJump;
const dir = mkdtempSync(join(tmpdir(), "vmscope-compare-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function vmscope(args: string[]): Outcome {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "cli", "main.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const modeKeys = ["instructions", "exits", "pageFaults", "tlbMisses", "walkRefsPerMiss", "wallSeconds", "mips"];

interface Figures {
  instructions: number;
  exits: { total: number; byReason: Record<string, number> };
  pageFaults: { hidden: number; true: number };
  tlbMisses: number;
  walkRefsPerMiss: number;
  wallSeconds: number;
  mips: number;
}

/** Parses --json output and checks its shape key by key; returns the modes. */
function parseReport(stdout: string, expectSkipped: boolean): { modes: Record<string, Figures>; skipped?: Record<string, string> } {
  const report = JSON.parse(stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(report), expectSkipped ? ["modes", "outputIdentical", "skipped"] : ["modes", "outputIdentical"]);
  assert.equal(report.outputIdentical, true);
  const modes = report.modes as Record<string, Figures>;
  for (const [mode, figures] of Object.entries(modes)) {
    assert.deepEqual(Object.keys(figures), modeKeys, mode);
    assert.deepEqual(Object.keys(figures.exits), ["total", "byReason"], mode);
    assert.deepEqual(Object.keys(figures.pageFaults), ["hidden", "true"], mode);
    for (const key of ["instructions", "tlbMisses", "walkRefsPerMiss", "wallSeconds", "mips"] as const) {
      assert.equal(typeof figures[key], "number", `${mode}.${key}`);
      assert.ok(figures[key] >= 0, `${mode}.${key}`);
    }
    const sum = Object.values(figures.exits.byReason).reduce((total, count) => total + count, 0);
    assert.equal(figures.exits.total, sum, `${mode}: exits by reason add up to the total`);
  }
  return report as { modes: Record<string, Figures>; skipped?: Record<string, string> };
}

/**
 * What holds for every S-mode kernel: no exits on the bare machine, exits
 * and hidden faults under every monitor (trap-and-emulate: many, every
 * hidden one a shadow fill), and the kernel's own page faults the same in
 * every mode, whoever delivered them.
 */
function assertVirtualizationStory(modes: Record<string, Figures>, minimumTrueFaults: number): void {
  assert.deepEqual(Object.keys(modes), [...virtualizationModes]);
  const none = modes.none;
  assert.deepEqual(none.exits, { total: 0, byReason: {} });
  assert.equal(none.pageFaults.hidden, 0);
  assert.ok(none.pageFaults.true >= minimumTrueFaults, `none: ${none.pageFaults.true} true page faults`);
  for (const [mode, figures] of Object.entries(modes)) {
    assert.ok(figures.instructions > 100_000, mode);
    assert.ok(figures.mips > 0 && figures.wallSeconds > 0, mode);
    assert.ok(figures.tlbMisses > 0 && figures.walkRefsPerMiss >= 1, mode);
    assert.equal(figures.pageFaults.true, none.pageFaults.true, `${mode}: the kernel took the same faults`);
    if (mode === "none") continue;
    assert.ok(figures.exits.total > 0, mode);
    assert.ok(figures.pageFaults.hidden > 0, `${mode}: the monitor filled its own tables`);
  }
  const monitor = modes["trap-and-emulate"];
  assert.ok(monitor.exits.total > 1000, `${monitor.exits.total} exits under trap-and-emulate`);
  assert.equal(monitor.pageFaults.hidden, monitor.exits.byReason["shadow-fill"]);
  assert.equal(monitor.pageFaults.true, monitor.exits.byReason["guest-page-fault"]);
}

test("the paging guest: identical output in every mode, exits only under the monitor, 49 store + 18 load true faults", (t) => {
  if (!needTool(t, firmware)) return;
  const outcome = vmscope(["compare", "--bios", firmware, "--kernel", paging, "--json"]);
  assert.equal(outcome.status, 0, outcome.stderr);
  assert.equal(outcome.stderr, "");
  const { modes } = parseReport(outcome.stdout, false);
  assertVirtualizationStory(modes, 49 + 18);
  // Mode none counts the kernel's instructions, not OpenSBI's ~6M of boot.
  assert.ok(modes.none.instructions < 2_000_000, `${modes.none.instructions}`);
});

test("the paging guest as a table: a column per mode, the bare machine's traps listed apart", (t) => {
  if (!needTool(t, firmware)) return;
  const outcome = vmscope(["compare", "--bios", firmware, paging]);
  assert.equal(outcome.status, 0, outcome.stderr);
  const lines = outcome.stdout.split("\n");
  const header = lines.find((line) => line.trim().startsWith("none"));
  assert.ok(header, outcome.stdout);
  assert.deepEqual(header.trim().split(/\s+/), [...virtualizationModes]);
  const row = (label: string) => lines.find((line) => line.startsWith(label))?.slice(label.length).trim().split(/\s{2,}/);
  assert.equal(row("VM exits")?.length, virtualizationModes.length);
  assert.equal(row("VM exits")?.[0], "0");
  assert.deepEqual(row("ended"), virtualizationModes.map(() => "power off"));
  assert.deepEqual(row("guest output")?.slice(1), virtualizationModes.slice(1).map(() => "identical"));
  assert.match(outcome.stdout, /none: traps on the bare machine[^\n]*\n(\s+[^\n]+\n)*\s+store\/AMO page fault\s+49\n/);
  assert.match(outcome.stdout, /none: the firmware's [\d,]+ bytes of output/);
});

test("the syscalls guest: every system call exits under the monitor, 2000 demand-paging faults in both modes", (t) => {
  if (!needTool(t, firmware)) return;
  const outcome = vmscope(["compare", "--bios", firmware, "--kernel", syscalls, "--json"]);
  assert.equal(outcome.status, 0, outcome.stderr);
  const { modes } = parseReport(outcome.stdout, false);
  assertVirtualizationStory(modes, 2000);
  // 50,000 ecalls from U-mode reach the guest kernel through the monitor: ten exits or more for each.
  assert.ok(modes["trap-and-emulate"].exits.total > 10 * 50_000);
});

test("a bare-machine program runs in mode none only; the other modes are skipped with the reason", () => {
  const outcome = vmscope(["compare", "--kernel", file("bare.elf", uartGuest("bare\n", 0)), "--json"]);
  assert.equal(outcome.status, 0, outcome.stderr);
  const { modes, skipped } = parseReport(outcome.stdout, true);
  assert.deepEqual(Object.keys(modes), ["none"]);
  assert.deepEqual(Object.keys(skipped ?? {}), virtualizationModes.filter((mode) => mode !== "none"));
  for (const reason of Object.values(skipped ?? {})) assert.match(reason, /bare-machine \(M-mode\) program cannot run under a monitor/);
  const table = vmscope(["compare", "--kernel", join(dir, "bare.elf")]);
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /\nskipped\n {2}trap-and-emulate: bare\.elf enters at 0x80000000/);
});

test("console input reaches the guest in every mode: --input and --input-file", () => {
  const echo = file("echo.elf", echoGuest());
  assert.equal(vmscope(["compare", echo, "--input", "abq", "--json"]).status, 0);
  assert.equal(vmscope(["compare", echo, "--input-file", file("input.txt", "xyzq"), "--json"]).status, 0);
  // Without the 'q' it echoes forever: the limit ends it.
  const endless = vmscope(["compare", echo, "--input", "ab", "--max-instructions", "200000"]);
  assert.equal(endless.status, 124, endless.stderr);
  assert.match(endless.stderr, /^vmscope: none: instruction limit reached \(200000 instructions\)\n$/);
});

test("the instruction limit gives status 124 and names each mode it cut short", (t) => {
  if (!needTool(t, firmware)) return;
  const outcome = vmscope(["compare", "--bios", firmware, "--kernel", paging, "--max-instructions", "300000", "--json"]);
  assert.equal(outcome.status, 124, outcome.stderr);
  for (const mode of virtualizationModes) assert.match(outcome.stderr, new RegExp(`vmscope: ${mode}: instruction limit reached \\(300000 instructions\\)`));
});

test("outputs that differ give status 1 and the first differing line", (t) => {
  if (!needTool(t, firmware)) return;
  // The kernel prints a letter from the clock first: OpenSBI's boot took guest time, the monitor's start none.
  const outcome = vmscope(["compare", "--bios", firmware, "--kernel", file("clock.elf", sbiKernel(": clock\nsame\n", true))]);
  assert.equal(outcome.status, 1, outcome.stderr);
  assert.match(outcome.stderr, /^vmscope: guest output differs at line 1: none: "[A-P]: clock", trap-and-emulate: "[A-P]: clock"\n$/);
  assert.match(outcome.stdout, new RegExp(`guest output\\s+\\d+ bytes${"\\s+differs".repeat(virtualizationModes.length - 1)}\n`));
});

test("bad input: status 2 and one line", () => {
  const cases: [string[], RegExp][] = [
    [["compare"], /compare needs a kernel/],
    [["compare", join(dir, "missing.elf")], /cannot open kernel file '.*missing\.elf': no such file/],
    [["compare", paging, "--bios", join(dir, "missing-fw.elf")], /cannot open bios file/],
    [["compare", paging, "--input", "a", "--input-file", "b"], /either with --input or with --input-file/],
    [["compare", paging, "--mode", "none"], /unknown option --mode for 'compare'/],
    [["compare", file("empty.elf", "")], /empty\.elf: the file is empty/],
  ];
  for (const [args, message] of cases) {
    const outcome = vmscope(args);
    assert.equal(outcome.status, 2, `${args.join(" ")}: ${outcome.stderr}`);
    assert.match(outcome.stderr, /^vmscope: [^\n]+\n$/);
    assert.match(outcome.stderr, message);
  }
});

test("the compare grammar: defaults, the kernel as argument or flag, input as text or file", () => {
  const parse = (...args: string[]): CompareOptions => {
    const command = parseArguments(["compare", ...args]);
    assert.equal(command.kind, "compare");
    return (command as Extract<typeof command, { kind: "compare" }>).options;
  };
  assert.deepEqual(parse("--kernel", "k.elf"), {
    bios: undefined,
    kernel: "k.elf",
    memory: 128 * 1024 * 1024,
    harts: 1,
    append: undefined,
    maxInstructions: defaultCompareLimit,
    instructionsPerTick: 10,
    input: undefined,
    json: false,
  });
  const full = parse("k.elf", "--bios=fw.elf", "--memory", "256M", "--max-instructions", "1_000", "--input", "hi\n", "--json");
  assert.equal(full.bios, "fw.elf");
  assert.equal(full.memory, 256 * 1024 * 1024);
  assert.equal(full.maxInstructions, 1000);
  assert.deepEqual(full.input, { text: "hi\n" });
  assert.equal(full.json, true);
  assert.deepEqual(parse("k.elf", "--input-file", "in.txt").input, { file: "in.txt" });
  assert.equal(parse("k.elf", "--bios", "none").bios, undefined);
  assert.deepEqual(parseArguments(["compare", "--help"]), { kind: "help" });
  for (const args of [["compare", "a.elf", "--kernel", "b.elf"], ["compare", "a.elf", "b.elf"], ["compare", "k.elf", "--json=yes"], ["compare", "k.elf", "--max-instructions", "0"]]) {
    assert.throws(() => parseArguments(args), UserInputError, args.join(" "));
  }
});
