/**
 * The monitor: TypeScript that owns the machine's most privileged level.
 * In trap-and-emulate mode the guest kernel runs in real U-mode; every trap
 * it causes arrives here (RVirt's trap.rs), is classified as a VM exit,
 * handled — emulated against the vCPU, served as a hypercall, filled into
 * the shadow page tables, forwarded to a device, or injected into the guest
 * as the trap hardware would have delivered — and logged.
 */
import type { Hart, TrapInterceptor } from "../hart/hart";
import type { Bus } from "../bus/bus";
import type { Clint } from "../devices/clint";
import type { Device } from "../bus/device";
import { Exception, Interrupt, mip } from "../hart/trap";
import { Access } from "../hart/mmu";
import { decode16, decode32 } from "../isa/decoder";
import type { Decoded } from "../isa/decoded";
import { ExitDisassembly } from "./exit-disassembly";
import { VirtualCpu, virtualStatus } from "./vcpu";
import type { GuestPhysicalMap } from "./guest-physical-map";
import { GuestMemory } from "./guest-memory";
import { ExitLog } from "./exit-log";
import type { ExitReason, ExitRecord } from "./exit-record";
import type { ShadowPageTables } from "./shadow/shadow-page-tables";
import { emulatePrivileged, type Emulation } from "./emulate-privileged";
import { emulateMmio } from "./mmio-emulation";
import { serveHypercall, sbiHostFor } from "./hypercalls";
import type { SbiHost } from "./sbi/sbi-host";
import { resumeFromSuspend } from "./sbi/hsm";

/** What the monitor needs of the board. */
export interface MonitorBoard {
  readonly harts: Hart[];
  readonly bus: Bus;
  readonly clint: Clint;
  /** Devices that belong to the monitor, never to the guest (the CLINT, the power switch). */
  readonly privateDevices: ReadonlySet<Device>;
  powerOff(code: number, source: string): void;
  reset(source: string): void;
  consoleWrite(bytes: Uint8Array): void;
  consoleRead(max: number): Uint8Array;
}

const pageFaultAccess: Record<number, Access> = {
  [Exception.instructionPageFault]: Access.Fetch,
  [Exception.loadPageFault]: Access.Read,
  [Exception.storePageFault]: Access.Write,
};

/** Exceptions the guest caused that are the guest kernel's business: reflected to it unchanged. */
const reflected = new Set<number>([
  Exception.instructionAddressMisaligned,
  Exception.instructionAccessFault,
  Exception.breakpoint,
  Exception.loadAddressMisaligned,
  Exception.loadAccessFault,
  Exception.storeAddressMisaligned,
  Exception.storeAccessFault,
]);

export class Monitor implements TrapInterceptor {
  readonly vcpus: VirtualCpu[];
  readonly memory: GuestMemory;
  readonly sbiHost: SbiHost;
  /** Invariant checks after every exit (a debug option; tests turn it on). */
  checkAfterExit: ((monitor: Monitor, hartId: number) => void) | undefined;

  constructor(
    readonly board: MonitorBoard,
    readonly map: GuestPhysicalMap,
    readonly shadow: ShadowPageTables,
    readonly exits: ExitLog,
  ) {
    this.vcpus = board.harts.map((hart) => new VirtualCpu(hart.hartId, hart.hartId === 0));
    this.memory = new GuestMemory(board.bus, map);
    this.sbiHost = sbiHostFor(this);
  }

  /** The shadows are dropped (machine reset): they are rebuilt on demand. */
  flushTranslations(): void {
    this.shadow.flushAll();
  }

  /** Enters the guest kernel in virtual S-mode: a0 = hart id, a1 = device tree (guest-physical). */
  start(entry: bigint, deviceTree: bigint): void {
    for (const hart of this.board.harts) {
      hart.monitor = this;
      const vcpu = this.vcpus[hart.hartId];
      if (vcpu.state === "started") {
        this.enterGuest(hart, vcpu, entry, BigInt(hart.hartId), deviceTree);
      } else {
        // A stopped vCPU's hart sleeps with nothing to wake it until SBI HSM starts it.
        hart.setMie(0);
        hart.waiting = true;
      }
    }
  }

  /** The physical hart's setup while it runs a guest: U-mode, no delegation, the monitor's interrupts enabled. */
  private configureHart(hart: Hart): void {
    hart.csr.medeleg = 0;
    hart.setMideleg(0);
    hart.csr.mcounteren = 0b111;
    // The monitor takes the machine timer (the guest's virtual timer) and the PLIC's S-context line (the guest's external interrupts).
    hart.setMie(mip.MTIP | mip.SEIP | mip.MSIP);
    this.board.clint.write(0x4000 + 8 * hart.hartId, 8, 0xffff_ffff_ffff_ffffn);
  }

