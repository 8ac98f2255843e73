/**
 * The H extension's instructions: hypervisor loads and stores (HLV, HLVX,
 * HSV: an access as the guest would make it, two-stage translated at the
 * privilege hstatus.SPVP) and the hypervisor fences. They belong to HS and
 * M (and U when hstatus.HU allows the loads and stores); from V=1 they are
 * virtual instruction exceptions.
 */
import type { Handler } from "./decoded";
import type { Hart } from "../hart/hart";
import { Access } from "../hart/mmu";
import { hstatusBits } from "../hart/hypervisor-csrs";
import { mstatusBits } from "../hart/csr-state";
import { Exception, Trap } from "../hart/trap";
import { translateGuest } from "../hart/two-stage";

/** The exception the current mode raises for a hypervisor instruction, or 0 when it may execute it. */
function refusal(h: Hart, loadOrStore: boolean): number {
  if (!h.hypervisorExtension) return Exception.illegalInstruction;
  if (h.virt) return Exception.virtualInstruction;
  if (h.priv === 0 && !(loadOrStore && (h.h.hstatus & hstatusBits.HU) !== 0n)) return Exception.illegalInstruction;
  return 0;
}

function guestPhysical(h: Hart, address: bigint, access: Access, executeForRead: boolean): bigint {
  const privilege = (h.h.hstatus & hstatusBits.SPVP) !== 0n ? 1 : 0;
  return translateGuest(h, h.bus, h.tlb.counters, address, access, privilege, executeForRead);
}

function hypervisorLoad(size: 1 | 2 | 4 | 8, signed: boolean, executeForRead = false): Handler {
  return (h, d) => {
    const cause = refusal(h, true);
    if (cause) return h.raise(cause, BigInt(d.raw >>> 0));
    const address = h.r[d.rs1];
    const physical = guestPhysical(h, address, Access.Read, executeForRead);
    const value = h.bus.readPhysical(physical, size);
    if (value === undefined) throw new Trap(Exception.loadAccessFault, BigInt.asUintN(64, address), 0n, true);
    h.r[d.destination] = signed ? BigInt.asIntN(size * 8, value) : value;
  };
}

function hypervisorStore(size: 1 | 2 | 4 | 8): Handler {
  return (h, d) => {
    const cause = refusal(h, true);
    if (cause) return h.raise(cause, BigInt(d.raw >>> 0));
    const address = h.r[d.rs1];
    const physical = guestPhysical(h, address, Access.Write, false);
    if (!h.bus.writePhysical(physical, size, BigInt.asUintN(size * 8, h.r[d.rs2]))) {
      throw new Trap(Exception.storeAccessFault, BigInt.asUintN(64, address), 0n, true);
    }
  };
}

function hypervisorFence(guestPhysicalFence: boolean): Handler {
  return (h, d) => {
    const cause = refusal(h, false);
    if (cause) return h.raise(cause, BigInt(d.raw >>> 0));
    if (guestPhysicalFence && h.priv === 1 && (h.csr.mstatus & mstatusBits.TVM) !== 0) return h.raise(Exception.illegalInstruction, BigInt(d.raw >>> 0));
    // Every cached translation goes: a superset of what the fence selects.
    h.tlb.flush();
  };
}

export const rv64hHandlers: Record<string, Handler> = {
  "hlv.b": hypervisorLoad(1, true),
  "hlv.bu": hypervisorLoad(1, false),
  "hlv.h": hypervisorLoad(2, true),
  "hlv.hu": hypervisorLoad(2, false),
  "hlvx.hu": hypervisorLoad(2, false, true),
  "hlv.w": hypervisorLoad(4, true),
  "hlv.wu": hypervisorLoad(4, false),
  "hlvx.wu": hypervisorLoad(4, false, true),
  "hlv.d": hypervisorLoad(8, true),
  "hsv.b": hypervisorStore(1),
  "hsv.h": hypervisorStore(2),
  "hsv.w": hypervisorStore(4),
  "hsv.d": hypervisorStore(8),
  "hfence.vvma": hypervisorFence(false),
  "hfence.gvma": hypervisorFence(true),
};
