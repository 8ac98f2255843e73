/**
 * The H extension's rows of the CSR table: the HS-level hypervisor CSRs
 * (0x6xx), the VS CSRs (0x2xx) that replace the S CSRs while V=1, and
 * mtval2/mtinst. Rows only exist on a hart built with the extension
 * (`present`), so a hart without it traps on them as before.
 */
import type { Hart } from "./hart";
import type { CsrDefinition } from "./csr-table";
import { hstatusBits, hstatusWritable, hedelegWritable, virtualSupervisorInterrupts, guestExternalInterrupt } from "./hypervisor-csrs";
import { sstatusReadable, sstatusWritable, sstatusHigh, menvcfgBits } from "./csr-state";
import { mip } from "./trap";

const u = (value: bigint): number => Number(BigInt.asUintN(32, value));
/** vsip/vsie bit i+1 ↔ hip/hie bit i: VSSIP(2)→SSIP(1), VSTIP(6)→STIP(5), VSEIP(10)→SEIP(9). */
const toVs = (bits: number): number => (bits & virtualSupervisorInterrupts) >>> 1;
const fromVs = (bits: number): number => (bits << 1) & virtualSupervisorInterrupts;

/** Only Bare and Sv39 (vsatp) / Sv39x4 (hgatp) are implemented; other modes leave the register unchanged. */
function legalTranslation(old: bigint, value: bigint): bigint {
  const mode = BigInt.asUintN(64, value) >> 60n;
  return mode === 0n || mode === 8n ? BigInt.asUintN(64, value) : old;
}

