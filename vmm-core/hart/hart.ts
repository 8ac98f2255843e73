/**
 * One RISC-V hart: registers, privilege, CSR state, the fetch-decode-execute
 * loop (run in budgets, TinyEMU's `interp(n)`), traps and interrupts. Memory
 * accesses go through the hart's TLB (tlb.ts) and the bus.
 */
import type { Bus } from "../bus/bus";
import type { GuestClock } from "../bus/device";
import { CsrState, mstatusBits, menvcfgBits, mipWritable } from "./csr-state";
import { HypervisorCsrs } from "./hypervisor-csrs";
import { Trap, interruptPriority, mip } from "./trap";
import { csrByAddress as csrRows } from "./csr-table";
import { Tlb } from "./tlb";
import { TrapStatistics } from "./trap-statistics";
import type { HartDebugHooks } from "../debug/hart-debug-hooks";
import { Translator } from "./translator/translator";
import { sstcDeadline, updateSstcLines } from "./sstc";
import { takeTrap } from "./take-trap";

/** Slot of the pc in the register buffer, after x0..x31. */
export const PC = 32;
/** Scratch slot used to split a 64-bit address into 32-bit halves without allocating. */
const SCRATCH = 33;

/** Takes the traps that would enter M-mode (vmm-core/hypervisor's monitor). */
export interface TrapInterceptor {
  trap(hart: Hart, cause: number, interrupt: boolean, tval: bigint, tval2?: bigint): void;
}

export type Engine = "interpreter" | "translator";
export const engines: readonly Engine[] = ["interpreter", "translator"];

export const enum Privilege {
  User = 0,
  Supervisor = 1,
  Machine = 3,
}

export class Hart {
  /** x0..x31, the pc, a scratch slot and a sink for writes to x0, as signed 64-bit values. */
  readonly r = new BigInt64Array(35);
  /** The same bytes as 32-bit halves, for address arithmetic on numbers. */
  readonly r32 = new Int32Array(this.r.buffer);
  /** The general registers x0..x31. */
  readonly x = this.r.subarray(0, 32);
  readonly csr = new CsrState();
  /** The H extension's CSRs (all zero and unused without the extension). */
  readonly h = new HypervisorCsrs();
  /** Whether this hart has the hypervisor (H) extension (misa.H). */
  hypervisorExtension = false;
  /** Virtualization mode V: with priv S this is VS-mode, with priv U VU-mode. */
  virt = false;
  priv: number = Privilege.Machine;
  /** Instructions retired since reset. */
  instret = 0;
  /** Guest time beyond retired instructions: instructions that trapped and time spent waiting (WFI). */
  private otherCycles = 0;
  /** Set by WFI until an interrupt is pending. */
  waiting = false;
  /** Set when something may have made an interrupt takeable; checked before the next instruction. */
  interruptCheck = false;
  /** Set to leave run() at the next instruction boundary (power off, device request, debugger). */
  stopRequested = false;
  /** Whether step() may take interrupts (QEMU's gdbstub single-step masks them). */
  stepInterrupts = true;
  /** LR/SC reservation: address and the value loaded (QEMU compares values, cmpxchg-style). */
  reservationAddress = -1n;
  reservationValue = 0n;
  reservationSize = 0;
  readonly tlb: Tlb;
  readonly traps = new TrapStatistics();
  /** When set, traps that would enter M-mode go to this handler (a monitor written in TypeScript) instead. */
  monitor: TrapInterceptor | undefined;
  /** Debugger hooks (vmm-core/debug): when set, run() executes through their checked loop instead of the fast path. */
  debug: HartDebugHooks | undefined;
  /** The block translator, when it is the engine (hart/translator); the interpreter stays the reference and the debugger's path. */
  translator: Translator | undefined;
  /** Instructions retired per privilege level (index = privilege). */
  readonly instructionsByPrivilege = [0, 0, 0, 0];
  private privilegeSince = 0;

