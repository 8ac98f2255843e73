/**
 * Lockstep against QEMU: Debian's OpenSBI (fw_jump) + U-Boot (S-mode) boot
 * in both machines, pc and x1..x31 compared after every instruction.
 * - through QEMU's gdbstub (`s` + `g`) for the first instructions, which also
 *   tests the RSP client;
 * - through QEMU's per-instruction state log for the first 3.5 million
 *   (~40,000/s; gdbstub stepping runs at ~2-3,000/s, too slow for this in CI).
 * Both machines boot the very device tree QEMU placed in memory, read back
 * over the gdbstub before the first instruction.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needTool, debianFirmware } from "./support/reference";
import { qemuBinary, type QemuMachineOptions } from "./reference/qemu";
import { referenceDeviceTree, nopProperties } from "./reference/reference-dtb";
import { GdbReference, TraceReference, readBootDeviceTree } from "./reference/reference-sources";
import { runLockstep, formatResult, type LockstepReference } from "./reference/lockstep";
import { CpuLogParser } from "./reference/qemu-trace";
import { clockRead, mtimeAddress } from "./reference/time-reads";
import { Machine } from "../vmm-core/machine/machine";
import { resetVectorInstructions } from "../vmm-core/devices/reset-rom";

const gdbInstructions = Number(process.env.VMSCOPE_LOCKSTEP_GDB ?? 20_000);
// 3.5 million: OpenSBI's PMP probing, its first traps and rdtime (~2.8M) and the start of its banner (~3.25M).
const traceInstructions = Number(process.env.VMSCOPE_LOCKSTEP_INSTRUCTIONS ?? 3_500_000);

const bootOptions: QemuMachineOptions = {
  bios: debianFirmware.openSbiFwJump,
  kernel: debianFirmware.uBootSmode,
  memory: "128M",
};

/** QEMU's device tree for this boot, written to a file for -dtb. */
function deviceTreeFile(dir: string): string {
  const file = join(dir, "virt.dtb");
  writeFileSync(file, referenceDeviceTree(bootOptions));
  return file;
}

function vmscope(dtb: Uint8Array, uart: { text: string }): Machine {
  return new Machine({
    memory: 128 * 1024 * 1024,
    bios: new Uint8Array(readFileSync(debianFirmware.openSbiFwJump)),
    biosName: "fw_jump.elf",
    kernel: new Uint8Array(readFileSync(debianFirmware.uBootSmode)),
    kernelName: "uboot.elf",
    dtb,
    console: { write: (bytes) => (uart.text += Buffer.from(bytes).toString("latin1")) },
  });
}

test("the QEMU log parser reads riscv_cpu_dump_state blocks", () => {
  const item = (n: number, name: string, v: bigint) => ` ${`x${n}/${name}`.padEnd(8)} ${v.toString(16).padStart(16, "0")}`;
  const names = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"];
  const dump = (pc: bigint, regs: bigint[], mstatus: bigint) => {
    let text = ` pc       ${pc.toString(16).padStart(16, "0")}\n mstatus  ${mstatus.toString(16).padStart(16, "0")}\n`;
    for (let i = 0; i < 32; i += 4) text += [0, 1, 2, 3].map((k) => item(i + k, names[i + k], regs[i + k])).join("") + "\n";
    return text;
  };
  const regsA = Array.from({ length: 32 }, (_, i) => BigInt(i) * 0x1111n);
  const regsB = regsA.map((v, i) => (i === 10 ? 0xffff_ffff_ffff_fff0n : v));
  const text =
    "IN: \nPriv: 3; Virt: 0\n0x0000000080000000:  00000297          auipc                   t0,0\n\n" +
    dump(0x8000_0000n, regsA, 0xa_0000_0000n) +
    "riscv_cpu_do_interrupt: hart:0, async:0, cause:0000000000000009, epc:0x0000000080000004\n" +
    dump(0x8000_0400n, regsB, 0xa_0000_1800n);
  const parser = new CpuLogParser();
  // Split mid-line to exercise the incremental path.
  const states = [...parser.feed(text.slice(0, 777)), ...parser.feed(text.slice(777))];
  assert.equal(states.length, 2);
  assert.equal(states[0].pc, 0x8000_0000n);
  assert.deepEqual(states[0].x, regsA);
  assert.deepEqual(states[1].x, regsB);
  assert.equal(states[1].pc, 0x8000_0400n);
  assert.equal(states[0].csrs.get("mstatus"), 0xa_0000_0000n);
  assert.equal(states[1].csrs.get("mstatus"), 0xa_0000_1800n);
  assert.equal(states[1].traps.length, 1);
  assert.deepEqual(parser.instructions.get(0x8000_0000n), { word: 0x297, length: 4, text: "auipc t0,0" });
});