  /** Starts a vCPU at `entry` in virtual S-mode (boot, SBI HSM hart_start). */
  enterGuest(hart: Hart, vcpu: VirtualCpu, entry: bigint, a0: bigint, a1: bigint): void {
    this.configureHart(hart);
    vcpu.priv = 1;
    vcpu.state = "started";
    vcpu.csr.sstatus = 0;
    vcpu.csr.satp = 0n;
    hart.x[10] = a0;
    hart.x[11] = a1;
    hart.pc = entry;
    hart.setPrivilege(0);
    hart.waiting = false;
    this.applyContext(hart, vcpu);
    // The comparator was reset above; a deadline the vCPU armed earlier (non-retentive suspend) still stands.
    this.programTimer(hart, vcpu);
  }

  // ---- the exit path -----------------------------------------------------

  trap(hart: Hart, cause: number, interrupt: boolean, tval: bigint, _tval2?: bigint): void {
    const started = process.hrtime.bigint();
    const vcpu = this.vcpus[hart.hartId];
    const references = this.memory.references;
    let record: Omit<ExitRecord, "sequence"> | undefined;
    if (interrupt) record = this.interrupt(hart, vcpu, cause);
    else record = this.exception(hart, vcpu, cause, tval);
    this.deliverInterrupts(hart, vcpu);
    if (vcpu.state === "suspended") this.continueSuspend(hart, vcpu);
    if (record) {
      record.cost += this.memory.references - references;
      this.exits.record(record);
      this.exits.addHostTime(record.reason, Number(process.hrtime.bigint() - started), record.detail);
    }
    this.checkAfterExit?.(this, hart.hartId);
  }

  private base(hart: Hart, vcpu: VirtualCpu, reason: ExitReason, detail: string, handling: string, cost: number, instruction?: Decoded) {
    const pc = hart.pc;
    return {
      vcpu: vcpu.hartId,
      instret: hart.instret,
      reason,
      detail,
      pc,
      instruction: instruction?.raw,
      disassembly: instruction ? this.disassembly(instruction, pc) : undefined,
      handling,
      cost,
    };
  }

  private readonly disassemblies = new ExitDisassembly();

  disassembly(instruction: Decoded, pc: bigint): string {
    return this.disassemblies.of(instruction, pc);
  }

  private exception(hart: Hart, vcpu: VirtualCpu, cause: number, tval: bigint): Omit<ExitRecord, "sequence"> {
    switch (cause) {
      case Exception.illegalInstruction:
        return this.illegalInstruction(hart, vcpu, Number(tval & 0xffff_ffffn));
      case Exception.environmentCallFromU:
        if (vcpu.priv === 1) return this.hypercall(hart, vcpu);
        return this.inject(hart, vcpu, cause, 0n, "exception-injected", "ecall from U-mode");
      case Exception.instructionPageFault:
      case Exception.loadPageFault:
      case Exception.storePageFault:
        return this.pageFault(hart, vcpu, cause, tval);
      default:
        if (reflected.has(cause)) return this.inject(hart, vcpu, cause, tval, "exception-injected", `cause ${cause}`);
        return this.inject(hart, vcpu, Exception.illegalInstruction, 0n, "illegal-instruction-injected", `unexpected cause ${cause}`);
    }
  }

  /** Decoded trapping instructions by word: the same few trap over and over. */
  private readonly decodedTraps = new Map<number, Decoded>();

  /** The instruction word decoded, from a cache: privileged and device-accessing instructions repeat (also for mmio-emulation.ts). */
  decodeTrapping(bits: number): Decoded {
    let instruction = this.decodedTraps.get(bits);
    if (!instruction) {
      instruction = (bits & 3) === 3 ? decode32(bits) : decode16(bits);
      if (this.decodedTraps.size >= 4096) this.decodedTraps.clear();
      this.decodedTraps.set(bits, instruction);
    }
    return instruction;
  }

  private illegalInstruction(hart: Hart, vcpu: VirtualCpu, bits: number): Omit<ExitRecord, "sequence"> {
    const instruction = this.decodeTrapping(bits);
    const emulation: Emulation | undefined = vcpu.priv === 1 ? emulatePrivileged(this, hart, vcpu, instruction) : undefined;
    if (!emulation) {
      const record = this.base(hart, vcpu, "illegal-instruction-injected", instruction.name, "", 1, instruction);
      this.injectTrap(hart, vcpu, Exception.illegalInstruction, false, BigInt(bits >>> 0));
      record.handling = `scause=2 stval=0x${(bits >>> 0).toString(16)} → stvec`;
      return record;
    }
    const record = this.base(hart, vcpu, emulation.reason, emulation.detail, emulation.handling, 1, instruction);
    emulation.apply();
    return record;
  }

