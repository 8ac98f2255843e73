/**
 * Mode `hardware-assisted`: the hart's H extension runs the guest in VS/VU
 * mode with its own copies of the supervisor CSRs, so its privileged
 * instructions, its traps and its interrupts stay inside the guest. The
 * monitor sits where HS-mode software would and sees only what the
 * hardware cannot do alone: SBI calls (ECALL from VS), guest-page faults on
 * the nested tables (filled lazily, or MMIO), virtual instruction
 * exceptions, and its own timer and external-interrupt lines, whose events
 * it injects into the guest through hvip.
 */
import { PC, type Hart, type TrapInterceptor } from "../hart/hart";
import { Access } from "../hart/mmu";
import { Exception, Interrupt, mip } from "../hart/trap";
import { menvcfgBits } from "../hart/csr-state";
import { decode32 } from "../isa/decoder";
import { ExitDisassembly } from "./exit-disassembly";
import { handleSbiCall } from "./sbi/sbi";
import { completeHypercall, createSbiHost } from "./hypercalls";
import { resumeFromSuspend } from "./sbi/hsm";
import type { SbiHost } from "./sbi/sbi-host";
import { VirtualCpu } from "./vcpu";
import type { ExitLog } from "./exit-log";
import type { ExitReason, ExitRecord } from "./exit-record";
import type { GuestPhysicalMap } from "./guest-physical-map";
import type { MonitorBoard } from "./monitor";
import { NestedPageTables } from "./nested-page-tables";
import { performDeviceAccess, refusedAccessFault } from "./mmio-emulation";

/** Guest exceptions the hardware delivers straight to VS-mode (medeleg and hedeleg). */
const guestExceptions = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15].reduce((mask, cause) => mask | (1 << cause), 0);
const virtualInterrupts = mip.VSSIP | mip.VSTIP | mip.VSEIP;
const never = 0xffff_ffff_ffff_ffffn;
const guestPageFaultAccess: Record<number, Access> = {
  [Exception.instructionGuestPageFault]: Access.Fetch,
  [Exception.loadGuestPageFault]: Access.Read,
  [Exception.storeGuestPageFault]: Access.Write,
};
const hex = (value: bigint): string => `0x${BigInt.asUintN(64, value).toString(16)}`;

type Partial = Omit<ExitRecord, "sequence">;

export class HardwareAssistedMonitor implements TrapInterceptor {
  readonly vcpus: VirtualCpu[];
  readonly nested: NestedPageTables;
  readonly sbiHost: SbiHost;
  private readonly disassemblies = new ExitDisassembly();

  constructor(
    readonly board: MonitorBoard,
    readonly map: GuestPhysicalMap,
    readonly exits: ExitLog,
  ) {
    this.vcpus = board.harts.map((hart) => new VirtualCpu(hart.hartId, hart.hartId === 0));
    this.nested = new NestedPageTables(board.bus, map, map.monitorRegion);
    this.sbiHost = this.createSbiHost();
  }

  start(entry: bigint, deviceTree: bigint): void {
    for (const hart of this.board.harts) {
      hart.monitor = this;
      const vcpu = this.vcpus[hart.hartId];
      // No guest deadline yet (as the trap-and-emulate vCPU's stimecmp): vstimecmp's reset value 0 would be "already due".
      hart.setVstimecmp(never);
      if (vcpu.state === "started") {
        this.enterGuest(hart, vcpu, entry, BigInt(hart.hartId), deviceTree);
      } else {
        hart.setMie(0);
        hart.waiting = true;
      }
    }
  }

  /** The monitor forgets its nested mappings (machine reset): they are rebuilt on demand. */
  flushTranslations(): void {
    for (const hart of this.board.harts) hart.tlb.flush();
  }

  private configureHart(hart: Hart): void {
    hart.csr.medeleg = guestExceptions;
    hart.h.hedeleg = guestExceptions;
    hart.setMideleg(0);
    hart.h.hideleg = virtualInterrupts;
    hart.csr.mcounteren = 0b111;
    hart.h.hcounteren = 0b111;
    // The monitor's own lines; the VS-level enables (vsie) are the guest's: clear at boot and after hart_stop, kept
    // across a non-retentive suspend, whose wake-up they decide.
    hart.setMie(mip.MTIP | mip.SEIP | mip.MSIP | (hart.csr.mie & virtualInterrupts));
    hart.setHgatp(this.nested.hgatp());
    this.board.clint.write(0x4000 + 8 * hart.hartId, 8, never);
    // Sstc for VS-mode, as the guest's ISA string says: its stimecmp is vstimecmp and the hart raises VSTIP, no exits.
    // The monitor keeps no HS-level deadline of its own, so its stimecmp never fires.
    hart.setStimecmp(never);
    hart.setMenvcfg(hart.csr.menvcfg | menvcfgBits.STCE);
    hart.setHenvcfg(hart.h.henvcfg | menvcfgBits.STCE);
  }