  /** Snapshot support (vmm-core/snapshot/hart-state.ts): the counts this class keeps privately. */
  get bookkeeping(): { otherCycles: number; privilegeSince: number } {
    return { otherCycles: this.otherCycles, privilegeSince: this.privilegeSince };
  }

  set bookkeeping(state: { otherCycles: number; privilegeSince: number }) {
    this.otherCycles = state.otherCycles;
    this.privilegeSince = state.privilegeSince;
  }

  constructor(
    readonly hartId: number,
    readonly bus: Bus,
    readonly clock: GuestClock,
  ) {
    this.tlb = new Tlb(this, bus);
    this.reset(0n);
  }

  reset(pc: bigint): void {
    this.r.fill(0n);
    this.pc = pc;
    this.priv = Privilege.Machine;
    // Interrupt lines driven by devices are not hart state: they survive a hart reset.
    // STIP and VSTIP come from stimecmp/vstimecmp, which reset with the hart.
    const lines = this.csr.mipHardware & ~(mip.STIP | mip.VSTIP);
    Object.assign(this.csr, new CsrState());
    Object.assign(this.h, new HypervisorCsrs());
    this.virt = false;
    this.csr.mipHardware = lines;
    this.waiting = false;
    this.reservationAddress = -1n;
    this.tlb.flush();
    this.tlb.contextChanged();
  }

  /** Guest time in instruction units: every instruction executed (retired or trapping) plus time spent waiting. */
  get cycles(): number {
    return this.instret + this.otherCycles;
  }

  set cycles(value: number) {
    this.otherCycles = value - this.instret;
  }

  get pc(): bigint {
    return BigInt.asUintN(64, this.r[PC]);
  }

  set pc(value: bigint) {
    this.r[PC] = BigInt.asIntN(64, value);
  }

  // ---- execution -------------------------------------------------------

  /** Which engine runs the guest: the interpreter (the reference) or the block translator. */
  get engine(): Engine {
    return this.translator === undefined ? "interpreter" : "translator";
  }

  set engine(engine: Engine) {
    if (engine === this.engine) return;
    this.translator?.clear();
    this.translator = engine === "translator" ? new Translator(this) : undefined;
    if (engine === "interpreter") this.tlb.onCodeDropped = undefined;
  }

  /** Runs up to `budget` instructions; returns how many were executed (traps included). */
  run(budget: number): number {
    const start = this.cycles;
    this.stopRequested = false;
    while (this.cycles - start < budget) {
      if (this.interruptCheck && this.checkInterrupts()) {
        this.otherCycles++;
        continue;
      }
      if (this.waiting || this.stopRequested) break;
      try {
        const count = start + budget - this.instret - this.otherCycles;
        if (this.debug !== undefined) this.debug.runChecked(this, count);
        else if (this.translator !== undefined) this.translator.runStraight(count);
        else this.runStraight(count);
      } catch (error) {
        if (!(error instanceof Trap)) throw error;
        this.r[0] = 0n;
        // The debugger may stop before the trap is taken: the faulting instruction has committed nothing.
        if (this.debug !== undefined && this.debug.holdTrap(this, error.cause, false, error.tval)) break;
        this.otherCycles++;
        this.takeTrap(error.cause, false, error.tval, error.tval2, error.guestVirtualAddress, error.transformedInstruction);
      }
    }
    return this.cycles - start;
  }

  /**
   * Up to `count` instructions with nothing else to look at: the loop
   * leaves when an interrupt may have become takeable, on WFI, on a stop
   * request, or by a thrown trap (caught in run(), outside the hot loop).
   * The translator runs cold basic blocks through it too.
   */
  runStraight(count: number): void {
    const r32 = this.r32;
    const tlb = this.tlb;
    for (let i = 0; i < count; i++) {
      const instruction = tlb.fetch(r32[PC * 2], r32[PC * 2 + 1]);
      if (instruction === undefined) throw tlb.fetchFault;
      if (instruction.execute(this, instruction) !== true) {
        // pc += length on the 32-bit halves: no bigint arithmetic on the hottest path.
        const low = (r32[PC * 2] >>> 0) + instruction.length;
        r32[PC * 2] = low | 0;
        if (low > 0xffff_ffff) r32[PC * 2 + 1] = (r32[PC * 2 + 1] + 1) | 0;
      }
      this.instret++;
      if (this.interruptCheck || this.waiting || this.stopRequested) return;
    }
  }