test("clock reads are recognised: csrr time, loads of mtime, c.ld of mtime", () => {
  const regs = (values: Record<number, bigint>) => (i: number) => values[i] ?? 0n;
  assert.deepEqual(clockRead(0xc0102573, regs({}), false), { rd: 10, source: "time" }); // csrr a0, time
  assert.deepEqual(clockRead(0x34402773, regs({}), true), { rd: 14, source: "mip" }); // csrr a4, mip
  assert.equal(clockRead(0x30002573, regs({}), true), undefined); // csrr a0, mstatus
  assert.equal(clockRead(0xc0101073, regs({}), true), undefined); // csrw time, zero: rd = x0
  // ld a5, -8(a0) with a0 = mtime + 8; and the same load with paging on is not matched.
  const ld = (0xff8 << 20) | (10 << 15) | (3 << 12) | (15 << 7) | 0x03;
  assert.deepEqual(clockRead(ld, regs({ 10: mtimeAddress + 8n }), true), { rd: 15, source: "mtime" });
  assert.equal(clockRead(ld, regs({ 10: mtimeAddress + 16n }), true), undefined);
  assert.equal(clockRead(ld, regs({ 10: mtimeAddress + 8n }), false), undefined);
  // c.ld a0, 0(a1) (0x6188) with a1 = mtime.
  assert.deepEqual(clockRead(0x6188, regs({ 11: mtimeAddress }), true), { rd: 10, source: "mtime" });
});

test("nopProperties removes QEMU's random /chosen/rng-seed", (t) => {
  if (!needTool(t, qemuBinary, debianFirmware.openSbiFwJump, debianFirmware.uBootSmode)) return;
  const blob = referenceDeviceTree(bootOptions);
  assert.equal(new DataView(blob.buffer, blob.byteOffset).getUint32(0), 0xd00dfeed);
  assert.equal(Buffer.from(blob).includes("riscv,isa"), true);
  // Already removed: a second pass finds nothing, and the blob is unchanged in size.
  const size = blob.length;
  assert.equal(nopProperties(blob, ["rng-seed"]), 0);
  assert.equal(nopProperties(blob, ["stdout-path"]), 1);
  assert.equal(blob.length, size);
});

test("the RSP client drives QEMU through the reset ROM", async (t) => {
  if (!needTool(t, qemuBinary, debianFirmware.openSbiFwJump, debianFirmware.uBootSmode)) return;
  const dir = mkdtempSync(join(tmpdir(), "vmscope-lockstep-"));
  const reference = await GdbReference.start({ ...bootOptions, dtb: deviceTreeFile(dir) });
  try {
    const gdb = reference.gdb;
    assert.match(await gdb.haltReason(), /^T05/);
    const atReset = await gdb.readRegisters();
    assert.equal(atReset.pc, 0x1000n);
    const rom = new DataView((await gdb.readMemory(0x1000n, 24)).buffer);
    resetVectorInstructions.forEach(({ word }, i) => assert.equal(rom.getUint32(4 * i, true), word, `ROM word ${i}`));
    const { address } = await readBootDeviceTree(gdb);
    for (let i = 0; i < resetVectorInstructions.length; i++) await gdb.step();
    const atFirmware = await gdb.readRegisters();
    assert.equal(atFirmware.pc, 0x8000_0000n);
    assert.equal(atFirmware.x[10], 0n); // a0 = hart id
    assert.equal(atFirmware.x[11], address); // a1 = device tree
    assert.equal(atFirmware.x[12], 0x1028n); // a2 = fw_dynamic_info
    const mhartid = await gdb.registerNumber("mhartid");
    assert.notEqual(mhartid, undefined);
    assert.equal(await gdb.readRegister(mhartid as number), 0n);
    const mstatus = await gdb.readRegister((await gdb.registerNumber("mstatus")) as number);
    assert.equal(typeof mstatus, "bigint");
  } finally {
    await reference.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function lockstep(t: import("node:test").TestContext, kind: "gdb" | "trace", instructions: number): Promise<void> {
  if (!needTool(t, qemuBinary, debianFirmware.openSbiFwJump, debianFirmware.uBootSmode)) return;
  const dir = mkdtempSync(join(tmpdir(), "vmscope-lockstep-"));
  const options = { ...bootOptions, dtb: deviceTreeFile(dir) };
  const reference = kind === "gdb" ? await GdbReference.start(options) : await TraceReference.start(options);
  try {
    const boot = await readBootDeviceTree(reference.gdb);
    const uart = { text: "" };
    const machine = vmscope(boot.blob, uart);
    // The gdbstub steps with interrupts masked; the log run takes them as they come.
    machine.stepInterrupts = kind !== "gdb";
    if (reference instanceof TraceReference) await reference.resume();
    const result = await runLockstep({ machine, reference: reference as LockstepReference, instructions });
    t.diagnostic(formatResult(result));
    if (result.divergence) assert.fail(formatResult(result));
    assert.equal(result.compared, instructions);
    // Console: QEMU may have run a little further than the compared instructions, never less.
    const qemuUart = reference.uart;
    t.diagnostic(`UART after ${instructions} instructions: vmscope ${uart.text.length} bytes, qemu ${qemuUart.length} bytes`);
    assert.equal(qemuUart.startsWith(uart.text), true, `vmscope's console ${JSON.stringify(uart.text.slice(-200))} is not a prefix of QEMU's ${JSON.stringify(qemuUart.slice(0, uart.text.length + 200))}`);
  } finally {
    await reference.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test(`lockstep with QEMU's gdbstub: OpenSBI + U-Boot, first ${gdbInstructions} instructions`, { timeout: 120_000 }, (t) =>
  lockstep(t, "gdb", gdbInstructions),
);

test(`lockstep with QEMU's instruction log: OpenSBI + U-Boot, first ${traceInstructions} instructions`, { timeout: 280_000 }, (t) =>
  lockstep(t, "trace", traceInstructions),
);
