/**
 * Trap entry with delegation (privileged spec 3.1.8, 4.1.1 and, with the
 * H extension, 8.6.4): to M, to HS through medeleg/mideleg, and on to VS
 * through hedeleg/hideleg when the trap comes from V=1. Hart.takeTrap is
 * the entry point; the debugger asks trapTarget where a trap would go
 * before it is taken.
 */
import { mstatusBits } from "./csr-state";
import { hstatusBits } from "./hypervisor-csrs";
import { Privilege, type Hart } from "./hart";

/** Where a trap taken now would go: the privilege it enters, and whether it stays virtualized (VS-mode). */
export interface TrapTarget {
  to: Privilege;
  toVirtualSupervisor: boolean;
}

export function trapTarget(hart: Hart, cause: number, interrupt: boolean): TrapTarget {
  const machineDelegation = interrupt ? hart.delegatedInterrupts() : hart.csr.medeleg;
  const toSupervisor = hart.priv <= Privilege.Supervisor && ((machineDelegation >>> cause) & 1) === 1;
  const toVirtualSupervisor = toSupervisor && hart.virt && (((interrupt ? hart.h.hideleg : hart.h.hedeleg) >>> cause) & 1) === 1;
  return { to: toSupervisor ? Privilege.Supervisor : Privilege.Machine, toVirtualSupervisor };
}

export function takeTrap(hart: Hart, cause: number, interrupt: boolean, tval: bigint, tval2 = 0n, guestVirtualAddress = false, transformedInstruction?: bigint): void {
  const from = hart.priv;
  const virt = hart.virt;
  const pc = hart.pc;
  const { to, toVirtualSupervisor } = trapTarget(hart, cause, interrupt);
  const toSupervisor = to === Privilege.Supervisor;
  hart.traps.record(cause, interrupt, pc, tval, from, to, hart.instret, virt, toVirtualSupervisor);
  hart.waiting = false;
  if (!toSupervisor && hart.monitor !== undefined) {
    // The monitor owns M-mode: the trap is handled in TypeScript, the hart's state is left as it was.
    hart.monitor.trap(hart, cause, interrupt, tval, tval2);
    hart.traps.entered(hart.pc);
    return;
  }
  if (toVirtualSupervisor) {
    enterVirtualSupervisor(hart, cause, interrupt, tval, from, pc);
    return;
  }
  const causeValue = interrupt ? (1n << 63n) | BigInt(cause) : BigInt(cause);
  let status = hart.csr.mstatus;
  let vector: bigint;
  if (toSupervisor) {
    hart.csr.sepc = pc;
    hart.csr.scause = causeValue;
    hart.csr.stval = tval;
    if (hart.hypervisorExtension) {
      let hstatus = hart.h.hstatus & ~(hstatusBits.SPV | hstatusBits.GVA);
      if (virt) hstatus = (hstatus | hstatusBits.SPV) & ~hstatusBits.SPVP | (from === Privilege.Supervisor ? hstatusBits.SPVP : 0n);
      if (guestVirtualAddress) hstatus |= hstatusBits.GVA;
      hart.h.hstatus = hstatus;
      hart.h.htval = tval2;
      hart.h.htinst = transformedInstruction ?? 0n;
    }
    status = (status & ~mstatusBits.SPIE) | ((status & mstatusBits.SIE) !== 0 ? mstatusBits.SPIE : 0);
    status &= ~mstatusBits.SIE;
    status = (status & ~mstatusBits.SPP) | (from === Privilege.Supervisor ? mstatusBits.SPP : 0);
    vector = hart.csr.stvec;
    hart.setPrivilege(Privilege.Supervisor, false);
  } else {
    hart.csr.mepc = pc;
    hart.csr.mcause = causeValue;
    hart.csr.mtval = tval;
    if (hart.hypervisorExtension) {
      hart.h.mpv = virt;
      hart.h.mgva = guestVirtualAddress;
      hart.h.mtval2 = tval2;
      // As QEMU 7.2: a pseudo-instruction for a guest-page fault taken during the VS-stage walk, otherwise 0.
      hart.h.mtinst = transformedInstruction ?? 0n;
    }
    status = (status & ~mstatusBits.MPIE) | ((status & mstatusBits.MIE) !== 0 ? mstatusBits.MPIE : 0);
    status &= ~mstatusBits.MIE;
    status = (status & ~mstatusBits.MPP) | (from << 11);
    vector = hart.csr.mtvec;
    hart.setPrivilege(Privilege.Machine, false);
  }
  hart.setMstatus(status);
  const base = vector & ~3n;
  hart.pc = interrupt && (vector & 3n) === 1n ? base + 4n * BigInt(cause) : base;
  hart.traps.entered(hart.pc);
}

/** A trap delegated through hedeleg/hideleg: VS-mode's own CSR copies, V stays 1. */
function enterVirtualSupervisor(hart: Hart, cause: number, interrupt: boolean, tval: bigint, from: number, pc: bigint): void {
  // VS-level interrupts reach VS-mode as the S-level ones (VSSI 2 → 1, VSTI 6 → 5, VSEI 10 → 9).
  const vsCause = interrupt ? cause - 1 : cause;
  const h = hart.h;
  h.vsepc = pc;
  h.vscause = interrupt ? (1n << 63n) | BigInt(vsCause) : BigInt(vsCause);
  h.vstval = tval;
  let status = h.vsstatus;
  status = (status & ~mstatusBits.SPIE) | ((status & mstatusBits.SIE) !== 0 ? mstatusBits.SPIE : 0);
  status &= ~mstatusBits.SIE;
  status = (status & ~mstatusBits.SPP) | (from === Privilege.Supervisor ? mstatusBits.SPP : 0);
  h.vsstatus = status;
  hart.setPrivilege(Privilege.Supervisor);
  const base = h.vstvec & ~3n;
  hart.pc = interrupt && (h.vstvec & 3n) === 1n ? base + 4n * BigInt(vsCause) : base;
  hart.traps.entered(hart.pc);
}