  private hypercall(hart: Hart, vcpu: VirtualCpu): Omit<ExitRecord, "sequence"> {
    const instruction = decode32(0x00000073);
    const record = this.base(hart, vcpu, "sbi", "", "", 1, instruction);
    const result = serveHypercall(this, hart, vcpu);
    record.detail = result.name;
    record.handling = result.summary;
    return record;
  }

  private pageFault(hart: Hart, vcpu: VirtualCpu, cause: number, tval: bigint): Omit<ExitRecord, "sequence"> {
    const access = pageFaultAccess[cause];
    const outcome = this.shadow.handleFault(this.context(vcpu), tval, access);
    switch (outcome.kind) {
      case "hidden":
        return this.base(hart, vcpu, "shadow-fill", faultName(cause), describeFill(outcome.created), outcome.cost);
      case "true": {
        const record = this.base(hart, vcpu, "guest-page-fault", faultName(cause), "", outcome.cost);
        this.injectTrap(hart, vcpu, outcome.cause, false, tval);
        record.handling = `${outcome.reason}: scause=${outcome.cause} stval=0x${BigInt.asUintN(64, tval).toString(16)} → stvec`;
        return record;
      }
      case "access-fault": {
        const record = this.base(hart, vcpu, "exception-injected", faultName(outcome.cause), "", outcome.cost);
        this.injectTrap(hart, vcpu, outcome.cause, false, tval);
        record.handling = `scause=${outcome.cause} stval=0x${BigInt.asUintN(64, tval).toString(16)} → stvec`;
        return record;
      }
      case "mmio":
        return emulateMmio(this, hart, vcpu, outcome.gpa, access, outcome.cost, tval);
    }
  }

  private interrupt(hart: Hart, vcpu: VirtualCpu, cause: number): Omit<ExitRecord, "sequence"> | undefined {
    if (cause === Interrupt.machineTimer) {
      // The guest's timer deadline passed: make it pending for the guest and silence the physical timer.
      this.board.clint.write(0x4000 + 8 * hart.hartId, 8, 0xffff_ffff_ffff_ffffn);
      vcpu.csr.sip |= mip.STIP;
      return this.base(hart, vcpu, "timer", "supervisor timer", "sip.STIP set", 1);
    }
    if (cause === Interrupt.machineSoftware) {
      // Another vCPU sent this one an IPI (SBI): its SSIP is already set; the exit lets it be delivered.
      this.board.clint.write(4 * hart.hartId, 4, 0n);
      return this.base(hart, vcpu, "interrupt-injected", "ipi", "sip.SSIP pending", 1);
    }
    if (cause === Interrupt.supervisorExternal) {
      // The PLIC's S-context line is the guest's: mirror it, and stop listening until the guest has claimed.
      vcpu.csr.sip |= mip.SEIP;
      hart.setMie(hart.csr.mie & ~mip.SEIP);
      return this.base(hart, vcpu, "external-interrupt", "supervisor external", "sip.SEIP set", 1);
    }
    return undefined;
  }

  // ---- guest state -------------------------------------------------------

  context(vcpu: VirtualCpu) {
    return {
      satp: vcpu.csr.satp,
      privilege: vcpu.priv,
      sum: (vcpu.csr.sstatus & virtualStatus.SUM) !== 0,
      mxr: (vcpu.csr.sstatus & virtualStatus.MXR) !== 0,
    };
  }

  /** Points the hart at the shadow root for the vCPU's current context and sets what U-mode may read. */
  applyContext(hart: Hart, vcpu: VirtualCpu): void {
    const root = this.shadow.rootFor(this.context(vcpu));
    const satp = (8n << 60n) | (root >> 12n);
    if (hart.csr.satp !== satp) hart.switchTranslation(satp);
    // Counters the guest kernel may read without exiting; guest user code gets what its kernel allows.
    hart.csr.scounteren = vcpu.priv === 1 ? 0b111 : vcpu.csr.scounteren & 0b111;
  }