  enterGuest(hart: Hart, vcpu: VirtualCpu, entry: bigint, a0: bigint, a1: bigint): void {
    this.configureHart(hart);
    vcpu.state = "started";
    hart.setVsstatus(0);
    hart.setVsatp(0n);
    hart.x[10] = a0;
    hart.x[11] = a1;
    hart.pc = entry;
    hart.setPrivilege(1, true);
    hart.waiting = false;
  }

  // ---- exits -----------------------------------------------------------

  trap(hart: Hart, cause: number, interrupt: boolean, tval: bigint, tval2 = 0n): void {
    const started = process.hrtime.bigint();
    const vcpu = this.vcpus[hart.hartId];
    const record = interrupt ? this.interrupt(hart, vcpu, cause) : this.exception(hart, vcpu, cause, tval, tval2);
    this.resyncExternalLine(hart);
    if (vcpu.state === "suspended") this.continueSuspend(hart, vcpu);
    if (record) {
      this.exits.record(record);
      this.exits.addHostTime(record.reason, Number(process.hrtime.bigint() - started), record.detail);
    }
  }

  private base(hart: Hart, vcpu: VirtualCpu, reason: ExitReason, detail: string, handling: string, cost: number, instruction?: ReturnType<typeof decode32>): Partial {
    const pc = hart.pc;
    return { vcpu: vcpu.hartId, instret: hart.instret, reason, detail, pc, instruction: instruction?.raw, disassembly: instruction && this.disassemblies.of(instruction, pc), handling, cost };
  }

  private interrupt(hart: Hart, vcpu: VirtualCpu, cause: number): Partial | undefined {
    switch (cause) {
      case Interrupt.machineTimer:
        this.board.clint.write(0x4000 + 8 * hart.hartId, 8, never);
        hart.setHvip(hart.h.hvip | mip.VSTIP);
        return this.base(hart, vcpu, "timer", "supervisor timer", "hvip.VSTIP set", 1);
      case Interrupt.supervisorExternal:
        // The PLIC's S-context line is the guest's: injected through hvip until the guest has claimed.
        hart.setHvip(hart.h.hvip | mip.VSEIP);
        hart.setMie(hart.csr.mie & ~mip.SEIP);
        return this.base(hart, vcpu, "external-interrupt", "supervisor external", "hvip.VSEIP set", 1);
      case Interrupt.machineSoftware:
        this.board.clint.write(4 * hart.hartId, 4, 0n);
        return this.base(hart, vcpu, "interrupt-injected", "ipi", "hvip.VSSIP pending", 1);
      default:
        return undefined;
    }
  }

  /** SBI HSM suspend: as WFI, the hart sleeps until a VS interrupt the guest enables is pending (then the hardware wakes it). */
  private continueSuspend(hart: Hart, vcpu: VirtualCpu): void {
    if ((hart.pendingBits() & hart.csr.mie & virtualInterrupts) !== 0) resumeFromSuspend(vcpu);
    else hart.waiting = true;
  }

  private resyncExternalLine(hart: Hart): void {
    if ((hart.csr.mipHardware & mip.SEIP) === 0 && (hart.h.hvip & mip.VSEIP) !== 0) {
      hart.setHvip(hart.h.hvip & ~mip.VSEIP);
      hart.setMie(hart.csr.mie | mip.SEIP);
    }
  }

  private exception(hart: Hart, vcpu: VirtualCpu, cause: number, tval: bigint, tval2: bigint): Partial {
    switch (cause) {
      case Exception.environmentCallFromVS:
        return this.hypercall(hart, vcpu);
      case Exception.instructionGuestPageFault:
      case Exception.loadGuestPageFault:
      case Exception.storeGuestPageFault:
        return this.guestPageFault(hart, vcpu, cause, tval, (tval2 << 2n) | (tval & 3n));
      default: {
        // A virtual instruction (an HS-only CSR or instruction) or anything else the guest may not do: it sees an illegal instruction.
        const record = this.base(hart, vcpu, "illegal-instruction-injected", cause === Exception.virtualInstruction ? "virtual instruction" : `cause ${cause}`, "scause=2 → vstvec", 1);
        hart.takeTrap(Exception.illegalInstruction, false, cause === Exception.virtualInstruction ? tval : 0n);
        return record;
      }
    }
  }

