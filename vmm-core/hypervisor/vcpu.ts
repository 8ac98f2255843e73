/**
 * A virtual CPU: the guest's view of a hart, kept apart from the physical
 * hart (RVirt's context.rs). The guest's general registers and pc live in
 * the physical hart while the guest runs; everything privileged — the
 * virtual privilege level and the supervisor CSRs — lives here.
 */

/** Virtual sstatus bits the guest can see and set (the sstatus subset of mstatus). */
export const virtualStatus = {
  SIE: 1 << 1,
  SPIE: 1 << 5,
  SPP: 1 << 8,
  SUM: 1 << 18,
  MXR: 1 << 19,
} as const;

export type HartState = "started" | "stopped" | "start-pending" | "stop-pending" | "suspended";

export class VirtualSupervisorCsrs {
  /** Virtual sstatus, low 32 bits (UXL = 2 is reported on read). */
  sstatus = 0;
  sie = 0;
  /** Virtual pending bits: SSIP, STIP, SEIP. */
  sip = 0;
  stvec = 0n;
  sscratch = 0n;
  sepc = 0n;
  scause = 0n;
  stval = 0n;
  satp = 0n;
  scounteren = 0;
  senvcfg = 0n;
  /**
   * The guest's one timer deadline (mtime units; all ones = none): Sstc's
   * stimecmp, which SBI TIME.set_timer writes too, as OpenSBI does when the
   * hart has Sstc. STIP follows time >= stimecmp.
   */
  stimecmp = 0xffff_ffff_ffff_ffffn;
}

export class VirtualCpu {
  /** Virtual privilege: 1 = the guest kernel (virtual S-mode), 0 = guest user code. */
  priv: 0 | 1 = 1;
  readonly csr = new VirtualSupervisorCsrs();
  /** SBI HSM state. */
  state: HartState;
  /** Set by WFI until a virtual interrupt is pending. */
  waiting = false;

  constructor(
    readonly hartId: number,
    started: boolean,
  ) {
    this.state = started ? "started" : "stopped";
  }
}
