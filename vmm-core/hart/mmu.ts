/**
 * Sv39 address translation (privileged spec 4.4). One walker, parameterised
 * by the PTE reader/writer (RVirt's walk_page_table): the hart uses it on a
 * TLB miss, and the debugger and views use it with a side-effect-free reader
 * to show every step of a walk.
 */
export const enum Access {
  Read = 0,
  Write = 1,
  Fetch = 2,
}

export const pte = {
  V: 1n,
  R: 2n,
  W: 4n,
  X: 8n,
  U: 16n,
  G: 32n,
  A: 64n,
  D: 128n,
} as const;

export interface PteMemory {
  /** Reads the 8-byte PTE at a physical address; undefined when no RAM answers there. */
  readPte(address: bigint): bigint | undefined;
  /** Writes back a PTE whose A/D bits were set; false when it could not be written. */
  writePte(address: bigint, value: bigint): boolean;
}

export interface WalkStep {
  level: number;
  pteAddress: bigint;
  pte: bigint | undefined;
}

/** `references` counts the PTE reads, whether or not `steps` records them. */
export type WalkOutcome =
  | { kind: "ok"; physicalAddress: bigint; pte: bigint; level: number; pageSize: bigint; steps: WalkStep[]; references: number }
  | { kind: "page-fault"; reason: string; steps: WalkStep[]; references: number }
  | { kind: "access-fault"; reason: string; steps: WalkStep[]; references: number };

export interface WalkContext {
  /** Root page-table physical address (satp.PPN << 12). */
  root: bigint;
  /** Privilege the access is checked for: 0 = U, 1 = S. */
  privilege: number;
  sum: boolean;
  mxr: boolean;
  /** Set A (and D on writes) in hardware, as QEMU does; false for debugger queries. */
  updateAccessedDirty: boolean;
  /** Record every step (views, the shadow's bookkeeping); the hart's own walks only count them. */
  recordSteps?: boolean;
  /**
   * The H extension's G-stage (Sv39x4): guest-physical addresses of 41 bits,
   * a 16 KiB root indexed by 11 bits; every leaf must be a user page.
   */
  guestStage?: boolean;
}

/** Shared by walks that do not record their steps: stays empty. */
const noSteps: WalkStep[] = [];

const levels = 3;
const ppnMask = (1n << 44n) - 1n;

/** True when bits 63:39 of a Sv39 virtual address all equal bit 38. */
export function isCanonicalSv39(va: bigint): boolean {
  const top = BigInt.asIntN(64, va) >> 38n;
  return top === 0n || top === -1n;
}

export function walkSv39(va: bigint, access: Access, context: WalkContext, memory: PteMemory): WalkOutcome {
  const steps = context.recordSteps === false ? noSteps : [];
  let references = 0;
  const fail = (kind: "page-fault" | "access-fault", reason: string): WalkOutcome => ({ kind, reason, steps, references });
  if (context.guestStage ? va >> 41n !== 0n : !isCanonicalSv39(va)) {
    return fail("page-fault", context.guestStage ? "guest-physical address wider than 41 bits" : "address is not sign-extended from bit 38");
  }
  let table = context.root;
  for (let level = levels - 1; level >= 0; level--) {
    const vpn = (va >> BigInt(12 + 9 * level)) & (context.guestStage && level === levels - 1 ? 0x7ffn : 0x1ffn);
    const pteAddress = table + vpn * 8n;
    const entry = memory.readPte(pteAddress);
    references++;
    if (steps !== noSteps) steps.push({ level, pteAddress, pte: entry });
    if (entry === undefined) return fail("access-fault", "page-table entry is not in RAM");
    if ((entry & pte.V) === 0n) return fail("page-fault", "entry not valid (V=0)");
    if (entry >> 54n !== 0n) return fail("page-fault", "reserved bits 63:54 set");
    if ((entry & pte.R) === 0n && (entry & pte.W) !== 0n) return fail("page-fault", "reserved combination W without R");
    const ppn = (entry >> 10n) & ppnMask;
    if ((entry & (pte.R | pte.X)) === 0n) {
      if (level === 0) return fail("page-fault", "pointer entry at the last level");
      table = ppn << 12n;
      continue;
    }
    const denied = permissionProblem(entry, access, context);
    if (denied) return fail("page-fault", denied);
    if (level > 0 && (ppn & ((1n << BigInt(9 * level)) - 1n)) !== 0n) return fail("page-fault", "misaligned superpage");
    let leaf = entry;
    const needDirty = access === Access.Write && (entry & pte.D) === 0n;
    // Debugger queries report what the hardware would do without changing the PTE.
    if (context.updateAccessedDirty && ((entry & pte.A) === 0n || needDirty)) {
      leaf = entry | pte.A | (access === Access.Write ? pte.D : 0n);
      if (!memory.writePte(pteAddress, leaf)) return fail("access-fault", "cannot update A/D bits");
    }
    const pageSize = 1n << BigInt(12 + 9 * level);
    const physicalAddress = ((ppn << 12n) & ~(pageSize - 1n)) | (va & (pageSize - 1n));
    return { kind: "ok", physicalAddress, pte: leaf, level, pageSize, steps, references };
  }
  return fail("page-fault", "no leaf");
}

/** Why a leaf PTE refuses this access, or undefined when it allows it. */
export function permissionProblem(entry: bigint, access: Access, context: WalkContext): string | undefined {
  const user = (entry & pte.U) !== 0n;
  if (context.privilege === 0 && !user) return "user access to a supervisor page (U=0)";
  if (context.privilege === 1 && user) {
    if (access === Access.Fetch) return "supervisor fetch from a user page";
    if (!context.sum) return "supervisor access to a user page with SUM=0";
  }
  switch (access) {
    case Access.Fetch:
      return (entry & pte.X) === 0n ? "page not executable (X=0)" : undefined;
    case Access.Read:
      if ((entry & pte.R) !== 0n) return undefined;
      return context.mxr && (entry & pte.X) !== 0n ? undefined : "page not readable (R=0)";
    case Access.Write:
      return (entry & pte.W) === 0n ? "page not writable (W=0)" : undefined;
  }
}
