/**
 * Hypercalls: an ECALL from the guest kernel is an SBI call that the
 * monitor serves itself (no firmware runs under trap-and-emulate). This
 * file is the monitor's side of the SBI host interface; the SBI extensions
 * themselves are a table in ./sbi.
 */
import type { Hart } from "../hart/hart";
import { mip } from "../hart/trap";
import { handleSbiCall } from "./sbi/sbi";
import type { SbiHost, RemoteFenceKind } from "./sbi/sbi-host";
import type { Monitor } from "./monitor";
import type { VirtualCpu } from "./vcpu";

/** The SBI host interface over a monitor. */
export function sbiHostFor(monitor: Monitor): SbiHost {
  const board = monitor.board;
  return {
    hartCount: board.harts.length,
    vcpu: (hartId) => monitor.vcpus[hartId],
    mtime: () => board.clint.mtime(),
    setTimer: (vcpu, deadline) => {
      vcpu.sbiTimer = BigInt.asUintN(64, deadline);
      monitor.programTimer(board.harts[vcpu.hartId], vcpu);
    },
    sendSoftwareInterrupt: (hartIds) => {
      for (const id of hartIds) {
        monitor.vcpus[id].csr.sip |= mip.SSIP;
        // Another hart learns of it at its next exit: a machine software interrupt forces one.
        board.clint.write(4 * id, 4, 1n);
      }
    },
    remoteFence: (hartIds, kind: RemoteFenceKind, start, size, asid) => {
      // Stores to code are detected exactly, so FENCE.I needs nothing; the sfence kinds drop shadow entries.
      if (kind === "fence.i") return;
      const whole = size === 0xffff_ffff_ffff_ffffn || size > 1n << 39n;
      for (const id of hartIds) {
        if (whole) monitor.shadow.onSfenceVma(undefined, kind === "sfence.vma.asid" ? asid : undefined);
        else for (let page = start & ~0xfffn; page < start + size; page += 0x1000n) monitor.shadow.onSfenceVma(page, kind === "sfence.vma.asid" ? asid : undefined);
        const hart = board.harts[id];
        monitor.applyContext(hart, monitor.vcpus[id]);
      }
    },
    hartStart: (hartId, startAddress, opaque) => {
      const hart = board.harts[hartId];
      monitor.enterGuest(hart, monitor.vcpus[hartId], startAddress, BigInt(hartId), opaque);
      return 0;
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
    readGuestPhysical: (gpa, length) => monitor.memory.readBytes(gpa, length),
    writeGuestPhysical: (gpa, bytes) => monitor.memory.writeBytes(gpa, bytes),
  };
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
  x[10] = BigInt.asIntN(64, result.error);
  if (!result.legacy) x[11] = BigInt.asIntN(64, result.value);
  hart.pc = hart.pc + 4n;
  return { name: result.name, summary: result.summary };
}
