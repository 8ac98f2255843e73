/**
 * Reference test: one sequence of MMIO accesses runs as a bare-metal guest
 * on QEMU 7.2 `virt` and on our PLIC + UART + CLINT wired the same way
 * (UART on PLIC source 10); every value the guest loads, including mip,
 * must agree.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needTool } from "../../test/support/reference";
import { Plic } from "./plic";
import { Uart16550 } from "./uart16550";
import { Clint, MIP_MTIP } from "./clint";
import { ConsoleInput } from "../machine/console";
import { FakeClock, RecordingConsole, RecordingSink } from "./testing/fakes";
import type { AccessSize, Device } from "../bus/device";

type Step =
  | { op: "sw" | "sb"; addr: number; value: number }
  | { op: "lw" | "lbu"; addr: number }
  | { op: "mip" };

const PLIC = 0x0c00_0000;
const UART = 0x1000_0000;
const CLINT = 0x0200_0000;
const prio = (s: number) => PLIC + 4 * s;
const PENDING0 = PLIC + 0x1000;
const enable = (ctx: number) => PLIC + 0x2000 + 0x80 * ctx;
const threshold = (ctx: number) => PLIC + 0x20_0000 + 0x1000 * ctx;
const claim = (ctx: number) => threshold(ctx) + 4;
const [THR, IER, IIR, FCR, LCR, MCR, LSR, MSR, SCR] = [0, 1, 2, 2, 3, 4, 5, 6, 7].map((r) => UART + r);

const steps: Step[] = [
  { op: "sw", addr: prio(10), value: 0xff },
  { op: "lw", addr: prio(10) },
  { op: "sw", addr: prio(10), value: 1 },
  { op: "sw", addr: threshold(0), value: 0xff },
  { op: "lw", addr: threshold(0) },
  { op: "sw", addr: threshold(0), value: 0 },
  { op: "sw", addr: enable(0), value: 1 << 10 },
  { op: "lw", addr: enable(0) },
  { op: "lw", addr: PENDING0 },
  { op: "mip" },
  { op: "sb", addr: IER, value: 0x02 }, // THRE interrupt → PLIC source 10
  { op: "lw", addr: PENDING0 },
  { op: "mip" },
  { op: "lw", addr: claim(0) },
  { op: "lw", addr: PENDING0 },
  { op: "mip" },
  { op: "lw", addr: claim(0) },
  { op: "sw", addr: claim(0), value: 10 },
  { op: "mip" },
  { op: "lbu", addr: IIR },
  { op: "lbu", addr: IIR },
  { op: "sb", addr: IER, value: 0x00 },
  { op: "sb", addr: IER, value: 0x02 },
  { op: "mip" },
  { op: "sw", addr: enable(1), value: 1 << 10 },
  { op: "mip" },
  { op: "lw", addr: claim(1) },
  { op: "mip" },
  { op: "sw", addr: claim(1), value: 10 },
  { op: "lbu", addr: LSR },
  { op: "lbu", addr: MSR },
  { op: "lbu", addr: MCR },
  { op: "sb", addr: SCR, value: 0x5a },
  { op: "lbu", addr: SCR },
  { op: "sb", addr: LCR, value: 0x83 },
  { op: "lbu", addr: UART },
  { op: "lbu", addr: UART + 1 },
  { op: "sb", addr: LCR, value: 0x03 },
  { op: "sb", addr: FCR, value: 0x07 },
  { op: "lbu", addr: IIR },
  { op: "lbu", addr: IIR },
  { op: "sb", addr: MCR, value: 0x18 },
  { op: "lbu", addr: MSR },
  { op: "sb", addr: THR, value: 0x41 },
  { op: "lbu", addr: LSR },
  { op: "lbu", addr: UART },
  { op: "lbu", addr: LSR },
  { op: "sb", addr: MCR, value: 0x08 },
  { op: "sw", addr: CLINT + 0, value: 1 },
  { op: "mip" },
  { op: "lw", addr: CLINT + 0 },
  { op: "sw", addr: CLINT + 0, value: 0 },
  { op: "mip" },
];

const RESULTS = 0x8000_2000;

function assemble(): string {
  const lines = [".globl _start", "_start:", `  li s0, ${RESULTS}`];
  let slot = 0;
  for (const s of steps) {
    if (s.op === "mip") lines.push("  csrr t1, mip");
    else lines.push(`  li t0, ${s.addr}`);
    if (s.op === "sw" || s.op === "sb") lines.push(`  li t1, ${s.value}`, `  ${s.op} t1, 0(t0)`);
    if (s.op === "lw" || s.op === "lbu") lines.push(`  ${s.op} t1, 0(t0)`);
    if (s.op !== "sw" && s.op !== "sb") lines.push(`  sw t1, ${4 * slot++}(s0)`);
  }
  lines.push("1: j 1b", "");
  return lines.join("\n");
}

function runOnQemu(count: number): number[] {
  const dir = mkdtempSync(join(tmpdir(), "vmscope-devref-"));
  try {
    writeFileSync(join(dir, "p.S"), assemble());
    execFileSync("riscv64-unknown-elf-gcc", [
      "-nostdlib", "-march=rv64imac_zicsr", "-mabi=lp64", "-Ttext=0x80000000", "-o", join(dir, "p.elf"), join(dir, "p.S"),
    ]);
    const script = `(sleep 1.5; echo 'xp /${count}wx ${RESULTS}'; sleep 1; echo quit) | qemu-system-riscv64 -M virt -display none -bios none -kernel ${join(dir, "p.elf")} -monitor stdio -serial null`;
    const out = execFileSync("sh", ["-c", script], { encoding: "latin1", timeout: 30_000 });
    const words: number[] = [];
    for (const m of out.matchAll(/^0{8}8000[0-9a-f]{4}:((?: 0x[0-9a-f]{8})+)/gm)) {
      for (const w of m[1].trim().split(/\s+/)) words.push(parseInt(w, 16));
    }
    assert.equal(words.length, count, `QEMU monitor output:\n${out}`);
    return words;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runOnOurDevices(): number[] {
  const sink = new RecordingSink();
  const plic = new Plic(1, sink);
  const uart = new Uart16550("uart0", plic.irqLine(10), new RecordingConsole(), new ConsoleInput());
  const clint = new Clint(1, new FakeClock(1000n), sink);
  const map: [number, Device][] = [[PLIC, plic], [UART, uart], [CLINT, clint]];
  const at = (addr: number): [Device, number] => {
    const hit = map.filter(([base, dev]) => addr >= base && addr < base + dev.size)[0];
    assert.ok(hit, `no device at 0x${addr.toString(16)}`);
    return [hit[1], addr - hit[0]];
  };
  const results: number[] = [];
  for (const s of steps) {
    if (s.op === "mip") {
      results.push(sink.mipOf(0));
      continue;
    }
    const [dev, offset] = at(s.addr);
    const size: AccessSize = s.op === "sw" || s.op === "lw" ? 4 : 1;
    if (s.op === "sw" || s.op === "sb") dev.write(offset, size, BigInt(s.value));
    else results.push(Number(dev.read(offset, size)));
  }
  assert.equal(sink.mipOf(0) & MIP_MTIP, MIP_MTIP, "MTIP pending with mtimecmp = 0");
  return results;
}

test("PLIC, UART and CLINT agree with QEMU 7.2 on every loaded value", (t) => {
  if (!needTool(t, "qemu-system-riscv64", "riscv64-unknown-elf-gcc")) return;
  const ours = runOnOurDevices();
  const qemu = runOnQemu(ours.length);
  const loads = steps.filter((s) => s.op !== "sw" && s.op !== "sb");
  const describe = (i: number) => {
    const s = loads[i];
    return s.op === "mip" ? `load #${i} (csrr mip)` : `load #${i} (${s.op} 0x${s.addr.toString(16)})`;
  };
  for (let i = 0; i < ours.length; i++) {
    assert.equal(ours[i].toString(16), qemu[i].toString(16), describe(i));
  }
});
