/**
 * The exits guest: one of each VM exit and every SBI function the monitor
 * serves, end to end. The committed ELF is what its sources build; QEMU with
 * Debian's OpenSBI is the reference. Lines starting "impl:" depend on the
 * SBI implementation (or, "impl: machine:", on the machine's identity) and
 * are compared only where the implementation is the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Machine } from "../../../vmm-core/machine/machine";
import type { ExitReason, ExitRecord } from "../../../vmm-core/hypervisor/exit-record";
import { needTool, debianFirmware } from "../../support/reference";
import { qemuBinary, runQemu, type QemuRunResult } from "../../reference/qemu";

const here = dirname(fileURLToPath(import.meta.url));
const elfPath = join(here, "exits.elf");
const sources = ["Makefile", "link.ld", "exits.h", "start.S", "main.c", "console.c", "sbi.c", "trap.c", "csrs.c", "paging.c", "interrupts.c", "exceptions.c", "sbi-calls.c"];
const kernelBanner = "vmscope exits guest";
/**
 * UART input: QEMU may lose the first bytes while OpenSBI initialises the
 * UART (its FIFO reset and RBR read), so three '.' come first; the guest
 * skips them. 'Y' is for the legacy getchar, 'X' for the receive interrupt.
 * Under the monitor, DBCN console_read takes the first '.'.
 */
const input = "...YX";
const instructionBudget = 30_000_000;

/**
 * Every exit reason of trap-and-emulate, checked by tsc against ExitReason so
 * a new reason cannot be forgotten here (nested-fill is the hardware-assisted
 * mode's G-stage fill: no shadow tables there, no nested tables here).
 */
const allReasons = Object.keys({
  "csr-read": 1, "csr-write": 1, sret: 1, "sfence.vma": 1, wfi: 1, sbi: 1, "shadow-fill": 1, "guest-page-fault": 1,
  "mmio-read": 1, "mmio-write": 1, "interrupt-injected": 1, "illegal-instruction-injected": 1, "exception-injected": 1,
  timer: 1, "external-interrupt": 1,
} satisfies Record<Exclude<ExitReason, "nested-fill">, 1>) as ExitReason[];

function kernelOutput(console: string): string[] {
  const start = console.indexOf(kernelBanner);
  assert.ok(start >= 0, `the kernel never printed its banner; the console said: ${JSON.stringify(console.slice(-400))}`);
  return console.slice(start).replace(/\r\n/g, "\n").split("\n");
}

const withoutImpl = (lines: string[]) => lines.filter((line) => !line.startsWith("impl:") && !line.startsWith("amo:"));
const withoutMachine = (lines: string[]) => lines.filter((line) => !line.startsWith("impl: machine:") && !line.startsWith("amo:"));

/**
 * QEMU 7.2 reports a misaligned AMO as a load address misaligned (4)
 * instead of the store/AMO cause 6 (test/reference/qemu.ts): the guest marks
 * that line "amo:", and each side must show its own documented cause.
 */
function checkAmoLine(lines: string[], cause: number, who: string): void {
  const amo = lines.filter((line) => line.startsWith("amo:"));
  assert.equal(amo.length, 1, `${who}: one misaligned-AMO trap line`);
  assert.match(amo[0], new RegExp(`^amo:   trap: scause=0x${cause} stval=0x[0-9a-f]+ from S$`), who);
}

let qemuRun: Promise<QemuRunResult> | undefined;
const qemuOutput = () => (qemuRun ??= runQemu(elfPath, { bios: debianFirmware.openSbiFwJump, timeoutMs: 60_000, input }));

interface VmscopeRun {
  machine: Machine;
  console: string;
  records: ExitRecord[];
}
const vmscopeRuns = new Map<string, VmscopeRun>();