export const hypervisorCsrRows: CsrDefinition[] = [
  {
    address: 0x600,
    name: "hstatus",
    read: (h) => h.h.hstatus,
    write: (h, v) => (h.h.hstatus = (v & hstatusWritable) | hstatusBits.VSXL),
  },
  { address: 0x602, name: "hedeleg", read: (h) => BigInt(h.h.hedeleg), write: (h, v) => (h.h.hedeleg = u(v) & hedelegWritable) },
  {
    address: 0x603,
    name: "hideleg",
    read: (h) => BigInt(h.h.hideleg),
    write: (h, v) => {
      h.h.hideleg = u(v) & virtualSupervisorInterrupts;
      h.interruptCheck = true;
    },
  },
  {
    address: 0x604,
    name: "hie",
    read: (h) => BigInt(h.csr.mie & (virtualSupervisorInterrupts | guestExternalInterrupt)),
    write: (h, v) => h.setMie((h.csr.mie & ~(virtualSupervisorInterrupts | guestExternalInterrupt)) | (u(v) & (virtualSupervisorInterrupts | guestExternalInterrupt))),
  },
  { address: 0x605, name: "htimedelta", read: (h) => h.h.htimedelta, write: (h, v) => h.setHtimedelta(v) },
  { address: 0x606, name: "hcounteren", read: (h) => BigInt(h.h.hcounteren), write: (h, v) => (h.h.hcounteren = u(v)) },
  // No guest external interrupt lines are implemented (GEILEN = 0): hgeie and hgeip read as zero.
  { address: 0x607, name: "hgeie", read: () => 0n, write: () => {} },
  { address: 0x60a, name: "henvcfg", read: (h) => h.h.henvcfg, write: (h, v) => h.setHenvcfg(v & (menvcfgBits.FIOM | menvcfgBits.STCE)) },
  { address: 0x643, name: "htval", read: (h) => h.h.htval, write: (h, v) => (h.h.htval = v) },
  {
    address: 0x644,
    name: "hip",
    read: (h) => BigInt(h.pendingBits() & (virtualSupervisorInterrupts | guestExternalInterrupt)),
    // Only VSSIP is writable through hip (an alias of hvip.VSSIP).
    write: (h, v) => h.setHvip((h.h.hvip & ~mip.VSSIP) | (u(v) & mip.VSSIP)),
  },
  { address: 0x645, name: "hvip", read: (h) => BigInt(h.h.hvip), write: (h, v) => h.setHvip(u(v) & virtualSupervisorInterrupts) },
  // As QEMU 7.2: software writes are ignored; trap entry sets it (a pseudo-instruction or 0).
  { address: 0x64a, name: "htinst", read: (h) => h.h.htinst, write: () => {} },
  {
    address: 0x680,
    name: "hgatp",
    predicate: (h) => !(h.priv === 1 && (h.csr.mstatus & (1 << 20)) !== 0),
    read: (h) => h.h.hgatp,
    write: (h, v) => h.setHgatp(legalTranslation(h.h.hgatp, v)),
  },
  { address: 0xe12, name: "hgeip", read: () => 0n },
  // The VS CSRs, also what the S CSR numbers reach while V=1.
  {
    address: 0x200,
    name: "vsstatus",
    read: (h) => BigInt(h.h.vsstatus & sstatusReadable) | sstatusHigh,
    write: (h, v) => h.setVsstatus((h.h.vsstatus & ~sstatusWritable) | (u(v) & sstatusWritable)),
  },
  {
    address: 0x204,
    name: "vsie",
    read: (h) => BigInt(toVs(h.csr.mie & h.h.hideleg)),
    write: (h, v) => h.setMie((h.csr.mie & ~h.h.hideleg) | (fromVs(u(v)) & h.h.hideleg)),
  },
  { address: 0x205, name: "vstvec", read: (h) => h.h.vstvec, write: (h, v) => (h.h.vstvec = (v & 3n) >= 2n ? h.h.vstvec : v) },
  { address: 0x240, name: "vsscratch", read: (h) => h.h.vsscratch, write: (h, v) => (h.h.vsscratch = v) },
  { address: 0x241, name: "vsepc", read: (h) => h.h.vsepc, write: (h, v) => (h.h.vsepc = v & ~1n) },
  { address: 0x242, name: "vscause", read: (h) => h.h.vscause, write: (h, v) => (h.h.vscause = v) },
  { address: 0x243, name: "vstval", read: (h) => h.h.vstval, write: (h, v) => (h.h.vstval = v) },
  {
    address: 0x244,
    name: "vsip",
    read: (h) => BigInt(toVs(h.pendingBits() & h.h.hideleg)),
    // vsip.SSIP writes hvip.VSSIP when VSSIP is delegated.
    write: (h, v) => h.setHvip((h.h.hvip & ~(mip.VSSIP & h.h.hideleg)) | (fromVs(u(v)) & mip.VSSIP & h.h.hideleg)),
  },
  {
    address: 0x24d,
    name: "vstimecmp",
    predicate: (h) => h.priv === 3 || (h.priv === 1 && !h.virt) || ((h.csr.menvcfg & menvcfgBits.STCE) !== 0n && (h.h.henvcfg & menvcfgBits.STCE) !== 0n),
    read: (h) => h.h.vstimecmp,
    write: (h, v) => h.setVstimecmp(v),
  },
  { address: 0x280, name: "vsatp", read: (h) => h.h.vsatp, write: (h, v) => h.setVsatp(legalTranslation(h.h.vsatp, v)) },
  { address: 0x34a, name: "mtinst", read: (h) => h.h.mtinst, write: (h, v) => (h.h.mtinst = v) },
  { address: 0x34b, name: "mtval2", read: (h) => h.h.mtval2, write: (h, v) => (h.h.mtval2 = v) },
];

/** S CSR number → the VS CSR it means while V=1. */
export const virtualSubstitutes: ReadonlyMap<number, number> = new Map([
  [0x100, 0x200],
  [0x104, 0x204],
  [0x105, 0x205],
  [0x140, 0x240],
  [0x141, 0x241],
  [0x142, 0x242],
  [0x143, 0x243],
  [0x144, 0x244],
  [0x14d, 0x24d],
  [0x180, 0x280],
]);

export function isHypervisorCsr(address: number): boolean {
  return hypervisorCsrRows.some((row) => row.address === address);
}

export type { Hart };
