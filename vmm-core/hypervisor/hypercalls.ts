/**
 * Hypercalls: an ECALL from the guest kernel is an SBI call that the
 * monitor serves itself (no firmware runs under trap-and-emulate). This
 * file is the monitor's side of the SBI host interface; the SBI extensions
 * themselves are a table in ./sbi.
 */
import type { Hart } from "../hart/hart";
import { mip } from "../hart/trap";
import { handleSbiCall, type SbiResult } from "./sbi/sbi";
import type { SbiHost, RemoteFenceKind } from "./sbi/sbi-host";
import type { Monitor, MonitorBoard } from "./monitor";
import type { VirtualCpu } from "./vcpu";
import { resumeFromSuspend } from "./sbi/hsm";

/** What differs between the two monitors when they serve SBI: how a vCPU's timer, IPIs, fences and start work. */
export interface HypercallStrategy {
  setTimer(vcpu: VirtualCpu, deadline: bigint): void;
  raiseSoftwareInterrupt(hartId: number): void;
  fence(hartId: number, kind: RemoteFenceKind, start: bigint, size: bigint, asid: bigint): void;
  enterGuest(hartId: number, startAddress: bigint, opaque: bigint): void;
  readGuestPhysical(gpa: bigint, length: number): Uint8Array | undefined;
  writeGuestPhysical(gpa: bigint, bytes: Uint8Array): boolean;
}

/** The SBI host interface over a monitor's board and vCPUs; the mode-specific parts come from `strategy`. */
export function createSbiHost(board: MonitorBoard, vcpus: VirtualCpu[], strategy: HypercallStrategy): SbiHost {
  return {
    hartCount: board.harts.length,
    vcpu: (hartId) => {
      const vcpu = vcpus[hartId];
      // A suspended vCPU the hardware woke without an exit (hardware-assisted: VS interrupts) is running again.
      if (vcpu.state === "suspended" && !board.harts[hartId].waiting) resumeFromSuspend(vcpu);
      return vcpu;
    },
    mtime: () => board.clint.mtime(),
    setTimer: (vcpu, deadline) => strategy.setTimer(vcpu, BigInt.asUintN(64, deadline)),
    sendSoftwareInterrupt: (hartIds) => {
      for (const id of hartIds) {
        strategy.raiseSoftwareInterrupt(id);
        // Another hart learns of it at its next exit: a machine software interrupt forces one.
        board.clint.write(4 * id, 4, 1n);
      }
    },
    remoteFence: (hartIds, kind, start, size, asid) => {
      for (const id of hartIds) strategy.fence(id, kind, start, size, asid);
    },
    hartStart: (hartId, startAddress, opaque) => {
      strategy.enterGuest(hartId, startAddress, opaque);
      return 0;
    },
    hartSuspend: (vcpu, resume) => {
      // The monitor's exit path puts the hart to sleep, or resumes it at once when a wake-up is already pending.
      if (resume) strategy.enterGuest(vcpu.hartId, resume.address, resume.opaque);
      vcpu.state = "suspended";
      vcpu.waiting = true;
    },
    hartStop: (vcpu) => {
      vcpu.state = "stopped";
      const hart = board.harts[vcpu.hartId];
      hart.setMie(0);
      hart.waiting = true;
      return 0;
    },
    systemReset: (resetType, reason) => {
      if (resetType === 0) board.powerOff(reason === 1 ? 1 : 0, "SBI SRST");
      else board.reset("SBI SRST");
    },
    consoleWrite: (bytes) => board.consoleWrite(bytes),
    consoleReadAvailable: (max) => board.consoleRead(max),
    readGuestPhysical: (gpa, length) => strategy.readGuestPhysical(gpa, length),
    writeGuestPhysical: (gpa, bytes) => strategy.writeGuestPhysical(gpa, bytes),
  };
}

/** Trap-and-emulate's side: the vCPU's virtual timer and SSIP, shadow entries dropped by fences. */
export function sbiHostFor(monitor: Monitor): SbiHost {
  const board = monitor.board;
  return createSbiHost(board, monitor.vcpus, {
    setTimer: (vcpu, deadline) => {
      // With Sstc, set_timer is a write of stimecmp (OpenSBI's sbi_timer_event_start): one deadline, however armed.
      vcpu.csr.stimecmp = deadline;
      monitor.programTimer(board.harts[vcpu.hartId], vcpu);
    },
    raiseSoftwareInterrupt: (hartId) => {
      monitor.vcpus[hartId].csr.sip |= mip.SSIP;
    },
    fence: (hartId, kind, start, size, asid) => {
      // Stores to code are detected exactly, so FENCE.I needs nothing; the sfence kinds drop shadow entries.
      if (kind === "fence.i") return;
      const byAsid = kind === "sfence.vma.asid" ? asid : undefined;
      if (size === 0xffff_ffff_ffff_ffffn || size > 1n << 39n) monitor.shadow.onSfenceVma(undefined, byAsid);
      else for (let page = start & ~0xfffn; page < start + size; page += 0x1000n) monitor.shadow.onSfenceVma(page, byAsid);
      monitor.applyContext(board.harts[hartId], monitor.vcpus[hartId]);
    },
    enterGuest: (hartId, startAddress, opaque) => monitor.enterGuest(board.harts[hartId], monitor.vcpus[hartId], startAddress, BigInt(hartId), opaque),
    readGuestPhysical: (gpa, length) => monitor.memory.readBytes(gpa, length),
    writeGuestPhysical: (gpa, bytes) => monitor.memory.writeBytes(gpa, bytes),
  });
}

/** Serves the guest kernel's ECALL: arguments from a0–a7, results into a0 (and a1), pc past the ECALL. */
export function serveHypercall(monitor: Monitor, hart: Hart, vcpu: VirtualCpu): { name: string; summary: string } {
  const x = hart.x;
  const result = handleSbiCall(monitor.sbiHost, vcpu, {
    a0: x[10],
    a1: x[11],
    a2: x[12],
    a3: x[13],
    a4: x[14],
    a5: x[15],
    a6: x[16],
    a7: x[17],
  });
  completeHypercall(hart, result);
  return { name: result.name, summary: result.summary };
}

/** The SBI call's results into a0 (and a1) and the pc past the ECALL, unless the call does not return (non-retentive suspend). */
export function completeHypercall(hart: Hart, result: SbiResult): void {
  if (!result.returns) return;
  hart.x[10] = BigInt.asIntN(64, result.error);
  if (!result.legacy) hart.x[11] = BigInt.asIntN(64, result.value);
  hart.pc = hart.pc + 4n;
}