  /** Exactly one instruction (or the trap it raises). Interrupts only when `stepInterrupts`. */
  step(): void {
    this.waiting = false;
    if (this.stepInterrupts) {
      this.run(1);
      return;
    }
    const pending = this.interruptCheck;
    this.interruptCheck = false;
    this.run(1);
    this.interruptCheck = this.interruptCheck || pending;
  }

  // ---- memory (used by instruction handlers) ---------------------------

  /** Splits a 64-bit address into the halves the TLB indexes by. */
  private split(address: bigint): void {
    this.r[SCRATCH] = address;
  }

  load(address: bigint, size: 1 | 2 | 4 | 8, signed: boolean): bigint {
    this.split(address);
    return this.tlb.load(address, this.r32[SCRATCH * 2], this.r32[SCRATCH * 2 + 1], size, signed);
  }

  store(address: bigint, size: 1 | 2 | 4 | 8, value: bigint): void {
    this.split(address);
    this.tlb.store(address, this.r32[SCRATCH * 2], this.r32[SCRATCH * 2 + 1], size, value);
  }

  /** Privilege used for loads and stores: MPRV substitutes MPP in M-mode. */
  dataPrivilege(): number {
    if (this.priv === Privilege.Machine && (this.csr.mstatus & mstatusBits.MPRV) !== 0) {
      return (this.csr.mstatus & mstatusBits.MPP) >>> 11;
    }
    return this.priv;
  }

  /** Whether loads and stores are translated as V=1: in VS/VU, or M-mode with MPRV and MPV. */
  dataVirtualized(): boolean {
    if (this.priv === Privilege.Machine) return (this.csr.mstatus & mstatusBits.MPRV) !== 0 && this.h.mpv && ((this.csr.mstatus & mstatusBits.MPP) >>> 11) !== 3;
    return this.virt;
  }

  /** mip as software reads it: device lines, software bits, and with H the VS bits from hvip and vstimecmp. */
  pendingBits(): number {
    return this.csr.mipSoftware | this.csr.mipHardware | (this.hypervisorExtension ? this.h.hvip : 0);
  }

  // ---- traps ---------------------------------------------------------

  /** Trap entry with delegation (take-trap.ts). */
  takeTrap(cause: number, interrupt: boolean, tval: bigint, tval2 = 0n, guestVirtualAddress = false, transformedInstruction?: bigint): void {
    takeTrap(this, cause, interrupt, tval, tval2, guestVirtualAddress, transformedInstruction);
  }

  /** mideleg as it acts: with the H extension the VS-level interrupts and SGEI always go to HS. */
  delegatedInterrupts(): number {
    return this.hypervisorExtension ? this.csr.mideleg | 0x1444 : this.csr.mideleg;
  }

