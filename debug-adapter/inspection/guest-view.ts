/**
 * One hart as the debugger inspects it: the guest's own view (its
 * privilege, its CSRs, its address translation) apart from the real
 * machine underneath. In mode none the two are the same hart; under
 * trap-and-emulate the guest's privileged state lives in the monitor's
 * vCPU; hardware-assisted keeps it in the VS CSRs. Nothing here has a side
 * effect on the guest: page walks never set A/D bits and devices are never
 * read (their registers may change when read).
 */
import { Access, walkSv39, type PteMemory } from "../../vmm-core/hart/mmu";
import { mstatusBits } from "../../vmm-core/hart/csr-state";
import type { Hart } from "../../vmm-core/hart/hart";
import { Monitor } from "../../vmm-core/hypervisor/monitor";
import { HardwareAssistedMonitor } from "../../vmm-core/hypervisor/hardware-assisted";
import type { GuestPhysicalMap } from "../../vmm-core/hypervisor/guest-physical-map";
import { virtualStatus, type VirtualCpu } from "../../vmm-core/hypervisor/vcpu";
import type { Machine } from "../../vmm-core/machine/machine";

const ppnMask = (1n << 44n) - 1n;

/** The guest's translation state: what satp, privilege and SUM/MXR it runs with now. */
export interface GuestTranslationState {
  /** satp (mode none), the vCPU's virtual satp, or vsatp. */
  satpName: string;
  satp: bigint;
  /** 0 = U, 1 = S, 3 = M (no translation). */
  privilege: number;
  sum: boolean;
  mxr: boolean;
}

export type Translated = { ok: true; physical: bigint } | { ok: false; reason: string };

export class GuestView {
  readonly hart: Hart;
  readonly trapAndEmulate: Monitor | undefined;
  readonly hardwareAssisted: HardwareAssistedMonitor | undefined;

  constructor(
    readonly machine: Machine,
    readonly hartId: number,
  ) {
    this.hart = machine.harts[hartId];
    this.trapAndEmulate = machine.monitor instanceof Monitor ? machine.monitor : undefined;
    this.hardwareAssisted = machine.monitor instanceof HardwareAssistedMonitor ? machine.monitor : undefined;
  }

  get virtualized(): boolean {
    return this.machine.monitor !== undefined;
  }

  get vcpu(): VirtualCpu | undefined {
    return this.machine.monitor?.vcpus[this.hartId];
  }

  /** The monitor's guest-physical → host-physical map, in the virtualized modes. */
  get map(): GuestPhysicalMap | undefined {
    return this.machine.monitor?.map;
  }

  /** Privilege the guest believes it runs in: "M", "S" or "U". */
  guestPrivilege(): string {
    const vcpu = this.vcpu;
    if (this.trapAndEmulate && vcpu) return vcpu.priv === 1 ? "S" : "U";
    return privilegeLetter(this.hart.priv);
  }

  /** Privilege the hart really runs in: "M", "HS", "S", "U", "VS", "VU". */
  realPrivilege(): string {
    const hart = this.hart;
    if (hart.virt) return hart.priv === 1 ? "VS" : "VU";
    if (hart.priv === 1 && hart.hypervisorExtension) return "HS";
    return privilegeLetter(hart.priv);
  }

  translationState(): GuestTranslationState {
    const hart = this.hart;
    const vcpu = this.vcpu;
    if (this.trapAndEmulate && vcpu) {
      return {
        satpName: "satp",
        satp: vcpu.csr.satp,
        privilege: vcpu.priv,
        sum: (vcpu.csr.sstatus & virtualStatus.SUM) !== 0,
        mxr: (vcpu.csr.sstatus & virtualStatus.MXR) !== 0,
      };
    }
    if (hart.virt) {
      return {
        satpName: "vsatp",
        satp: hart.h.vsatp,
        privilege: hart.priv,
        sum: (hart.h.vsstatus & mstatusBits.SUM) !== 0,
        mxr: (hart.h.vsstatus & mstatusBits.MXR) !== 0,
      };
    }
    // Loads and stores of M-mode with MPRV use MPP's privilege; the debugger reads as the data path does.
    return {
      satpName: "satp",
      satp: hart.csr.satp,
      privilege: hart.dataPrivilege(),
      sum: (hart.csr.mstatus & mstatusBits.SUM) !== 0,
      mxr: (hart.csr.mstatus & mstatusBits.MXR) !== 0,
    };
  }

  /** Reads guest page tables: guest-physical addresses through the monitor's map (or the bus), RAM only. */
  guestPteReader(): PteMemory {
    return {
      readPte: (gpa) => {
        const hpa = this.toHost(gpa, 8);
        return hpa === undefined ? undefined : this.machine.bus.readPhysical(hpa, 8);
      },
      writePte: () => false,
    };
  }

  /** Reads host RAM only (shadow and G-stage tables live there). */
  hostPteReader(): PteMemory {
    const bus = this.machine.bus;
    return { readPte: (hpa) => (bus.isRam(hpa, 8) ? bus.readPhysical(hpa, 8) : undefined), writePte: () => false };
  }

  /**
   * Where the guest maps `va`, whatever the permissions: the debugger reads
   * kernel memory while stopped in user code, and execute-only code (a
   * supervisor walk with SUM and MXR set accepts every valid leaf).
   */
  translateMapped(va: bigint): Translated {
    const state = this.translationState();
    if (state.privilege === 3 || state.satp >> 60n === 0n) return { ok: true, physical: BigInt.asUintN(64, va) };
    const outcome = walkSv39(
      BigInt.asUintN(64, va),
      Access.Read,
      { root: (state.satp & ppnMask) << 12n, privilege: 1, sum: true, mxr: true, updateAccessedDirty: false, recordSteps: false },
      this.guestPteReader(),
    );
    return outcome.kind === "ok" ? { ok: true, physical: outcome.physicalAddress } : { ok: false, reason: `${outcome.kind}: ${outcome.reason}` };
  }

  /** Host-physical address of `size` bytes of guest-physical RAM, or undefined (devices, holes, outside RAM). */
  toHost(gpa: bigint, size: number): bigint | undefined {
    const map = this.map;
    if (map) return map.isRam(gpa, BigInt(size)) ? map.toHost(gpa) : undefined;
    return this.isPlainRam(gpa, size) ? gpa : undefined;
  }

  /** RAM on the bare machine that no device overlays (HTIF's tohost lives inside RAM). */
  private isPlainRam(address: bigint, size: number): boolean {
    const bus = this.machine.bus;
    if (!bus.isRam(address, size)) return false;
    const region = bus.findRegion(address) ?? bus.findRegion(address + BigInt(size - 1));
    return region === undefined;
  }
}

export function privilegeLetter(level: number): string {
  return level === 3 ? "M" : level === 1 ? "S" : level === 0 ? "U" : "H";
}

/** "0x" and lowercase hex digits of the unsigned 64-bit value. */
export function hex(value: bigint | number): string {
  return "0x" + BigInt.asUintN(64, BigInt(value)).toString(16);
}
