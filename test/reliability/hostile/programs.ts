/**
 * The hostile guests: what guests under development do by accident and
 * malicious ones on purpose. Each is a raw image entered at the start of
 * RAM, in M-mode on the bare machine or as the S-mode kernel under a
 * monitor ("priv" picks the CSR set: m → mtvec/mepc/mret, s → stvec/sepc/sret).
 */
import { Program, op, reg, csr, randomBytes } from "./encode";
import { memoryMap } from "../../../vmm-core/machine/memory-map";
import { Reg as VirtioReg } from "../../../vmm-core/devices/virtio/virtio-mmio";
import type { VirtualizationMode } from "../../../vmm-core/machine/machine";

export interface HostileProgram {
  name: string;
  mode: VirtualizationMode;
  image: Uint8Array;
  harts?: number;
}

const ram = memoryMap.dram.base;
/** Random code lives here, data for the guests' own use above it. */
const randomRegion = ram + 0x1000n;
const randomBytesLength = 16 * 1024;
const data = ram + 0x10_0000n;

type Priv = "m" | "s";
const trapCsrs = (priv: Priv) =>
  priv === "m"
    ? { tvec: csr.mtvec, epc: csr.mepc, status: csr.mstatus, ie: csr.mie, ret: op.mret }
    : { tvec: csr.stvec, epc: csr.sepc, status: csr.sstatus, ie: csr.sie, ret: op.sret };

/** Trap vector and return address into random code, then a return into `level` (0 U, 1 S, 3 M). */
function randomStream(seed: number, priv: Priv, level: number): Uint8Array {
  const c = trapCsrs(priv);
  const offset = BigInt((seed % 64) * 4);
  const p = new Program(ram)
    .li(reg.t0, randomRegion + offset).emit(op.csrw(c.tvec, reg.t0), op.csrw(c.epc, reg.t0))
    // xPP = level (MPP bits 12:11, SPP bit 8); the random code may change any of it later.
    .li(reg.t1, priv === "m" ? BigInt(level) << 11n : BigInt(level & 1) << 8n).emit(op.csrw(c.status, reg.t1))
    .li(reg.sp, data + 0x8000n)
    .emit(c.ret);
  const code = p.bytes();
  const image = new Uint8Array(Number(randomRegion - ram) + randomBytesLength);
  image.set(code);
  image.set(randomBytes(seed, randomBytesLength), Number(randomRegion - ram));
  return image;
}

/** A handler that skips the faulting instruction (xepc += 4) and returns. */
function skipHandler(p: Program, priv: Priv): Program {
  const c = trapCsrs(priv);
  return p.label("handler").emit(op.csrr(reg.t2, c.epc), op.addi(reg.t2, reg.t2, 4), op.csrw(c.epc, reg.t2), c.ret);
}

/** Jumps into the void: address 0, device registers, the top of the address space, odd addresses. */
function wildJumps(priv: Priv): Uint8Array {
  const targets = [0n, memoryMap.uart0.base, memoryMap.clint.base, memoryMap.plic.base, 0xffff_ffff_ffff_fff0n, ram + 0x3n, ram + 0x4000_0000n, 0x8000_0000_0000_0000n];
  const c = trapCsrs(priv);
  const p = new Program(ram).la(reg.t0, "handler").emit(op.csrw(c.tvec, reg.t0), op.addi(reg.a0, 0, 0));
  p.label("handler").emit(op.addi(reg.a0, reg.a0, 1), op.addi(reg.a1, reg.a0, 0));
  p.emit(I7(reg.a1, reg.a1), op.slli(reg.a1, reg.a1, 3)).la(reg.a2, "table").emit(op.add(reg.a2, reg.a2, reg.a1), op.ld(reg.a2, reg.a2, 0));
  p.emit(op.jalr(0, reg.a2, 0));
  p.label("table");
  for (const target of targets) p.emit(Number(target & 0xffff_ffffn) >>> 0, Number(target >> 32n) >>> 0);
  return p.bytes();
}

/** andi rd, rs1, 7 */
const I7 = (rd: number, rs1: number) => (((7 & 0xfff) << 20) | (rs1 << 15) | (7 << 12) | (rd << 7) | 0x13) >>> 0;

