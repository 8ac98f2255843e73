/**
 * Why the debugger stopped the machine: plain data the adapter turns into
 * a DAP stopped event and exceptionInfo.
 */
import type { ExitRecord } from "../hypervisor/exit-record";
import type { TrapRecord } from "../hart/trap-statistics";

export type WatchAccess = "read" | "write";

/**
 * A trap the hart is about to take, as the trap filter sees it before
 * anything changes: the trap record it will become, less its sequence
 * number and handler. `pc` is the faulting instruction (for an interrupt,
 * the one it comes before); `instret` identifies the occurrence, so the
 * same trap at the same point is not caught twice.
 */
export type PendingTrap = Omit<TrapRecord, "sequence" | "handler">;

export type DebugStop =
  /** The hart is about to execute an instruction at a breakpoint address; `ids` are the breakpoints that fired. */
  | { kind: "breakpoint"; hart: number; pc: bigint; ids: number[] }
  /** A load/store/AMO touched a watched range; the instruction has completed. */
  | {
      kind: "watchpoint";
      hart: number;
      /** Pc of the accessing instruction (the hart's pc is already past it). */
      pc: bigint;
      id: number;
      access: WatchAccess;
      address: bigint;
      size: number;
      /** Memory before a write (undefined when it could not be read without side effects, e.g. MMIO). */
      oldValue: bigint | undefined;
      /** Memory after the access. */
      value: bigint | undefined;
    }
  /** The hart is about to take a trap, held back: nothing of the faulting instruction is committed (traps are precise). */
  | { kind: "trap"; hart: number; trap: PendingTrap }
  /** The hart is about to execute an ecall that goes to the SBI. */
  | { kind: "ecall"; hart: number; pc: bigint; privilege: number; virt: boolean }
  /** The monitor logged (and handled) a VM exit. */
  | { kind: "exit"; hart: number; exit: ExitRecord }
  /** A stepping predicate said stop. */
  | { kind: "step"; hart: number };
