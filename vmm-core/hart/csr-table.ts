/**
 * The CSR table (QEMU's csr_ops[]): one row per CSR with its name, a
 * predicate for extra access rules, and read/write over the hart's CSR
 * state. `accessCsr` runs the shared checks in the spec's order. The
 * debugger's CSR view iterates the same table.
 */
import type { Hart } from "./hart";
import {
  hpmCounters, mstatusHigh, mstatusWritable, misaValue, medelegWritable, midelegWritable, mieWritable,
  menvcfgBits, pmpEntries, pmpAddressMask, sstatusHigh, sstatusReadable, sstatusWritable, supervisorInterrupts, mstatusBits,
} from "./csr-state";
import { Exception, mip } from "./trap";
import { hypervisorCsrRows, virtualSubstitutes } from "./csr-table-hypervisor";
import { hypervisorExceptions, mstatusGVA, mstatusMPV, virtualSupervisorInterrupts, guestExternalInterrupt, hstatusBits } from "./hypervisor-csrs";

export interface CsrDefinition {
  address: number;
  name: string;
  /**
   * Extra rule beyond the address's privilege bits: true to allow, false
   * for an illegal-instruction trap, or the cause to raise (a virtual
   * instruction exception, 22, for what V=1 forbids).
   */
  predicate?: (hart: Hart, write: boolean) => boolean | number;
  read(hart: Hart): bigint;
  /** Absent for read-only CSRs; writes apply WARL legalization. */
  write?(hart: Hart, value: bigint): void;
}

const u = (value: bigint): number => Number(BigInt.asUintN(32, value));

/**
 * Counter access from S/U needs the mcounteren (and from U the scounteren)
 * bit of that counter; with V=1 also hcounteren, whose refusal is a virtual
 * instruction exception.
 */
function counterEnabled(index: number): (hart: Hart) => boolean | number {
  return (hart) => {
    const bit = 1 << index;
    if (hart.priv < 3 && (hart.csr.mcounteren & bit) === 0) return false;
    if (hart.virt) {
      if ((hart.h.hcounteren & bit) === 0) return Exception.virtualInstruction;
      if (hart.priv === 0 && (hart.csr.scounteren & bit) === 0) return Exception.virtualInstruction;
      return true;
    }
    if (hart.priv < 1 && (hart.csr.scounteren & bit) === 0) return false;
    return true;
  };
}

const table: CsrDefinition[] = [];
const define = (row: CsrDefinition): void => {
  table.push(row);
};

// Unprivileged counters (read-only shadows of the machine counters).
define({ address: 0xc00, name: "cycle", predicate: counterEnabled(0), read: (h) => h.mcycle() });
define({ address: 0xc01, name: "time", predicate: counterEnabled(1), read: (h) => (h.virt ? BigInt.asUintN(64, h.clock.mtime() + h.h.htimedelta) : h.clock.mtime()) });
define({ address: 0xc02, name: "instret", predicate: counterEnabled(2), read: (h) => h.minstret() });
// Counters beyond the implemented ones are illegal instructions, as in QEMU 7.2 (firmware probes take the same path).
for (let i = 3; i < 3 + hpmCounters; i++) {
  define({ address: 0xc00 + i, name: `hpmcounter${i}`, predicate: counterEnabled(i), read: (h) => h.csr.mhpmcounter[i - 3] });
}

// Supervisor.
define({
  address: 0x100,
  name: "sstatus",
  read: (h) => BigInt(h.csr.mstatus & sstatusReadable) | sstatusHigh,
  write: (h, v) => h.setMstatus((h.csr.mstatus & ~sstatusWritable) | (u(v) & sstatusWritable)),
});
define({
  address: 0x104,
  name: "sie",
  read: (h) => BigInt(h.csr.mie & h.csr.mideleg),
  write: (h, v) => h.setMie((h.csr.mie & ~h.csr.mideleg) | (u(v) & h.csr.mideleg & supervisorInterrupts)),
});
define({ address: 0x105, name: "stvec", read: (h) => h.csr.stvec, write: (h, v) => (h.csr.stvec = legalTvec(h.csr.stvec, v)) });
define({ address: 0x106, name: "scounteren", read: (h) => BigInt(h.csr.scounteren), write: (h, v) => (h.csr.scounteren = u(v)) });
define({ address: 0x10a, name: "senvcfg", read: (h) => h.csr.senvcfg, write: (h, v) => (h.csr.senvcfg = v & menvcfgBits.FIOM) });
define({ address: 0x140, name: "sscratch", read: (h) => h.csr.sscratch, write: (h, v) => (h.csr.sscratch = v) });
define({ address: 0x141, name: "sepc", read: (h) => h.csr.sepc, write: (h, v) => (h.csr.sepc = v & ~1n) });
define({ address: 0x142, name: "scause", read: (h) => h.csr.scause, write: (h, v) => (h.csr.scause = v) });
define({ address: 0x143, name: "stval", read: (h) => h.csr.stval, write: (h, v) => (h.csr.stval = v) });
define({
  address: 0x144,
  name: "sip",
  read: (h) => BigInt(h.csr.mip & h.csr.mideleg),
  write: (h, v) => h.setMipSoftware((h.csr.mipSoftware & ~(h.csr.mideleg & mip.SSIP)) | (u(v) & h.csr.mideleg & mip.SSIP)),
});
define({
  address: 0x14d,
  name: "stimecmp",
  predicate: (h) => h.priv === 3 || ((h.csr.menvcfg & menvcfgBits.STCE) !== 0n && (h.csr.mcounteren & 2) !== 0),
  read: (h) => h.csr.stimecmp,
  write: (h, v) => h.setStimecmp(v),
});
define({
  address: 0x180,
  name: "satp",
  predicate: (h) => !(h.priv === 1 && (h.csr.mstatus & mstatusBits.TVM) !== 0),
  read: (h) => h.csr.satp,
  write: (h, v) => h.setSatp(v),
});

