/**
 * The privileged instructions: MRET, SRET, WFI and SFENCE.VMA (privileged
 * spec 3.3), with the H extension's rules for V=1: what HS-mode may forbid
 * VS-mode (hstatus.VTSR/VTW/VTVM) and what VU-mode may never do raise a
 * virtual instruction exception instead of an illegal instruction.
 */
import type { Handler } from "./decoded";
import type { Hart } from "../hart/hart";
import { PC } from "../hart/hart";
import { mstatusBits } from "../hart/csr-state";
import { hstatusBits } from "../hart/hypervisor-csrs";
import { Exception } from "../hart/trap";

const illegal = (h: Hart, raw: number) => h.raise(Exception.illegalInstruction, BigInt(raw >>> 0));
const virtualInstruction = (h: Hart, raw: number) => h.raise(Exception.virtualInstruction, BigInt(raw >>> 0));

/** The hstatus bit that makes a VS-mode instruction a virtual instruction exception. */
function forbiddenInVirtualSupervisor(h: Hart, bit: bigint): boolean {
  return h.priv === 0 || (h.h.hstatus & bit) !== 0n;
}

export const privilegedHandlers: Record<string, Handler> = {
  mret: (h, d) => {
    // MRET is not HS's either, so from VS it is an illegal instruction, not a virtual one.
    if (h.priv < 3) return illegal(h, d.raw);
    let status = h.csr.mstatus;
    const previous = (status & mstatusBits.MPP) >>> 11;
    status = (status & ~mstatusBits.MIE) | ((status & mstatusBits.MPIE) !== 0 ? mstatusBits.MIE : 0);
    status |= mstatusBits.MPIE;
    status &= ~mstatusBits.MPP;
    if (previous !== 3) status &= ~mstatusBits.MPRV;
    const virt = previous !== 3 && h.h.mpv;
    h.h.mpv = false;
    h.setMstatus(status);
    h.setPrivilege(previous, virt);
    h.r[PC] = BigInt.asIntN(64, h.csr.mepc);
    return true;
  },
  sret: (h, d) => {
    if (h.virt) {
      if (forbiddenInVirtualSupervisor(h, hstatusBits.VTSR)) return virtualInstruction(h, d.raw);
      // SRET in VS-mode works on the VS registers and stays in V=1.
      let status = h.h.vsstatus;
      const previous = (status & mstatusBits.SPP) !== 0 ? 1 : 0;
      status = (status & ~mstatusBits.SIE) | ((status & mstatusBits.SPIE) !== 0 ? mstatusBits.SIE : 0);
      status |= mstatusBits.SPIE;
      status &= ~mstatusBits.SPP;
      h.setVsstatus(status);
      h.setPrivilege(previous, true);
      h.r[PC] = BigInt.asIntN(64, h.h.vsepc);
      return true;
    }
    if (h.priv < 1 || (h.priv === 1 && (h.csr.mstatus & mstatusBits.TSR) !== 0)) return illegal(h, d.raw);
    let status = h.csr.mstatus;
    const previous = (status & mstatusBits.SPP) !== 0 ? 1 : 0;
    status = (status & ~mstatusBits.SIE) | ((status & mstatusBits.SPIE) !== 0 ? mstatusBits.SIE : 0);
    status |= mstatusBits.SPIE;
    status &= ~mstatusBits.SPP;
    status &= ~mstatusBits.MPRV;
    // From HS (or M), SRET returns to V = hstatus.SPV.
    const virt = h.hypervisorExtension && (h.h.hstatus & hstatusBits.SPV) !== 0n;
    if (h.hypervisorExtension) h.h.hstatus &= ~hstatusBits.SPV;
    h.setMstatus(status);
    h.setPrivilege(previous, virt);
    h.r[PC] = BigInt.asIntN(64, h.csr.sepc);
    return true;
  },
  wfi: (h, d) => {
    // As QEMU 7.2 (helper_wfi): U-mode never, S/VS-mode not under TW; VU-mode, and VS-mode under VTW, are virtual instructions.
    if ((h.priv === 1 && (h.csr.mstatus & mstatusBits.TW) !== 0) || (h.priv === 0 && !h.virt)) return illegal(h, d.raw);
    if (h.virt && forbiddenInVirtualSupervisor(h, hstatusBits.VTW)) return virtualInstruction(h, d.raw);
    // WFI resumes when any enabled interrupt is pending, whatever the global enable bits say.
    if ((h.pendingBits() & h.csr.mie) === 0) h.waiting = true;
  },
  "sfence.vma": (h, d) => {
    if (h.virt) {
      if (forbiddenInVirtualSupervisor(h, hstatusBits.VTVM)) return virtualInstruction(h, d.raw);
    } else if (h.priv === 0 || (h.priv === 1 && (h.csr.mstatus & mstatusBits.TVM) !== 0)) {
      return illegal(h, d.raw);
    }
    // Dropping every cached translation is a superset of what rs1/rs2 select, which is always correct.
    h.tlb.flush();
  },
};
