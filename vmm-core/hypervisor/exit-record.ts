/**
 * One VM exit as the monitor logs it: why the guest left, where, and what
 * the monitor did about it. Records are plain data so the command line,
 * the debug adapter and tests all read the same thing.
 */

/** Exit reasons (the `reason` field); `detail` refines them (CSR name, SBI function, device register). */
export type ExitReason =
  | "csr-read"
  | "csr-write"
  | "sret"
  | "sfence.vma"
  | "wfi"
  | "sbi"
  | "shadow-fill"
  | "nested-fill"
  | "guest-page-fault"
  | "mmio-read"
  | "mmio-write"
  | "interrupt-injected"
  | "illegal-instruction-injected"
  | "exception-injected"
  | "timer"
  | "external-interrupt";

export interface ExitRecord {
  /** Position in the whole run (0, 1, 2 …), also after the ring has dropped older records. */
  sequence: number;
  vcpu: number;
  /** Guest instructions retired on this vCPU's hart when the exit happened. */
  instret: number;
  reason: ExitReason;
  /** e.g. "sstatus", "TIME.set_timer", "uart0.THR", "load page fault". */
  detail: string;
  /** Guest pc of the instruction that exited. */
  pc: bigint;
  /** Raw instruction bits, when an instruction caused the exit. */
  instruction?: number;
  /** objdump-style disassembly of that instruction. */
  disassembly?: string;
  /** What the monitor did: "sstatus 0x0 → 0x2", "a0=0 a1=0", "shadow PTE … created", "injected scause=13". */
  handling: string;
  /**
   * Deterministic cost of handling the exit, in monitor work units: guest
   * memory references (page-table reads and writes), device accesses and
   * instructions decoded. Host time is kept only in the statistics, so the
   * log itself is identical run after run.
   */
  cost: number;
  /**
   * Mode binary-translation: the instruction was rewritten into a direct
   * call of the monitor's emulation, so it never trapped (not a VM exit,
   * logged to show what the rewrite saved).
   */
  translated?: boolean;
}