/** Misaligned loads, stores, atomics, in RAM and on devices; illegal words and read-only CSR writes; all skipped by the handler. */
function misalignedAndIllegal(priv: Priv): Uint8Array {
  const c = trapCsrs(priv);
  const p = new Program(ram).la(reg.t0, "handler").emit(op.csrw(c.tvec, reg.t0));
  p.label("loop");
  for (const base of [data + 1n, data + 3n, data + 0xfffn, memoryMap.uart0.base + 1n, memoryMap.clint.base + 3n, memoryMap.plic.base + 2n]) {
    p.li(reg.a0, base).emit(op.ld(reg.a1, reg.a0, 0), op.sd(reg.a1, reg.a0, 0), op.lw(reg.a1, reg.a0, 0), op.sw(reg.a1, reg.a0, 0), op.sh(reg.a1, reg.a0, 0));
    p.emit(op.amoaddw(reg.a1, reg.a1, reg.a0), op.lrd(reg.a1, reg.a0));
  }
  p.emit(0x00000000, 0xffffffff, op.csrw(0xc00, reg.a0), op.csrw(0xf11, reg.a0), op.mret, op.sret, op.sfenceVma, op.ebreak);
  p.jump("loop");
  return skipHandler(p, priv).bytes();
}

/** An interrupt that is never cleared: the handler returns straight into it. */
function interruptStorm(kind: "msip" | "mtimecmp" | "plic"): Uint8Array {
  const p = new Program(ram).la(reg.t0, "handler").emit(op.csrw(csr.mtvec, reg.t0));
  if (kind === "msip") p.store32(memoryMap.clint.base, 1).li(reg.t0, 1n << 3n);
  if (kind === "mtimecmp") p.store64(memoryMap.clint.base + 0x4000n, 0n).li(reg.t0, 1n << 7n);
  if (kind === "plic") {
    // UART "transmitter empty" is always true; the handler never claims it.
    p.li(reg.t0, memoryMap.uart0.base).li(reg.t1, 2n).emit(op.sb(reg.t1, reg.t0, 1));
    for (let source = 1; source < 32; source++) p.store32(memoryMap.plic.base + BigInt(4 * source), 7);
    p.store32(memoryMap.plic.base + 0x2000n, -1).store32(memoryMap.plic.base + 0x20_0000n, 0).li(reg.t0, 1n << 11n);
  }
  p.emit(op.csrw(csr.mie, reg.t0)).li(reg.t0, 1n << 3n).emit(op.csrs(csr.mstatus, reg.t0));
  p.label("spin").emit(op.addi(reg.a0, reg.a0, 1)).jump("spin");
  p.label("handler").emit(op.addi(reg.a1, reg.a1, 1), op.mret);
  return p.bytes();
}

/** Under a monitor: SBI set_timer(0) (always pending) or an IPI to itself, never acknowledged. */
function sbiStorm(kind: "timer" | "ipi"): Uint8Array {
  const p = new Program(ram).la(reg.t0, "handler").emit(op.csrw(csr.stvec, reg.t0));
  p.li(reg.t0, kind === "timer" ? 1n << 5n : 1n << 1n).emit(op.csrw(csr.sie, reg.t0));
  if (kind === "timer") p.li(17, 0x54494d45n).li(16, 0n).li(reg.a0, 0n).emit(op.ecall);
  else p.li(17, 0x735049n).li(16, 0n).li(reg.a0, 1n).li(reg.a1, 0n).emit(op.ecall);
  p.li(reg.t0, 1n << 1n).emit(op.csrs(csr.sstatus, reg.t0));
  p.label("spin").emit(op.addi(reg.a0, reg.a0, 1)).jump("spin");
  p.label("handler").emit(op.addi(reg.a2, reg.a2, 1), op.sret);
  return p.bytes();
}

/** Prints forever through the UART: the console path must bound what it buffers. */
export function consoleFlood(): Uint8Array {
  const p = new Program(ram).li(reg.t0, memoryMap.uart0.base).li(reg.t1, 0x41n);
  p.label("loop").emit(op.sb(reg.t1, reg.t0, 0), op.addi(reg.t1, reg.t1, 1)).jump("loop");
  return p.bytes();
}

