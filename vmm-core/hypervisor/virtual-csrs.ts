/**
 * The supervisor CSRs as the guest kernel sees them under trap-and-emulate:
 * one row per CSR over the vCPU's virtual state, with the same WARL rules as
 * the physical hart's table (vmm-core/hart/csr-state.ts). A CSR that is not
 * here is not the guest's to touch: the monitor injects an illegal
 * instruction, as hardware does for S-mode code touching M-mode CSRs.
 */
import { mip } from "../hart/trap";
import { menvcfgBits, sstatusReadable, sstatusWritable, sstatusHigh, supervisorInterrupts } from "../hart/csr-state";
import type { VirtualCpu } from "./vcpu";

/** What a virtual CSR write changed, so the monitor can react (new shadow root, timer, interrupt check). */
export type VirtualCsrEffect = "none" | "translation" | "interrupts" | "timer";

export interface VirtualCsrHost {
  mtime(): bigint;
  cycle(): bigint;
  instret(): bigint;
}

export interface VirtualCsr {
  address: number;
  name: string;
  read(vcpu: VirtualCpu, host: VirtualCsrHost): bigint;
  write?(vcpu: VirtualCpu, value: bigint): VirtualCsrEffect;
}

const u32 = (value: bigint): number => Number(BigInt.asUintN(32, value));

/** Only Bare and Sv39 are offered to the guest; other modes leave satp unchanged (WARL). */
function legalSatp(old: bigint, value: bigint): bigint {
  const mode = BigInt.asUintN(64, value) >> 60n;
  return mode === 0n || mode === 8n ? BigInt.asUintN(64, value) : old;
}

const rows: VirtualCsr[] = [
  {
    address: 0x100,
    name: "sstatus",
    read: (v) => BigInt(v.csr.sstatus & sstatusReadable) | sstatusHigh,
    write: (v, value) => {
      const before = v.csr.sstatus;
      v.csr.sstatus = (before & ~sstatusWritable) | (u32(value) & sstatusWritable);
      const changed = before ^ v.csr.sstatus;
      return changed & ((1 << 18) | (1 << 19)) ? "translation" : changed & (1 << 1) ? "interrupts" : "none";
    },
  },
  {
    address: 0x104,
    name: "sie",
    read: (v) => BigInt(v.csr.sie),
    write: (v, value) => {
      v.csr.sie = u32(value) & supervisorInterrupts;
      return "interrupts";
    },
  },
  // A reserved mode leaves stvec unchanged, as the hart (and QEMU 7.2) does.
  { address: 0x105, name: "stvec", read: (v) => v.csr.stvec, write: (v, value) => ((v.csr.stvec = (value & 3n) >= 2n ? v.csr.stvec : value), "none") },
  { address: 0x106, name: "scounteren", read: (v) => BigInt(v.csr.scounteren), write: (v, value) => ((v.csr.scounteren = u32(value)), "translation") },
  { address: 0x10a, name: "senvcfg", read: (v) => v.csr.senvcfg, write: (v, value) => ((v.csr.senvcfg = value & menvcfgBits.FIOM), "none") },
  { address: 0x140, name: "sscratch", read: (v) => v.csr.sscratch, write: (v, value) => ((v.csr.sscratch = value), "none") },
  { address: 0x141, name: "sepc", read: (v) => v.csr.sepc, write: (v, value) => ((v.csr.sepc = value & ~1n), "none") },
  { address: 0x142, name: "scause", read: (v) => v.csr.scause, write: (v, value) => ((v.csr.scause = value), "none") },
  { address: 0x143, name: "stval", read: (v) => v.csr.stval, write: (v, value) => ((v.csr.stval = value), "none") },
  {
    address: 0x144,
    name: "sip",
    read: (v) => BigInt(v.csr.sip),
    // Only SSIP is writable by the guest; STIP and SEIP follow the timer and the PLIC.
    write: (v, value) => ((v.csr.sip = (v.csr.sip & ~mip.SSIP) | (u32(value) & mip.SSIP)), "interrupts"),
  },
  { address: 0x14d, name: "stimecmp", read: (v) => v.csr.stimecmp, write: (v, value) => ((v.csr.stimecmp = BigInt.asUintN(64, value)), "timer") },
  { address: 0x180, name: "satp", read: (v) => v.csr.satp, write: (v, value) => ((v.csr.satp = legalSatp(v.csr.satp, value)), "translation") },
  // The counters trap only when the guest's own counter-enable bits forbid them; reading them for the guest kernel is harmless.
  { address: 0xc00, name: "cycle", read: (_v, host) => host.cycle() },
  { address: 0xc01, name: "time", read: (_v, host) => host.mtime() },
  { address: 0xc02, name: "instret", read: (_v, host) => host.instret() },
];

export const virtualCsrs: readonly (VirtualCsr | undefined)[] = (() => {
  const table: (VirtualCsr | undefined)[] = new Array(4096).fill(undefined);
  for (const row of rows) table[row.address] = row;
  return table;
})();
