/**
 * The CSR storage of one hart, kept as plain fields (numbers where the
 * architecture uses few bits, bigints for full XLEN values). The CSR table
 * (csr-table.ts) gives each CSR its access rules over these fields.
 */
import { Counter } from "./counter";

export const mstatusBits = {
  SIE: 1 << 1,
  MIE: 1 << 3,
  SPIE: 1 << 5,
  UBE: 1 << 6,
  MPIE: 1 << 7,
  SPP: 1 << 8,
  MPP: 3 << 11,
  MPRV: 1 << 17,
  SUM: 1 << 18,
  MXR: 1 << 19,
  TVM: 1 << 20,
  TW: 1 << 21,
  TSR: 1 << 22,
} as const;

/** mstatus bits 63:32: UXL = SXL = 2 (64-bit), read-only. */
export const mstatusHigh = 0xa_0000_0000n;

/** The fields of mstatus a write from M-mode may change (no F/V: FS, VS, XS stay 0). */
export const mstatusWritable =
  mstatusBits.SIE | mstatusBits.MIE | mstatusBits.SPIE | mstatusBits.MPIE | mstatusBits.SPP | mstatusBits.MPP |
  mstatusBits.MPRV | mstatusBits.SUM | mstatusBits.MXR | mstatusBits.TVM | mstatusBits.TW | mstatusBits.TSR;

/** The view of mstatus that sstatus gives (plus UXL in the high half). */
export const sstatusReadable = mstatusBits.SIE | mstatusBits.SPIE | mstatusBits.UBE | mstatusBits.SPP | mstatusBits.SUM | mstatusBits.MXR;
export const sstatusWritable = mstatusBits.SIE | mstatusBits.SPIE | mstatusBits.SPP | mstatusBits.SUM | mstatusBits.MXR;
export const sstatusHigh = 0x2_0000_0000n;

/** misa: MXL = 64, extensions A C I M S U. */
export const misaValue = (2n << 62n) | BigInt((1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20));

/** Exceptions M-mode may delegate (QEMU's DELEGABLE_EXCPS without H): all but ecall-from-M. */
export const medelegWritable = 0xb3ff;
/** Interrupts M-mode may delegate: the supervisor ones. */
export const midelegWritable = 0x222;
/** Interrupt enable bits that exist. */
export const mieWritable = 0xaaa;
/** Bits of mip that M-mode software may write (SEIP is the software-writable copy ORed with the PLIC line). */
export const mipWritable = 0x222;
export const supervisorInterrupts = 0x222;

export const menvcfgBits = { FIOM: 1n, STCE: 1n << 63n } as const;

/** Number of PMP entries (QEMU: 16) and the implemented pmpaddr bits (54, for 56-bit physical addresses). */
export const pmpEntries = 16;
export const pmpAddressMask = (1n << 54n) - 1n;
/** Programmable counters mhpmcounter3.. that exist (QEMU 7.2 default pmu-num = 16). */
export const hpmCounters = 16;

export class CsrState {
  /** mstatus bits 31:0; the high half is mstatusHigh. */
  mstatus = 0;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** mip bits set by software (SSIP, STIP without Sstc, software SEIP). */
  mipSoftware = 0;
  /** mip bits driven by devices (MSIP, MTIP, MEIP, SEIP line) and by stimecmp (STIP). */
  mipHardware = 0;
  mtvec = 0n;
  mscratch = 0n;
  mepc = 0n;
  mcause = 0n;
  mtval = 0n;
  mcounteren = 0;
  mcountinhibit = 0n;
  menvcfg = 0n;
  stvec = 0n;
  sscratch = 0n;
  sepc = 0n;
  scause = 0n;
  stval = 0n;
  scounteren = 0;
  senvcfg = 0n;
  satp = 0n;
  /** QEMU 7.2 resets stimecmp to 0. */
  stimecmp = 0n;
  pmpcfg = new Uint8Array(pmpEntries);
  pmpaddr = new BigUint64Array(pmpEntries);
  mhpmcounter = new BigUint64Array(hpmCounters);
  /** mhpmevent3..31: all hold their value (QEMU 7.2), whether or not the counter exists. */
  mhpmevent = new BigUint64Array(29);
  /** mcycle and minstret over the hart's running counts. */
  mcycle = new Counter();
  minstret = new Counter();

  get mip(): number {
    return this.mipSoftware | this.mipHardware;
  }
}
