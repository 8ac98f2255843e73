/** The privileged instructions: MRET, SRET, WFI and SFENCE.VMA (privileged spec 3.3). */
import type { Handler } from "./decoded";
import { PC } from "../hart/hart";
import { mstatusBits } from "../hart/csr-state";
import { Exception } from "../hart/trap";

export const privilegedHandlers: Record<string, Handler> = {
  mret: (h, d) => {
    if (h.priv < 3) return h.raise(Exception.illegalInstruction, BigInt(d.raw >>> 0));
    let status = h.csr.mstatus;
    const previous = (status & mstatusBits.MPP) >>> 11;
    status = (status & ~mstatusBits.MIE) | ((status & mstatusBits.MPIE) !== 0 ? mstatusBits.MIE : 0);
    status |= mstatusBits.MPIE;
    status &= ~mstatusBits.MPP;
    if (previous !== 3) status &= ~mstatusBits.MPRV;
    h.setMstatus(status);
    h.setPrivilege(previous);
    h.r[PC] = BigInt.asIntN(64, h.csr.mepc);
    return true;
  },
  sret: (h, d) => {
    if (h.priv < 1 || (h.priv === 1 && (h.csr.mstatus & mstatusBits.TSR) !== 0)) return h.raise(Exception.illegalInstruction, BigInt(d.raw >>> 0));
    let status = h.csr.mstatus;
    const previous = (status & mstatusBits.SPP) !== 0 ? 1 : 0;
    status = (status & ~mstatusBits.SIE) | ((status & mstatusBits.SPIE) !== 0 ? mstatusBits.SIE : 0);
    status |= mstatusBits.SPIE;
    status &= ~mstatusBits.SPP;
    status &= ~mstatusBits.MPRV;
    h.setMstatus(status);
    h.setPrivilege(previous);
    h.r[PC] = BigInt.asIntN(64, h.csr.sepc);
    return true;
  },
  wfi: (h, d) => {
    if (h.priv === 0 || (h.priv === 1 && (h.csr.mstatus & mstatusBits.TW) !== 0)) return h.raise(Exception.illegalInstruction, BigInt(d.raw >>> 0));
    // WFI resumes when any enabled interrupt is pending, whatever the global enable bits say.
    if ((h.csr.mip & h.csr.mie) === 0) h.waiting = true;
  },
  "sfence.vma": (h, d) => {
    if (h.priv === 0 || (h.priv === 1 && (h.csr.mstatus & mstatusBits.TVM) !== 0)) return h.raise(Exception.illegalInstruction, BigInt(d.raw >>> 0));
    // Dropping every cached translation is a superset of what rs1/rs2 select, which is always correct.
    h.tlb.flush();
  },
};
