/**
 * Reading the guest's memory the way the guest sees it: guest-physical
 * addresses through the monitor's map, guest-virtual ones through the
 * guest's own page tables (without touching their A/D bits). The monitor
 * uses it to fetch the instruction behind an MMIO fault; the debugger to
 * show guest memory.
 */
import type { Bus } from "../bus/bus";
import { Access, walkSv39, type PteMemory, type WalkOutcome } from "../hart/mmu";
import type { GuestPhysicalMap } from "./guest-physical-map";
import type { VirtualCpu } from "./vcpu";
import { virtualStatus } from "./vcpu";

export class GuestMemory {
  /** Reads guest PTEs (guest-physical) for walks that must not change the guest's tables. */
  readonly pteReader: PteMemory;
  /** Guest memory references made through this object (the exit cost model counts them). */
  references = 0;

  constructor(
    private readonly bus: Bus,
    readonly map: GuestPhysicalMap,
  ) {
    this.pteReader = {
      readPte: (gpa) => {
        const hpa = map.isRam(gpa, 8n) ? map.toHost(gpa) : undefined;
        if (hpa === undefined) return undefined;
        this.references++;
        return bus.readPhysical(hpa, 8);
      },
      writePte: () => false,
    };
  }

  readPhysical(gpa: bigint, size: 1 | 2 | 4 | 8): bigint | undefined {
    const hpa = this.map.isRam(gpa, BigInt(size)) ? this.map.toHost(gpa) : undefined;
    if (hpa === undefined) return undefined;
    this.references++;
    return this.bus.readPhysical(hpa, size);
  }

  readBytes(gpa: bigint, length: number): Uint8Array | undefined {
    const hpa = this.map.isRam(gpa, BigInt(length)) ? this.map.toHost(gpa) : undefined;
    return hpa === undefined ? undefined : this.bus.readBytes(hpa, length);
  }

  writeBytes(gpa: bigint, data: Uint8Array): boolean {
    const hpa = this.map.isRam(gpa, BigInt(data.length)) ? this.map.toHost(gpa) : undefined;
    return hpa !== undefined && this.bus.writeBytes(hpa, data);
  }

  /** Guest-virtual → guest-physical as the vCPU would translate it now (no A/D updates). */
  translate(vcpu: VirtualCpu, va: bigint, access: Access): WalkOutcome {
    const satp = vcpu.csr.satp;
    if (satp >> 60n === 0n) {
      return { kind: "ok", physicalAddress: BigInt.asUintN(64, va), pte: 0n, level: 0, pageSize: 4096n, steps: [], references: 0 };
    }
    return walkSv39(
      BigInt.asUintN(64, va),
      access,
      {
        root: (satp & ((1n << 44n) - 1n)) << 12n,
        privilege: vcpu.priv,
        sum: (vcpu.csr.sstatus & virtualStatus.SUM) !== 0,
        mxr: (vcpu.csr.sstatus & virtualStatus.MXR) !== 0,
        updateAccessedDirty: false,
      },
      this.pteReader,
    );
  }

  /** The 16-bit parcel at a guest-virtual pc, or undefined when it cannot be fetched. */
  fetchParcel(vcpu: VirtualCpu, pc: bigint): number | undefined {
    const outcome = this.translate(vcpu, pc, Access.Fetch);
    if (outcome.kind !== "ok") return undefined;
    const value = this.readPhysical(outcome.physicalAddress, 2);
    return value === undefined ? undefined : Number(value);
  }

  /** The instruction word at a guest-virtual pc (16 or 32 bits), or undefined. */
  fetchInstruction(vcpu: VirtualCpu, pc: bigint): number | undefined {
    const low = this.fetchParcel(vcpu, pc);
    if (low === undefined || (low & 3) !== 3) return low;
    const high = this.fetchParcel(vcpu, pc + 2n);
    return high === undefined ? undefined : (low | (high << 16)) >>> 0;
  }
}