  private hypercall(hart: Hart, vcpu: VirtualCpu): Partial {
    const x = hart.x;
    const record = this.base(hart, vcpu, "sbi", "", "", 1, decode32(0x00000073));
    const result = handleSbiCall(this.sbiHost, vcpu, { a0: x[10], a1: x[11], a2: x[12], a3: x[13], a4: x[14], a5: x[15], a6: x[16], a7: x[17] });
    completeHypercall(hart, result);
    record.detail = result.name;
    record.handling = result.summary;
    return record;
  }

  private guestPageFault(hart: Hart, vcpu: VirtualCpu, cause: number, tval: bigint, gpa: bigint): Partial {
    const fill = this.nested.fill(gpa);
    if (fill) {
      hart.tlb.flush();
      return this.base(hart, vcpu, "nested-fill", cause === Exception.instructionGuestPageFault ? "fetch" : cause === Exception.loadGuestPageFault ? "load" : "store", `G-stage PTE ${hex(fill.gpa)} → ${hex(fill.hpa)} urwx`, fill.writes);
    }
    return this.mmio(hart, vcpu, gpa, guestPageFaultAccess[cause], tval);
  }

  /**
   * Device access: the faulting instruction is the one the hart just
   * fetched, so it is read back through the hart's fetch TLB (a hit, with
   * the same decoded instruction the hart executed) rather than by two
   * fresh two-stage walks per exit; performed on the device, stepped over.
   */
  private mmio(hart: Hart, vcpu: VirtualCpu, gpa: bigint, access: Access, tval: bigint): Partial {
    const pc = hart.pc;
    const instruction = access === Access.Fetch ? undefined : hart.tlb.fetch(hart.r32[PC * 2], hart.r32[PC * 2 + 1]);
    const done = performDeviceAccess(this.board, hart, instruction, gpa);
    if (done) {
      const record = this.base(hart, vcpu, done.reason, done.detail, done.handling, 4, instruction);
      record.pc = pc;
      return record;
    }
    const region = this.board.bus.findRegion(gpa);
    const record = this.base(hart, vcpu, "exception-injected", region ? region.device.name : "unmapped", `access fault at gpa ${hex(gpa)} → vstvec`, 2, instruction);
    hart.takeTrap(refusedAccessFault(access), false, tval, 0n, true);
    return record;
  }

  // ---- SBI -------------------------------------------------------------

  /** Hardware-assisted's side: timer and IPIs injected through hvip, fences flush the hart's TLB. */
  private createSbiHost(): SbiHost {
    const harts = this.board.harts;
    const guestRam = (gpa: bigint, length: number) => (this.map.isRam(gpa, BigInt(length)) ? this.map.toHost(gpa) : undefined);
    return createSbiHost(this.board, this.vcpus, {
      setTimer: (vcpu, deadline) => {
        // As OpenSBI (and KVM) with Sstc: set_timer writes the guest's stimecmp, vstimecmp; VSTIP follows it.
        const hart = harts[vcpu.hartId];
        hart.setHvip(hart.h.hvip & ~mip.VSTIP);
        hart.setVstimecmp(deadline);
      },
      raiseSoftwareInterrupt: (hartId) => harts[hartId].setHvip(harts[hartId].h.hvip | mip.VSSIP),
      fence: (hartId) => harts[hartId].tlb.flush(),
      enterGuest: (hartId, startAddress, opaque) => this.enterGuest(harts[hartId], this.vcpus[hartId], startAddress, BigInt(hartId), opaque),
      readGuestPhysical: (gpa, length) => {
        const hpa = guestRam(gpa, length);
        return hpa === undefined ? undefined : this.board.bus.readBytes(hpa, length);
      },
      writeGuestPhysical: (gpa, bytes) => {
        const hpa = guestRam(gpa, bytes.length);
        return hpa !== undefined && this.board.bus.writeBytes(hpa, bytes);
      },
    });
  }
}