  /** Guest trap entry, as hardware would do it for a trap taken into S-mode (privileged spec 4.1.1). */
  injectTrap(hart: Hart, vcpu: VirtualCpu, cause: number, interrupt: boolean, tval: bigint): void {
    const csr = vcpu.csr;
    csr.sepc = hart.pc;
    csr.scause = interrupt ? (1n << 63n) | BigInt(cause) : BigInt(cause);
    csr.stval = tval;
    let status = csr.sstatus;
    status = (status & ~virtualStatus.SPIE) | (status & virtualStatus.SIE ? virtualStatus.SPIE : 0);
    status &= ~virtualStatus.SIE;
    status = (status & ~virtualStatus.SPP) | (vcpu.priv === 1 ? virtualStatus.SPP : 0);
    csr.sstatus = status;
    vcpu.priv = 1;
    vcpu.waiting = false;
    const base = csr.stvec & ~3n;
    hart.pc = interrupt && (csr.stvec & 3n) === 1n ? base + 4n * BigInt(cause) : base;
    hart.waiting = false;
    this.applyContext(hart, vcpu);
  }

  private inject(hart: Hart, vcpu: VirtualCpu, cause: number, tval: bigint, reason: ExitReason, detail: string): Omit<ExitRecord, "sequence"> {
    const record = this.base(hart, vcpu, reason, detail, `scause=${cause} stval=0x${BigInt.asUintN(64, tval).toString(16)} → stvec`, 1);
    this.injectTrap(hart, vcpu, cause, false, tval);
    return record;
  }

  /** The guest's highest-priority pending and enabled interrupt (SEI > SSI > STI), or -1. */
  pendingVirtualInterrupt(vcpu: VirtualCpu): number {
    const pending = vcpu.csr.sip & vcpu.csr.sie;
    if (pending === 0) return -1;
    if (vcpu.priv === 1 && (vcpu.csr.sstatus & virtualStatus.SIE) === 0) return -1;
    for (const cause of [Interrupt.supervisorExternal, Interrupt.supervisorSoftware, Interrupt.supervisorTimer]) {
      if (pending & (1 << cause)) return cause;
    }
    return -1;
  }

  /** After every exit: the guest's external line re-armed, timers reprogrammed, a pending interrupt injected. */
  deliverInterrupts(hart: Hart, vcpu: VirtualCpu): void {
    if ((hart.csr.mipHardware & mip.SEIP) === 0) {
      vcpu.csr.sip &= ~mip.SEIP;
      hart.setMie(hart.csr.mie | mip.SEIP);
    }
    const cause = this.pendingVirtualInterrupt(vcpu);
    if (cause < 0) return;
    const pc = hart.pc;
    this.injectTrap(hart, vcpu, cause, true, 0n);
    this.exits.record({
      vcpu: vcpu.hartId,
      instret: hart.instret,
      reason: "interrupt-injected",
      detail: interruptName(cause),
      pc,
      handling: `scause=0x${((1n << 63n) | BigInt(cause)).toString(16)} → 0x${hart.pc.toString(16)}`,
      cost: 1,
    });
  }

  /** SBI HSM suspend: as WFI, the vCPU wakes once an interrupt it enables is pending; until then its hart sleeps. */
  private continueSuspend(hart: Hart, vcpu: VirtualCpu): void {
    if ((vcpu.csr.sip & vcpu.csr.sie) !== 0) resumeFromSuspend(vcpu);
    else hart.waiting = true;
  }

  /**
   * The guest's timer: its stimecmp (SBI set_timer writes it too),
   * programmed into the monitor's CLINT comparator. As Sstc: STIP is
   * time >= stimecmp, so a later deadline is what clears it.
   */
  programTimer(hart: Hart, vcpu: VirtualCpu): void {
    const deadline = vcpu.csr.stimecmp;
    if (this.board.clint.mtime() >= deadline) {
      vcpu.csr.sip |= mip.STIP;
      this.board.clint.write(0x4000 + 8 * hart.hartId, 8, 0xffff_ffff_ffff_ffffn);
    } else {
      vcpu.csr.sip &= ~mip.STIP;
      this.board.clint.write(0x4000 + 8 * hart.hartId, 8, deadline);
    }
  }
}

function faultName(cause: number): string {
  return cause === Exception.instructionPageFault ? "fetch" : cause === Exception.loadPageFault ? "load" : cause === Exception.storePageFault ? "store" : `cause ${cause}`;
}

function interruptName(cause: number): string {
  return cause === Interrupt.supervisorExternal ? "supervisor external" : cause === Interrupt.supervisorSoftware ? "supervisor software" : "supervisor timer";
}

function describeFill(fill: { va: bigint; gpa: bigint; hpa: bigint; permissions: string }): string {
  const hex = (value: bigint) => `0x${value.toString(16)}`;
  return `shadow PTE ${hex(fill.va)} → ${hex(fill.hpa)} (gpa ${hex(fill.gpa)}) ${fill.permissions}`;
}