// Machine information.
define({ address: 0xf11, name: "mvendorid", read: () => 0n });
define({ address: 0xf12, name: "marchid", read: () => 0n });
define({ address: 0xf13, name: "mimpid", read: () => 0n });
define({ address: 0xf14, name: "mhartid", read: (h) => BigInt(h.hartId) });
define({ address: 0xf15, name: "mconfigptr", read: () => 0n });

// Machine trap setup and handling.
define({
  address: 0x300,
  name: "mstatus",
  read: (h) => BigInt(h.csr.mstatus) | mstatusHigh | (h.h.mpv ? mstatusMPV : 0n) | (h.h.mgva ? mstatusGVA : 0n),
  write: (h, v) => {
    if (h.hypervisorExtension) {
      h.h.mpv = (v & mstatusMPV) !== 0n;
      h.h.mgva = (v & mstatusGVA) !== 0n;
    }
    h.setMstatus((h.csr.mstatus & ~mstatusWritable) | legalMpp(u(v) & mstatusWritable, h.csr.mstatus));
  },
});
define({ address: 0x301, name: "misa", read: (h) => misaValue | (h.hypervisorExtension ? 1n << 7n : 0n), write: () => {} });
define({
  address: 0x302,
  name: "medeleg",
  read: (h) => BigInt(h.csr.medeleg),
  write: (h, v) => (h.csr.medeleg = u(v) & (medelegWritable | (h.hypervisorExtension ? hypervisorExceptions : 0))),
});
// With the H extension the VS-level interrupts and SGEIP are always delegated to HS (read-only one).
define({
  address: 0x303,
  name: "mideleg",
  read: (h) => BigInt(h.csr.mideleg | (h.hypervisorExtension ? virtualSupervisorInterrupts | guestExternalInterrupt : 0)),
  write: (h, v) => h.setMideleg(u(v) & midelegWritable),
});
define({
  address: 0x304,
  name: "mie",
  read: (h) => BigInt(h.csr.mie),
  write: (h, v) => h.setMie(u(v) & (mieWritable | (h.hypervisorExtension ? virtualSupervisorInterrupts | guestExternalInterrupt : 0))),
});
define({ address: 0x305, name: "mtvec", read: (h) => h.csr.mtvec, write: (h, v) => (h.csr.mtvec = legalTvec(h.csr.mtvec, v)) });
define({ address: 0x306, name: "mcounteren", read: (h) => BigInt(h.csr.mcounteren), write: (h, v) => (h.csr.mcounteren = u(v)) });
define({
  address: 0x30a,
  name: "menvcfg",
  read: (h) => h.csr.menvcfg,
  write: (h, v) => h.setMenvcfg(v & (menvcfgBits.FIOM | menvcfgBits.STCE)),
});
define({
  address: 0x320,
  name: "mcountinhibit",
  read: (h) => h.csr.mcountinhibit,
  write: (h, v) => {
    // QEMU 7.2 keeps every bit written; only CY and IR have an effect here.
    h.csr.mcountinhibit = v;
    h.csr.mcycle.inhibit(h.cycles, (v & 1n) !== 0n);
    h.csr.minstret.inhibit(h.instret + 1, (v & 4n) !== 0n);
  },
});
for (let i = 3; i < 32; i++) {
  define({
    address: 0x320 + i,
    name: `mhpmevent${i}`,
    read: (h) => h.csr.mhpmevent[i - 3],
    write: (h, v) => (h.csr.mhpmevent[i - 3] = BigInt.asUintN(64, v)),
  });
}
define({ address: 0x340, name: "mscratch", read: (h) => h.csr.mscratch, write: (h, v) => (h.csr.mscratch = v) });
define({ address: 0x341, name: "mepc", read: (h) => h.csr.mepc, write: (h, v) => (h.csr.mepc = v & ~1n) });
define({ address: 0x342, name: "mcause", read: (h) => h.csr.mcause, write: (h, v) => (h.csr.mcause = v) });
define({ address: 0x343, name: "mtval", read: (h) => h.csr.mtval, write: (h, v) => (h.csr.mtval = v) });
define({
  address: 0x344,
  name: "mip",
  read: (h) => BigInt(h.pendingBits()),
  write: (h, v) => {
    h.setMipSoftware((h.csr.mipSoftware & ~h.mipSoftwareWritable()) | (u(v) & h.mipSoftwareWritable()));
    // mip.VSSIP is an alias of hvip.VSSIP.
    if (h.hypervisorExtension) h.setHvip((h.h.hvip & ~mip.VSSIP) | (u(v) & mip.VSSIP));
  },
});