  /** The highest-priority pending and enabled interrupt, or -1 (spec 3.1.9, 8.6.4). */
  pendingInterrupt(): number {
    const pending = this.pendingBits() & this.csr.mie;
    if (pending === 0) return -1;
    const status = this.csr.mstatus;
    const delegated = this.delegatedInterrupts();
    const machineEnabled = this.priv < Privilege.Machine || (status & mstatusBits.MIE) !== 0;
    // HS-level interrupts are always enabled below HS, and in VS/VU.
    const supervisorEnabled =
      this.priv < Privilege.Supervisor || this.virt || (this.priv === Privilege.Supervisor && (status & mstatusBits.SIE) !== 0);
    const toMachine = pending & ~delegated;
    const toVirtual = this.hypervisorExtension ? pending & delegated & this.h.hideleg : 0;
    const toSupervisor = pending & delegated & ~toVirtual;
    // VS-level interrupts are taken only while V=1, in VU-mode or with vsstatus.SIE.
    const virtualEnabled = this.virt && (this.priv === Privilege.User || (this.h.vsstatus & mstatusBits.SIE) !== 0);
    const takeable = (machineEnabled ? toMachine : 0) | (supervisorEnabled ? toSupervisor : 0) | (virtualEnabled ? toVirtual : 0);
    if (takeable === 0) return -1;
    for (const cause of interruptPriority) if ((takeable >>> cause) & 1) return cause;
    return -1;
  }

  /** Takes a pending interrupt if one is enabled; wakes WFI on any pending enabled bit. */
  private checkInterrupts(): boolean {
    this.interruptCheck = false;
    this.wakeIfPending();
    const cause = this.pendingInterrupt();
    if (cause < 0) return false;
    if (this.debug !== undefined && this.debug.holdTrap(this, cause, true, 0n)) {
      this.interruptCheck = true;
      return false;
    }
    this.takeTrap(cause, true, 0n);
    return true;
  }

  // ---- state changes that need bookkeeping ----------------------------

  /** Changes privilege and, with the H extension, the virtualization mode V (defaults to the current V). */
  setPrivilege(level: number, virt = this.virt): void {
    if (level === this.priv && virt === this.virt) return;
    this.instructionsByPrivilege[this.priv] += this.instret - this.privilegeSince;
    this.privilegeSince = this.instret;
    this.priv = level;
    this.virt = virt;
    this.tlb.contextChanged();
    this.interruptCheck = true;
  }

  /** Per-privilege counts including the current stretch. */
  privilegeCounts(): number[] {
    const counts = [...this.instructionsByPrivilege];
    counts[this.priv] += this.instret - this.privilegeSince;
    return counts;
  }

  setMstatus(value: number): void {
    const changed = value ^ this.csr.mstatus;
    this.csr.mstatus = value;
    if (changed & (mstatusBits.MPRV | mstatusBits.MPP | mstatusBits.SUM | mstatusBits.MXR)) this.tlb.contextChanged();
    if (changed & (mstatusBits.MIE | mstatusBits.SIE)) this.interruptCheck = true;
  }

  setMie(value: number): void {
    this.csr.mie = value;
    this.interruptCheck = true;
    this.wakeIfPending();
  }

  setMideleg(value: number): void {
    this.csr.mideleg = value;
    this.interruptCheck = true;
  }

  /** Software-writable mip bits: STIP only while Sstc's stimecmp does not drive it. */
  mipSoftwareWritable(): number {
    return (this.csr.menvcfg & menvcfgBits.STCE) !== 0n ? mipWritable & ~mip.STIP : mipWritable;
  }

  setMipSoftware(value: number): void {
    this.csr.mipSoftware = value;
    this.interruptCheck = true;
    this.wakeIfPending();
  }

  /** Device-driven mip bits (CLINT, PLIC). */
  setPendingFromHardware(mask: number, level: boolean): void {
    const before = this.csr.mipHardware;
    this.csr.mipHardware = level ? before | mask : before & ~mask;
    if (this.csr.mipHardware !== before) this.interruptCheck = true;
    this.wakeIfPending();
  }

  /** WFI ends when any enabled interrupt is pending, whatever the global enables say (also for a hart not running now). */
  private wakeIfPending(): void {
    if (this.waiting && (this.pendingBits() & this.csr.mie) !== 0) this.waiting = false;
  }

  setHvip(value: number): void {
    this.h.hvip = value;
    this.interruptCheck = true;
    this.wakeIfPending();
  }

  setHgatp(value: bigint): void {
    // VMID is 14 bits; the root of an Sv39x4 table is 16 KiB aligned.
    this.h.hgatp = value & ((0xfn << 60n) | (0x3fffn << 44n) | (((1n << 44n) - 1n) & ~3n));
    this.tlb.flush();
    this.tlb.contextChanged();
  }

