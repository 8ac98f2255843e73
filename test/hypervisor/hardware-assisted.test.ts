/**
 * Acceptance of the hardware-assisted mode: the H extension runs the guest
 * in VS/VU mode, the monitor keeps nested (G-stage) tables. The same guests
 * as under trap-and-emulate print the same text; their privileged
 * instructions no longer exit, and a TLB miss now costs a two-dimensional
 * walk — the talk's argument, asserted in figures.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Machine, type VirtualizationMode } from "../../vmm-core/machine/machine";
import { toJsonLine } from "../../vmm-core/hypervisor/exit-log";
import { translateNested } from "../../vmm-core/hypervisor/nested-translate";
import type { HardwareAssistedMonitor } from "../../vmm-core/hypervisor/hardware-assisted";
import { Access } from "../../vmm-core/hart/mmu";
import { needTool, debianFirmware } from "../support/reference";

const cli = join(__dirname, "..", "..", "bin", "vmscope.js");
const pagingDirectory = join(__dirname, "..", "guests", "paging");
const pagingElf = readFileSync(join(pagingDirectory, "paging.elf"));
const pagingExpected = readFileSync(join(pagingDirectory, "expected-output.txt"), "latin1");

function runPaging(mode: VirtualizationMode) {
  let console = "";
  const machine = new Machine({
    memory: 128 << 20,
    mode,
    kernel: pagingElf,
    kernelName: "paging.elf",
    console: { write: (bytes) => (console += Buffer.from(bytes).toString("latin1")) },
  });
  const lines: string[] = [];
  machine.monitor!.exits.onRecord((record) => lines.push(toJsonLine(record)));
  for (let executed = 0; executed < 50_000_000 && machine.power.state === "running"; ) executed += machine.run(2_000_000).instructions;
  const stats = machine.stats();
  const exits = machine.monitor!.exits.statistics();
  const count = (reason: string) => exits.byReason[reason]?.count ?? 0;
  return {
    machine,
    console,
    lines,
    exits,
    count,
    /** Exits that virtualize the CPU and memory, without device emulation (the same in both modes). */
    cpuExits: exits.total - count("mmio-read") - count("mmio-write"),
    walkReferencesPerMiss: stats.tlb.walkMemoryReferences / stats.tlb.walks,
  };
}

test("the paging guest prints under hardware-assisted mode exactly what it prints on QEMU under OpenSBI", () => {
  const run = runPaging("hardware-assisted");
  assert.equal(run.machine.power.exitCode, 0);
  assert.equal(run.machine.power.source, "SBI SRST");
  assert.equal(run.console, pagingExpected);
  assert.ok(run.count("nested-fill") > 50, "guest-page faults fill the nested tables lazily");
  assert.ok(run.count("sbi") > 0);
  for (const reason of ["csr-read", "csr-write", "sret", "sfence.vma", "shadow-fill", "guest-page-fault"]) {
    assert.equal(run.count(reason), 0, `${reason}: the hardware handles it in VS-mode without the monitor`);
  }
  assert.ok(run.machine.harts[0].virt, "the guest ran with V=1");
});

test("hardware assistance trades exits for two-dimensional walks (paging guest, both virtualized modes)", (t) => {
  const trapped = runPaging("trap-and-emulate");
  const assisted = runPaging("hardware-assisted");
  assert.equal(trapped.console, assisted.console, "the guest sees no difference");
  t.diagnostic(
    `exits: trap-and-emulate ${trapped.exits.total} (${trapped.cpuExits} without MMIO), hardware-assisted ${assisted.exits.total} (${assisted.cpuExits} without MMIO); ` +
      `walk references per TLB miss: ${trapped.walkReferencesPerMiss.toFixed(2)} vs ${assisted.walkReferencesPerMiss.toFixed(2)}`,
  );
  assert.ok(assisted.exits.total < trapped.exits.total, "fewer exits in total");
  assert.ok(assisted.cpuExits * 4 < trapped.cpuExits, "at least 4x fewer CPU and memory exits");
  assert.ok(trapped.walkReferencesPerMiss <= 3, "a shadow walk reads at most 3 PTEs");
  assert.ok(assisted.walkReferencesPerMiss > trapped.walkReferencesPerMiss, "a nested walk reads more PTEs per miss");
  assert.ok(assisted.walkReferencesPerMiss <= 15, "and at most (3+1)x(3+1)-1 = 15");
});

test("the hardware-assisted exit log is identical run after run", () => {
  assert.deepEqual(runPaging("hardware-assisted").lines, runPaging("hardware-assisted").lines);
});

test("Debian's U-Boot runs hardware-assisted: prompt, version, poweroff through SBI SRST, no CSR exits", (t) => {
  if (!needTool(t, debianFirmware.uBootSmode)) return;
  const run = spawnSync(process.execPath, [cli, "run", "--mode", "hardware-assisted", "--kernel", debianFirmware.uBootSmode, "--stats"], {
    input: "\nversion\npoweroff\n",
    encoding: "utf8",
    timeout: 240_000,
  });
  assert.match(run.stdout, /=> version\r?\nU-Boot 20\d\d/);
  assert.match(run.stdout, /=> poweroff/);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /nested-fill/);
  assert.match(run.stderr, /sbi\s+SRST\.system_reset\s+1/);
  assert.doesNotMatch(run.stderr, /csr-write/, "U-Boot's CSR writes stay in VS-mode");
});

test("the two-dimensional walk of a kernel address: every guest PTE fetch goes through the nested tables", () => {
  const run = runPaging("hardware-assisted");
  const hart = run.machine.harts[0];
  assert.equal(hart.h.vsatp >> 60n, 8n, "the guest left Sv39 on");
  const state = {
    vsatp: hart.h.vsatp,
    hgatp: hart.h.hgatp,
    privilege: 1,
    sum: false,
    mxr: false,
  };
  // The kernel's text is identity-mapped with 4 KiB pages: 3 VS-stage levels, each PTE fetch a 3-level G-stage walk, then the data's.
  const walk = translateNested(run.machine.bus, state, 0x8020_0000n, Access.Fetch);
  assert.equal(walk.fault, undefined);
  assert.equal(walk.gpa, 0x8020_0000n);
  assert.equal(walk.hpa, 0x8020_0000n + run.machine.guestRamOffset, "guest-physical RAM lives after the monitor's region");
  assert.equal(walk.guestSteps.length, 3);
  assert.equal(walk.nestedWalks.length, 4, "one G-stage walk per VS-stage PTE, and one for the data");
  assert.equal(walk.memoryReferences, 15, "(3+1)x(3+1)-1");
  assert.deepEqual(walk.nestedWalks.map((nested) => nested.purpose), ["VS-stage PTE, level 2", "VS-stage PTE, level 1", "VS-stage PTE, level 0", "data"]);
  // The G-stage tree the monitor built maps guest RAM only, as coalesced user RWX ranges.
  const tree = (run.machine.monitor as HardwareAssistedMonitor).nested.tree({ readPte: (a) => run.machine.bus.readPhysical(a, 8), writePte: () => false });
  assert.ok(tree.ranges.length > 0);
  for (const range of tree.ranges) {
    assert.ok(range.va >= 0x8000_0000n && range.vaEnd <= 0x8800_0000n, "only guest RAM is mapped");
    assert.equal(range.pa - range.va, run.machine.guestRamOffset);
    assert.match(range.flags, /RWXU/);
  }
});