function runVmscope(mode: "none" | "trap-and-emulate"): VmscopeRun {
  const cached = vmscopeRuns.get(mode);
  if (cached) return cached;
  let console = "";
  const machine = new Machine({
    memory: 128 * 1024 * 1024,
    mode,
    bios: mode === "none" ? new Uint8Array(readFileSync(debianFirmware.openSbiFwJump)) : undefined,
    biosName: "fw_jump.elf",
    kernel: new Uint8Array(readFileSync(elfPath)),
    kernelName: "exits.elf",
    console: { write: (bytes: Uint8Array) => (console += Buffer.from(bytes).toString("latin1")) },
  });
  const records: ExitRecord[] = [];
  machine.monitor?.exits.onRecord((record) => records.push(record));
  machine.input.push(input);
  for (let executed = 0; executed < instructionBudget && machine.power.state === "running"; ) {
    const result = machine.run(1_000_000);
    executed += result.instructions;
    assert.notEqual(result.reason, "halted", `every hart waits and nothing will wake it; the console said: ${JSON.stringify(console.slice(-300))}`);
  }
  assert.equal(machine.power.state, "off", `still running after ${instructionBudget} instructions: ${JSON.stringify(console.slice(-300))}`);
  const run = { machine, console, records };
  vmscopeRuns.set(mode, run);
  return run;
}