  setVsatp(value: bigint): void {
    this.h.vsatp = BigInt.asUintN(64, value) & ((0xfn << 60n) | (0xffffn << 44n) | ((1n << 44n) - 1n));
    this.tlb.flush();
    this.tlb.contextChanged();
  }

  setVsstatus(value: number): void {
    const changed = value ^ this.h.vsstatus;
    this.h.vsstatus = value;
    if (changed & (mstatusBits.SUM | mstatusBits.MXR)) this.tlb.contextChanged();
    if (changed & mstatusBits.SIE) this.interruptCheck = true;
  }

  setHenvcfg(value: bigint): void {
    this.h.henvcfg = value;
    this.updateSupervisorTimer();
  }

  setVstimecmp(value: bigint): void {
    this.h.vstimecmp = BigInt.asUintN(64, value);
    this.updateSupervisorTimer();
  }

  setHtimedelta(value: bigint): void {
    this.h.htimedelta = BigInt.asUintN(64, value);
    this.updateSupervisorTimer();
  }

  setSatp(value: bigint): void {
    const mode = BigInt.asUintN(64, value) >> 60n;
    // WARL: only Bare (0) and Sv39 (8) are implemented; other modes leave satp unchanged.
    if (mode !== 0n && mode !== 8n) return;
    this.csr.satp = BigInt.asUintN(64, value) & ((0xfn << 60n) | (0xffffn << 44n) | ((1n << 44n) - 1n));
    // As QEMU: a satp write forgets every cached translation.
    this.tlb.flush();
    this.tlb.contextChanged();
  }

  /**
   * The monitor switches between its shadow roots: each root is its own
   * context in the TLB, and the monitor flushes when it changes a shadow,
   * so switching needs no flush.
   */
  switchTranslation(satp: bigint): void {
    this.csr.satp = satp;
    this.tlb.contextChanged();
  }

  setMenvcfg(value: bigint): void {
    this.csr.menvcfg = value;
    if ((value & menvcfgBits.STCE) === 0n) this.setPendingFromHardware(mip.STIP | mip.VSTIP, false);
    else this.csr.mipSoftware &= ~mip.STIP;
    this.updateSupervisorTimer();
  }

  setStimecmp(value: bigint): void {
    this.csr.stimecmp = BigInt.asUintN(64, value);
    this.updateSupervisorTimer();
  }

  /** Sstc: STIP (and, with H, VSTIP) from stimecmp/vstimecmp (sstc.ts). */
  updateSupervisorTimer(): void {
    updateSstcLines(this);
  }

  /** mtime value at which STIP or VSTIP will rise, when Sstc is active and it has not yet. */
  supervisorTimerDeadline(): bigint | undefined {
    return sstcDeadline(this);
  }

  mcycle(): bigint {
    return this.csr.mcycle.read(this.cycles);
  }

  minstret(): bigint {
    return this.csr.minstret.read(this.instret);
  }

  /** Debugger view of a CSR: no privilege check, no side effects. */
  readCsr(address: number): bigint | undefined {
    const row = csrRows[address];
    return row ? BigInt.asUintN(64, row.read(this)) : undefined;
  }

  /**
   * For handlers of instructions that trap without touching memory
   * (illegal CSR accesses, ECALL, EBREAK …): takes the trap at once instead
   * of throwing, which costs V8 far more than the trap itself — and a
   * monitor's exits are exactly these traps. Returns true: the pc is
   * written. The instruction does not retire; the caller's count is undone.
   */
  raise(cause: number, tval: bigint): true {
    const held = this.debug !== undefined && this.debug.holdTrap(this, cause, false, tval);
    this.instret--;
    if (held) return true;
    this.otherCycles++;
    this.takeTrap(cause, false, tval);
    return true;
  }
}
