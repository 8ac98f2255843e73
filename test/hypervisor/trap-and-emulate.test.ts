/**
 * Acceptance of the trap-and-emulate mode on real guests: Debian's U-Boot
 * runs under the monitor with no firmware (the monitor is its SBI), and our
 * paging kernel prints exactly what it prints on QEMU under OpenSBI, with
 * hidden and true faults in its exit log, the shadow invariant holding
 * after every exit, and an exit log identical from run to run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Machine } from "../../vmm-core/machine/machine";
import { toJsonLine } from "../../vmm-core/hypervisor/exit-log";
import { Monitor } from "../../vmm-core/hypervisor/monitor";
import { checkShadowInvariant } from "../../vmm-core/hypervisor/shadow/invariant";
import { needTool, debianFirmware } from "../support/reference";

const cli = join(__dirname, "..", "..", "bin", "vmscope.js");
const pagingDirectory = join(__dirname, "..", "guests", "paging");
const pagingElf = readFileSync(join(pagingDirectory, "paging.elf"));
/** expected-output.txt is what QEMU + OpenSBI print from the kernel's banner on. */
const pagingExpected = readFileSync(join(pagingDirectory, "expected-output.txt"), "latin1");

function runPaging(options: { checkInvariant: boolean }) {
  let console = "";
  const machine = new Machine({
    memory: 128 << 20,
    mode: "trap-and-emulate",
    kernel: pagingElf,
    kernelName: "paging.elf",
    console: { write: (bytes) => (console += Buffer.from(bytes).toString("latin1")) },
  });
  const monitor = machine.monitor;
  assert.ok(monitor instanceof Monitor, "trap-and-emulate has a trap-and-emulate monitor");
  const lines: string[] = [];
  monitor.exits.onRecord((record) => lines.push(toJsonLine(record)));
  const problems: string[] = [];
  let checks = 0;
  if (options.checkInvariant) {
    monitor.checkAfterExit = (m, hartId) => {
      checks++;
      const found = checkShadowInvariant(m.shadow, m.context(m.vcpus[hartId]), m.memory.pteReader);
      if (found.length > 0 && problems.length < 10) problems.push(`after exit ${m.exits.total - 1}: ${found.join("; ")}`);
    };
  }
  for (let executed = 0; executed < 50_000_000 && machine.power.state === "running"; ) executed += machine.run(2_000_000).instructions;
  return { machine, console, lines, problems, checks };
}

test("the paging guest prints under trap-and-emulate exactly what it prints on QEMU under OpenSBI", () => {
  const run = runPaging({ checkInvariant: true });
  assert.equal(run.machine.power.state, "off");
  assert.equal(run.machine.power.exitCode, 0);
  assert.equal(run.machine.power.source, "SBI SRST");
  assert.equal(run.console, pagingExpected);
  const stats = run.machine.monitor!.exits.statistics().byReason;
  assert.ok((stats["shadow-fill"]?.count ?? 0) > 100, "hidden faults fill the shadow tables");
  assert.ok((stats["guest-page-fault"]?.count ?? 0) >= 67, "true faults (48 + 1 store, 16 + 2 load) reach the guest kernel");
  for (const reason of ["csr-read", "csr-write", "sret", "sfence.vma", "sbi", "mmio-write", "mmio-read", "timer", "interrupt-injected"]) {
    assert.ok((stats[reason]?.count ?? 0) > 0, `the log has ${reason} exits`);
  }
  assert.ok(run.checks > 1000, `the invariant was checked after every exit (${run.checks})`);
  assert.deepEqual(run.problems, [], "every valid shadow PTE is the composition of the guest's mapping and the guest-physical map");
});

test("the same guest gives the same exit log, record for record", () => {
  const first = runPaging({ checkInvariant: false });
  const second = runPaging({ checkInvariant: false });
  assert.ok(first.lines.length > 1000);
  assert.equal(first.lines.length, second.lines.length);
  assert.deepEqual(first.lines, second.lines);
});

test("Debian's U-Boot runs under the monitor with no firmware: prompt, version, poweroff through SBI SRST", (t) => {
  if (!needTool(t, debianFirmware.uBootSmode)) return;
  const directory = mkdtempSync(join(tmpdir(), "vmscope-exits-"));
  try {
    const exitLog = join(directory, "exits.jsonl");
    const run = spawnSync(
      process.execPath,
      [cli, "run", "--mode", "trap-and-emulate", "--kernel", debianFirmware.uBootSmode, "--stats", "--exit-log", exitLog],
      { input: "\nversion\npoweroff\n", encoding: "utf8", timeout: 240_000 },
    );
    assert.doesNotMatch(run.stdout, /OpenSBI/, "no firmware ran");
    assert.match(run.stdout, /U-Boot 20\d\d\.\d\d/);
    assert.match(run.stdout, /=> version\r?\nU-Boot 20\d\d/);
    assert.match(run.stdout, /=> poweroff/);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /csr-write\s+stvec/);
    assert.match(run.stderr, /sbi\s+SRST\.system_reset\s+1/);
    assert.match(run.stderr, /mmio-write\s+uart0\.THR/);
    const records = readFileSync(exitLog, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(records.at(-1).detail, "SRST.system_reset", "the run ended with the SBI shutdown call");
    assert.deepEqual(records.map((record) => record.sequence), records.map((_, index) => index), "every exit is in the file, in order");
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