// Physical memory protection: stored and read back (legalized as QEMU does), not enforced. Only the
// registers of the 16 implemented entries exist: firmware counts entries by probing until one traps.
for (let i = 0; i < pmpEntries / 4; i += 2) {
  const first = i * 4;
  define({
    address: 0x3a0 + i,
    name: `pmpcfg${i}`,
    read: (h) => {
      let value = 0n;
      for (let b = 7; b >= 0; b--) value = (value << 8n) | BigInt(first + b < pmpEntries ? h.csr.pmpcfg[first + b] : 0);
      return value;
    },
    write: (h, v) => {
      for (let b = 0; b < 8; b++) {
        const entry = first + b;
        if (entry >= pmpEntries || (h.csr.pmpcfg[entry] & 0x80) !== 0) continue;
        h.csr.pmpcfg[entry] = Number((v >> BigInt(8 * b)) & 0x9fn);
      }
    },
  });
}
for (let i = 0; i < pmpEntries; i++) {
  define({
    address: 0x3b0 + i,
    name: `pmpaddr${i}`,
    read: (h) => h.csr.pmpaddr[i],
    write: (h, v) => {
      if ((h.csr.pmpcfg[i] & 0x80) === 0) h.csr.pmpaddr[i] = v & pmpAddressMask;
    },
  });
}

// Machine counters.
define({ address: 0xb00, name: "mcycle", read: (h) => h.mcycle(), write: (h, v) => h.csr.mcycle.write(h.cycles, v, true) });
define({ address: 0xb02, name: "minstret", read: (h) => h.minstret(), write: (h, v) => h.csr.minstret.write(h.instret, v, true) });
for (let i = 3; i < 3 + hpmCounters; i++) {
  define({
    address: 0xb00 + i,
    name: `mhpmcounter${i}`,
    read: (h) => h.csr.mhpmcounter[i - 3],
    write: (h, v) => (h.csr.mhpmcounter[i - 3] = BigInt.asUintN(64, v)),
  });
}

/** mtvec/stvec: modes 0 (direct) and 1 (vectored); a write with a reserved mode is ignored, as QEMU 7.2 does. */
function legalTvec(old: bigint, value: bigint): bigint {
  return (value & 3n) >= 2n ? old : value;
}

/** MPP is WARL: the reserved value 2 (H-mode) is replaced by the previous MPP. */
function legalMpp(value: number, old: number): number {
  if ((value & mstatusBits.MPP) === 2 << 11) return (value & ~mstatusBits.MPP) | (old & mstatusBits.MPP);
  return value;
}

for (const row of hypervisorCsrRows) define(row);
/** CSRs that exist only on a hart with the H extension. */
const hypervisorAddresses = new Set(hypervisorCsrRows.map((row) => row.address));

export const csrTable: readonly CsrDefinition[] = table;
export const csrByAddress: readonly (CsrDefinition | undefined)[] = (() => {
  const byAddress: (CsrDefinition | undefined)[] = new Array(4096).fill(undefined);
  for (const row of table) byAddress[row.address] = row;
  return byAddress;
})();

export function csrName(address: number): string {
  return csrByAddress[address]?.name ?? `csr 0x${address.toString(16)}`;
}

/**
 * The shared checks of riscv_csrrw_check, in order: the CSR exists, a write
 * does not target a read-only CSR (bits 11:10 = 3), the privilege level is
 * high enough (bits 9:8; HS-level CSRs need HS), and the CSR's own predicate
 * holds. With V=1 the S CSRs mean their VS counterparts, and what only HS
 * may touch raises a virtual instruction exception. Returns the row, or the
 * exception cause.
 */
export function checkCsrAccess(hart: Hart, address: number, write: boolean): CsrDefinition | number {
  let row = csrByAddress[address];
  if (!row || (!hart.hypervisorExtension && hypervisorAddresses.has(address))) return Exception.illegalInstruction;
  if (write && (address >>> 10) === 3) return Exception.illegalInstruction;
  const level = (address >>> 8) & 3;
  if (hart.virt) {
    if (level === 3) return Exception.illegalInstruction;
    if (level === 2 || (level === 1 && hart.priv === 0)) return Exception.virtualInstruction;
    const substitute = virtualSubstitutes.get(address);
    if (substitute !== undefined) row = csrByAddress[substitute]!;
    if (address === 0x180 && (hart.h.hstatus & hstatusBits.VTVM) !== 0n) return Exception.virtualInstruction;
  } else if (hart.priv < (level === 2 ? 1 : level)) {
    return Exception.illegalInstruction;
  }
  if (row.predicate) {
    const allowed = row.predicate(hart, write);
    if (allowed !== true) return allowed === false ? Exception.illegalInstruction : allowed;
  }
  return row;
}