/** virtio-rng (the last slot) driven with a descriptor chain that loops, notified again and again, reset and set up anew. */
function descriptorLoop(): Uint8Array {
  const device = memoryMap.virtio.base + BigInt(7 * Number(memoryMap.virtio.size));
  const rings = data + 0x1_0000n;
  const p = new Program(ram);
  p.label("again");
  const r = (offset: number, value: number) => p.store32(device + BigInt(offset), value);
  r(VirtioReg.Status, 0);
  r(VirtioReg.Status, 3);
  r(VirtioReg.DriverFeaturesSel, 1);
  r(VirtioReg.DriverFeatures, 1);
  r(VirtioReg.Status, 11);
  r(VirtioReg.QueueSel, 0);
  r(VirtioReg.QueueNum, 4);
  r(VirtioReg.QueueDescLow, Number(rings & 0xffff_ffffn));
  r(VirtioReg.QueueDriverLow, Number((rings + 0x1000n) & 0xffff_ffffn));
  r(VirtioReg.QueueDeviceLow, Number((rings + 0x2000n) & 0xffff_ffffn));
  r(VirtioReg.QueueReady, 1);
  r(VirtioReg.Status, 15);
  // desc 0 → desc 1 → desc 0 …, both device-writable with NEXT.
  p.store64(rings, data + 0x3_0000n).store32(rings + 8n, 8).store32(rings + 12n, 3 | (1 << 16));
  p.store64(rings + 16n, data + 0x3_0100n).store32(rings + 24n, 8).store32(rings + 28n, 3 | (0 << 16));
  p.store32(rings + 0x1000n, 1 << 16).store32(rings + 0x1004n, 0);
  for (let i = 0; i < 4; i++) r(VirtioReg.QueueNotify, 0);
  p.jump("again");
  return p.bytes();
}

/** Writes pseudo-random words into the next instruction slot and runs them, with and without FENCE.I. */
function selfModifying(priv: Priv): Uint8Array {
  const c = trapCsrs(priv);
  const p = new Program(ram).la(reg.t0, "recover").emit(op.csrw(c.tvec, reg.t0)).li(reg.a0, 0x2545f491n).li(reg.a1, 6364136223846793005n);
  p.label("loop").emit(op.mul(reg.a0, reg.a0, reg.a1), op.addi(reg.a0, reg.a0, 1)).la(reg.a2, "slot");
  p.emit(op.sw(reg.a0, reg.a2, 0), op.fenceI, op.jalr(reg.ra, reg.a2, 0));
  p.emit(op.mul(reg.a0, reg.a0, reg.a1)).la(reg.a2, "slot").emit(op.sw(reg.a0, reg.a2, 0), op.jalr(reg.ra, reg.a2, 0));
  p.jump("loop");
  // The random code may clobber anything: the recovery path rebuilds what the loop needs.
  p.label("recover").la(reg.t0, "loop").emit(op.csrw(c.epc, reg.t0)).la(reg.t0, "recover").emit(op.csrw(c.tvec, reg.t0)).li(reg.a1, 6364136223846793005n).emit(c.ret);
  p.label("slot").emit(op.nop, op.jalr(0, reg.ra, 0));
  return p.bytes();
}

export function hostilePrograms(monitorModes: readonly VirtualizationMode[]): HostileProgram[] {
  const programs: HostileProgram[] = [];
  for (let seed = 1; seed <= 8; seed++) programs.push({ name: `random stream in M-mode #${seed}`, mode: "none", image: randomStream(seed * 7919, "m", 3) });
  for (const [level, name] of [[1, "S"], [0, "U"]] as const) {
    for (let seed = 1; seed <= 2; seed++) programs.push({ name: `random stream in ${name}-mode #${seed}`, mode: "none", image: randomStream(seed * 104729 + level, "m", level) });
  }
  programs.push({ name: "random stream on two harts", mode: "none", image: randomStream(31337, "m", 3), harts: 2 });
  programs.push({ name: "wild jumps", mode: "none", image: wildJumps("m") });
  programs.push({ name: "misaligned and illegal everything", mode: "none", image: misalignedAndIllegal("m") });
  for (const kind of ["msip", "mtimecmp", "plic"] as const) programs.push({ name: `interrupt storm (${kind})`, mode: "none", image: interruptStorm(kind) });
  programs.push({ name: "descriptor loop", mode: "none", image: descriptorLoop() });
  programs.push({ name: "self-modifying code", mode: "none", image: selfModifying("m") });
  for (const mode of monitorModes) {
    for (let seed = 1; seed <= 3; seed++) programs.push({ name: `${mode}: random guest kernel #${seed}`, mode, image: randomStream(seed * 15485863, "s", 1) });
    programs.push({ name: `${mode}: random guest user code`, mode, image: randomStream(999331, "s", 0) });
    programs.push({ name: `${mode}: wild jumps`, mode, image: wildJumps("s") });
    programs.push({ name: `${mode}: misaligned and illegal everything`, mode, image: misalignedAndIllegal("s") });
    programs.push({ name: `${mode}: timer storm through SBI`, mode, image: sbiStorm("timer") });
    programs.push({ name: `${mode}: IPI storm through SBI`, mode, image: sbiStorm("ipi") });
    programs.push({ name: `${mode}: descriptor loop`, mode, image: descriptorLoop() });
    programs.push({ name: `${mode}: self-modifying code`, mode, image: selfModifying("s") });
  }
  return programs;
}
