/**
 * The hypervisor (H) extension's state (privileged spec, chapter 8): the
 * HS-level CSRs and the VS CSRs that stand in for the S CSRs while V=1.
 * Only present when the hart is built with the extension.
 */
export const hstatusBits = {
  VSBE: 1n << 5n,
  GVA: 1n << 6n,
  SPV: 1n << 7n,
  SPVP: 1n << 8n,
  HU: 1n << 9n,
  VTVM: 1n << 20n,
  VTW: 1n << 21n,
  VTSR: 1n << 22n,
  /** VSXL = 2 (64-bit), read-only. */
  VSXL: 2n << 32n,
} as const;

export const hstatusWritable = hstatusBits.GVA | hstatusBits.SPV | hstatusBits.SPVP | hstatusBits.HU | hstatusBits.VTVM | hstatusBits.VTW | hstatusBits.VTSR;

/** mstatus bits the extension adds (high half). */
export const mstatusMPV = 1n << 39n;
export const mstatusGVA = 1n << 38n;

/** The VS-level interrupts (mip/mie bits 2, 6, 10) and SGEIP (12). */
export const virtualSupervisorInterrupts = (1 << 2) | (1 << 6) | (1 << 10);
export const guestExternalInterrupt = 1 << 12;

/** Exceptions HS-mode may delegate to VS-mode (hedeleg): QEMU's VS_DELEGATED_EXCPS. */
export const hedelegWritable = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15);

/** Exceptions only the H extension raises, which M-mode may delegate to HS. */
export const hypervisorExceptions = (1 << 10) | (1 << 20) | (1 << 21) | (1 << 22) | (1 << 23);

export class HypervisorCsrs {
  hstatus = hstatusBits.VSXL;
  hedeleg = 0;
  hideleg = 0;
  /** Software-set VS interrupt bits (hvip): VSSIP, VSTIP, VSEIP. */
  hvip = 0;
  hgeie = 0n;
  htval = 0n;
  htinst = 0n;
  hgatp = 0n;
  henvcfg = 0n;
  hcounteren = 0;
  htimedelta = 0n;
  /** vsstatus, low 32 bits (UXL = 2 in the high half). */
  vsstatus = 0;
  vstvec = 0n;
  vsscratch = 0n;
  vsepc = 0n;
  vscause = 0n;
  vstval = 0n;
  vsatp = 0n;
  vstimecmp = 0n;
  mtval2 = 0n;
  mtinst = 0n;
  /** mstatus.MPV and mstatus.GVA (the bits of the high half that change). */
  mpv = false;
  mgva = false;
}