test("the committed exits.elf is what the Makefile builds", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "make")) return;
  const dir = mkdtempSync(join(tmpdir(), "vmscope-exits-"));
  try {
    for (const file of sources) copyFileSync(join(here, file), join(dir, file));
    execFileSync("make", ["-s", "-C", dir, "exits.elf"], { stdio: "pipe" });
    const rebuilt = readFileSync(join(dir, "exits.elf"));
    assert.ok(rebuilt.equals(readFileSync(elfPath)), "rebuilt exits.elf differs from the committed one: run make in test/guests/exits");
    assert.equal(rebuilt.includes(dir), false, "the build folder's path leaked into the ELF");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("under trap-and-emulate the guest prints what it prints on QEMU under OpenSBI, implementation lines aside", async (t) => {
  if (!needTool(t, qemuBinary, debianFirmware.openSbiFwJump)) return;
  const qemu = await qemuOutput();
  assert.equal(qemu.timedOut, false, qemu.stderr.toString());
  assert.equal(qemu.exitCode, 0, qemu.stderr.toString());
  const reference = kernelOutput(qemu.stdout.toString("latin1"));
  const run = runVmscope("trap-and-emulate");
  assert.equal(run.machine.power.exitCode, 0);
  assert.equal(run.machine.power.source, "SBI SRST");
  const lines = kernelOutput(run.console);
  assert.deepEqual(withoutImpl(lines), withoutImpl(reference));
  checkAmoLine(reference, 4, "QEMU");
  checkAmoLine(lines, 6, "vmscope trap-and-emulate");
});

test("under trap-and-emulate the implementation lines are the monitor's SBI as docs/sbi.md describes it", () => {
  const lines = kernelOutput(runVmscope("trap-and-emulate").console);
  const expected = [
    "impl: BASE.get_spec_version: error=0 value=33554432", // 0x0200_0000, v2.0
    "impl: BASE.get_impl_id: error=0 value=5655891", // 0x564D53
    "impl: BASE.get_impl_version: error=0 value=1",
    "impl: BASE.probe_extension(DBCN): error=0 value=1",
    "impl: machine: BASE.get_marchid: error=0 value=0",
    "impl: machine: BASE.get_mimpid: error=0 value=0",
    "impl: HSM.hart_get_status(7): error=-3 value=0",
    "impl: HSM.hart_suspend(retentive): error=0 value=0",
    "impl: HSM.hart_suspend(type 1): error=-3 value=0",
    "impl: DBCN.console_write wrote this line",
    "impl: DBCN.console_write: error=0 value=41",
    "impl: DBCN.console_write_byte: !",
    "impl: DBCN.console_write_byte: error=0 value=0",
    "impl: DBCN.console_read: error=0 value=1",
    "impl: DBCN.console_read byte=0x2e",
    "impl: DBCN.console_write(base_addr_hi 1): error=-3 value=0",
    "impl:   trap: scause=0x5 stval=0x200bff8 from S",
    "impl: load from the CLINT's mtime: trapped=1",
  ];
  assert.deepEqual(lines.filter((line) => line.startsWith("impl:")), expected);
});

test("vmscope with Debian's OpenSBI prints exactly what QEMU prints, firmware banner included", async (t) => {
  if (!needTool(t, qemuBinary, debianFirmware.openSbiFwJump)) return;
  const qemu = await qemuOutput();
  assert.equal(qemu.exitCode, 0, qemu.stderr.toString());
  const run = runVmscope("none");
  assert.equal(run.machine.power.exitCode, 0);
  const all = (text: string) => text.replace(/\r\n/g, "\n").split("\n");
  const reference = all(qemu.stdout.toString("latin1"));
  const lines = all(run.console);
  // marchid/mimpid are the machine's identity (docs/machine.md): QEMU reports its version, vmscope 0.
  // PMP is stored but not enforced on the bare machine (docs/machine.md), so OpenSBI's M-only CLINT
  // region does not stop an S-mode load there: that one line is asserted separately.
  const clint = (line: string) => line.startsWith("impl: load from the CLINT") || line === "impl:   trap: scause=0x5 stval=0x200bff8 from S";
  assert.deepEqual(withoutMachine(lines).filter((line) => !clint(line)), withoutMachine(reference).filter((line) => !clint(line)));
  assert.deepEqual(reference.filter(clint), ["impl:   trap: scause=0x5 stval=0x200bff8 from S", "impl: load from the CLINT's mtime: trapped=1"], "QEMU enforces OpenSBI's PMP");
  assert.deepEqual(lines.filter(clint), ["impl: load from the CLINT's mtime: trapped=0"], "vmscope does not enforce PMP (yet)");
  checkAmoLine(lines, 6, "vmscope with OpenSBI");
});

test("the trap-and-emulate exit log has every reason, and the records say what happened", () => {
  const { records } = runVmscope("trap-and-emulate");
  const has = (reason: ExitReason, detail: string | RegExp, handling?: string | RegExp) =>
    records.some(
      (record) =>
        record.reason === reason &&
        (typeof detail === "string" ? record.detail === detail : detail.test(record.detail)) &&
        (handling === undefined || (typeof handling === "string" ? record.handling === handling : handling.test(record.handling))),
    );
  const expect = (reason: ExitReason, detail: string | RegExp, handling?: string | RegExp) =>
    assert.ok(has(reason, detail, handling), `no ${reason} exit with detail ${detail}${handling === undefined ? "" : ` and handling ${handling}`}`);

  for (const reason of allReasons) assert.ok(records.some((record) => record.reason === reason), `no ${reason} exit`);

  // CSRs: every virtualized one read and written; the WARL write-backs as the monitor logged them.
  for (const csr of ["sstatus", "sie", "stvec", "scounteren", "senvcfg", "sscratch", "sepc", "scause", "stval", "sip", "stimecmp", "satp"]) {
    expect("csr-read", csr, new RegExp(`^${csr} = 0x[0-9a-f]+$`));
    expect("csr-write", csr, new RegExp(`^${csr} 0x[0-9a-f]+ → 0x[0-9a-f]+$`));
  }
  expect("csr-write", "sstatus", "sstatus 0x200000000 → 0xc0120");
  expect("csr-write", "sie", "sie 0x0 → 0xffffffffffffffff");
  expect("csr-read", "sie", "sie = 0x222");
  expect("csr-write", "sscratch", "sscratch 0x0 → 0x15"); // csrrwi
  expect("csr-write", "sscratch", "sscratch 0x15 → 0x1f"); // csrrsi
  expect("csr-write", "sscratch", "sscratch 0x1f → 0x1e"); // csrrci
  expect("csr-read", "sscratch", "sscratch = 0x1e"); // csrrs with x0
  expect("csr-read", "sip", "sip = 0x2");
  expect("csr-read", "stimecmp", "stimecmp = 0x123456789ab");
  expect("csr-write", "satp", "satp 0x0 → 0xffffffffffffffff");
  expect("csr-read", "satp", "satp = 0x0");

  expect("sret", "to U-mode");
  expect("sret", "to S-mode");
  expect("exception-injected", "ecall from U-mode", "scause=8 stval=0x0 → stvec");

  for (const scope of ["all addresses, all ASIDs", "0x40000000, all ASIDs", "all addresses, ASID 1", "0x40000000, ASID 1"]) expect("sfence.vma", scope);
  expect("shadow-fill", "load", /^shadow PTE 0x40000000 → 0x[0-9a-f]+ \(gpa 0x[0-9a-f]+\) rw-$/);
  expect("guest-page-fault", "load", /scause=13 stval=0x40001000 → stvec$/);
  expect("guest-page-fault", "load", /scause=13 stval=0x40000000 → stvec$/);

  expect("wfi", "", "vCPU waits for an interrupt");
  expect("timer", "supervisor timer", "sip.STIP set");
  expect("interrupt-injected", "supervisor timer", /^scause=0x8000000000000005 → 0x/);
  expect("interrupt-injected", "supervisor software", /^scause=0x8000000000000001 → 0x/);
  expect("external-interrupt", "supervisor external", "sip.SEIP set");
  expect("interrupt-injected", "supervisor external", /^scause=0x8000000000000009 → 0x/);

  expect("mmio-write", "plic.priority[10]", "wrote 0x1");
  expect("mmio-write", "plic.enable[1][0]", "wrote 0x400");
  expect("mmio-write", "plic.threshold[1]", "wrote 0x0");
  expect("mmio-read", "plic.priority[10]", "read 0x1");
  expect("mmio-write", "uart0.IER", "wrote 0x1");
  expect("mmio-read", "plic.claim[1]", "read 0xa");
  expect("mmio-write", "uart0.IER", "wrote 0x0");
  expect("mmio-read", "uart0.RBR", "read 0x58"); // 'X'
  expect("mmio-write", "plic.complete[1]", "wrote 0xa");

  expect("illegal-instruction-injected", "csrrs", "scause=2 stval=0x300022f3 → stvec"); // csrr t0, mstatus
  expect("illegal-instruction-injected", "mret", "scause=2 stval=0x30200073 → stvec");
  expect("illegal-instruction-injected", "illegal", "scause=2 stval=0x0 → stvec");
  expect("exception-injected", "cause 3", "scause=3 stval=0x0 → stvec");
  expect("exception-injected", "cause 6", /^scause=6 stval=0x[0-9a-f]*[13579bdf] → stvec$/);
  expect("exception-injected", "clint", "access fault at gpa 0x200bff8: scause=5 → stvec");

  const sbiFunctions = [
    "BASE.get_spec_version", "BASE.get_impl_id", "BASE.get_impl_version", "BASE.probe_extension",
    "BASE.get_mvendorid", "BASE.get_marchid", "BASE.get_mimpid",
    "TIME.set_timer", "IPI.send_ipi",
    "RFENCE.remote_fence_i", "RFENCE.remote_sfence_vma", "RFENCE.remote_sfence_vma_asid", "RFENCE.remote_hfence_gvma", "RFENCE.remote_hfence_vvma",
    "HSM.hart_get_status", "HSM.hart_start", "HSM.hart_suspend",
    "DBCN.console_write", "DBCN.console_write_byte", "DBCN.console_read",
    "legacy.console_putchar", "legacy.console_getchar", "legacy.set_timer",
    "SRST.system_reset",
  ];
  for (const name of sbiFunctions) expect("sbi", name);
  expect("sbi", "RFENCE.remote_hfence_gvma", /ERR_NOT_SUPPORTED/);
  expect("sbi", "HSM.hart_start", /^hartid=0x7 .*ERR_INVALID_PARAM/);
  expect("sbi", "HSM.hart_get_status", /^hartid=0x0 → SUCCESS value=0x0/);
  expect("sbi", "DBCN.console_read", /SUCCESS value=0x1/);
  expect("sbi", "legacy.console_getchar", /a0=0x59/); // 'Y'
  expect("sbi", /^unknown 0xa000000\./, /ERR_NOT_SUPPORTED/);
  const last = records.at(-1)!;
  assert.equal(last.detail, "SRST.system_reset", "the run ended with the SBI shutdown");
  assert.match(last.handling, /^reset_type=0x0 reset_reason=0x0 → SUCCESS/);
});

