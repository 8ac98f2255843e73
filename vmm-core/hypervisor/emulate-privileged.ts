/**
 * Emulation of the guest kernel's privileged instructions under
 * trap-and-emulate (RVirt's trap.rs): CSR accesses against the vCPU's
 * virtual CSRs, SRET, WFI and SFENCE.VMA. Each returns a description for
 * the exit log and an `apply` that performs it, so the record shows the
 * state before the instruction.
 */
import type { Hart } from "../hart/hart";
import type { Decoded } from "../isa/decoded";
import type { ExitReason } from "./exit-record";
import type { Monitor } from "./monitor";
import { virtualCsrs, type VirtualCsrHost } from "./virtual-csrs";
import { virtualStatus, type VirtualCpu } from "./vcpu";

export interface Emulation {
  reason: ExitReason;
  detail: string;
  handling: string;
  apply(): void;
}

const hex = (value: bigint): string => `0x${BigInt.asUintN(64, value).toString(16)}`;

function advance(hart: Hart, instruction: Decoded): void {
  hart.pc = hart.pc + BigInt(instruction.length);
}

const csrOperations: Record<string, { kind: "write" | "set" | "clear"; immediate: boolean }> = {
  csrrw: { kind: "write", immediate: false },
  csrrs: { kind: "set", immediate: false },
  csrrc: { kind: "clear", immediate: false },
  csrrwi: { kind: "write", immediate: true },
  csrrsi: { kind: "set", immediate: true },
  csrrci: { kind: "clear", immediate: true },
};

/** What the counter CSRs read, one object per hart (CSR exits are the commonest: no closures built per exit). */
const csrHosts = new WeakMap<Hart, { monitor: Monitor; host: VirtualCsrHost }>();

function csrHost(monitor: Monitor, hart: Hart): VirtualCsrHost {
  const known = csrHosts.get(hart);
  if (known !== undefined && known.monitor === monitor) return known.host;
  const host = { mtime: () => monitor.board.clint.mtime(), cycle: () => hart.mcycle(), instret: () => hart.minstret() };
  csrHosts.set(hart, { monitor, host });
  return host;
}

function emulateCsr(monitor: Monitor, hart: Hart, vcpu: VirtualCpu, instruction: Decoded): Emulation | undefined {
  const operation = csrOperations[instruction.name];
  const row = virtualCsrs[instruction.csr];
  if (!operation || !row) return undefined;
  const source = operation.immediate ? instruction.immediate : instruction.rs1;
  const writes = operation.kind === "write" || source !== 0;
  if (writes && !row.write) return undefined;
  const old = row.read(vcpu, csrHost(monitor, hart));
  const operand = operation.immediate ? BigInt(instruction.immediate) : BigInt.asUintN(64, hart.x[instruction.rs1]);
  const value = operation.kind === "write" ? operand : operation.kind === "set" ? old | operand : old & ~operand;
  return {
    reason: writes ? "csr-write" : "csr-read",
    detail: row.name,
    handling: writes ? `${row.name} ${hex(old)} → ${hex(value)}` : `${row.name} = ${hex(old)}`,
    apply: () => {
      if (writes) {
        const effect = row.write!(vcpu, value);
        if (effect === "translation") monitor.applyContext(hart, vcpu);
        else if (effect === "timer") monitor.programTimer(hart, vcpu);
        // The value written may read back differently (WARL); rd gets the old value either way.
      }
      if (instruction.rd !== 0) hart.x[instruction.rd] = BigInt.asIntN(64, old);
      advance(hart, instruction);
    },
  };
}

function emulateSret(monitor: Monitor, hart: Hart, vcpu: VirtualCpu): Emulation {
  const status = vcpu.csr.sstatus;
  const target = status & virtualStatus.SPP ? 1 : 0;
  return {
    reason: "sret",
    detail: target === 1 ? "to S-mode" : "to U-mode",
    handling: `sret → virtual ${target === 1 ? "S" : "U"}-mode at ${hex(vcpu.csr.sepc)}`,
    apply: () => {
      let next = (status & ~virtualStatus.SIE) | (status & virtualStatus.SPIE ? virtualStatus.SIE : 0);
      next |= virtualStatus.SPIE;
      next &= ~virtualStatus.SPP;
      vcpu.csr.sstatus = next;
      vcpu.priv = target;
      hart.pc = vcpu.csr.sepc;
      monitor.applyContext(hart, vcpu);
    },
  };
}

function emulateWfi(hart: Hart, vcpu: VirtualCpu, instruction: Decoded): Emulation {
  const pending = (vcpu.csr.sip & vcpu.csr.sie) !== 0;
  return {
    reason: "wfi",
    detail: "",
    handling: pending ? "interrupt already pending: continue" : "vCPU waits for an interrupt",
    apply: () => {
      advance(hart, instruction);
      if (!pending) {
        vcpu.waiting = true;
        hart.waiting = true;
      }
    },
  };
}

function emulateSfence(monitor: Monitor, hart: Hart, vcpu: VirtualCpu, instruction: Decoded): Emulation {
  const address = instruction.rs1 !== 0 ? BigInt.asUintN(64, hart.x[instruction.rs1]) : undefined;
  const asid = instruction.rs2 !== 0 ? BigInt.asUintN(64, hart.x[instruction.rs2]) & 0xffffn : undefined;
  const scope = `${address === undefined ? "all addresses" : hex(address)}, ${asid === undefined ? "all ASIDs" : `ASID ${asid}`}`;
  return {
    reason: "sfence.vma",
    detail: scope,
    handling: `shadow entries for ${scope} dropped`,
    apply: () => {
      monitor.shadow.onSfenceVma(address, asid);
      monitor.applyContext(hart, vcpu);
      advance(hart, instruction);
    },
  };
}

/** The emulation of a privileged instruction the guest kernel executed, or undefined when it is illegal for it too. */
export function emulatePrivileged(monitor: Monitor, hart: Hart, vcpu: VirtualCpu, instruction: Decoded): Emulation | undefined {
  switch (instruction.name) {
    case "sret":
      return emulateSret(monitor, hart, vcpu);
    case "wfi":
      return emulateWfi(hart, vcpu, instruction);
    case "sfence.vma":
      return emulateSfence(monitor, hart, vcpu, instruction);
    default:
      return emulateCsr(monitor, hart, vcpu, instruction);
  }
}
