/**
 * What handling one shadow page fault came to. A "hidden" fault is the
 * monitor's business alone (the shadow was simply missing the entry); the
 * other kinds are what the guest would have seen on real hardware, and the
 * monitor injects them or emulates the device access.
 */
import { Access } from "../../hart/mmu";
import type { Permissions } from "./permissions";

/** The shadow entry a hidden fault created. */
export interface ShadowFill {
  /** Guest-virtual page (4 KiB aligned). */
  va: bigint;
  /** Guest-physical page it maps to. */
  gpa: bigint;
  /** Host-physical page the shadow maps it to. */
  hpa: bigint;
  /** Shadow leaf permissions as "rwx" / "r-x" … */
  permissions: string;
  rights: Permissions;
  /** Level of the guest's leaf (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB); the shadow leaf is always 4 KiB. */
  guestLevel: number;
  /** Guest-physical address of the guest's leaf PTE; undefined with guest paging off. */
  guestPteAddress?: bigint;
  /** The guest's leaf PTE after A/D reflection. */
  guestPte?: bigint;
  /** A/D bits this fault set in the guest's PTE. */
  accessedSet: boolean;
  dirtySet: boolean;
  shadowPteAddress: bigint;
  shadowPte: bigint;
  /** True when the frame pool ran dry and every shadow was dropped before this fill. */
  startedOver: boolean;
}

export type PageFaultCause = 12 | 13 | 15;
export type AccessFaultCause = 1 | 5 | 7;

export type FaultOutcome =
  | { kind: "hidden"; created: ShadowFill; cost: number }
  | { kind: "true"; cause: PageFaultCause; reason: string; cost: number }
  | { kind: "access-fault"; cause: AccessFaultCause; reason: string; cost: number }
  | { kind: "mmio"; gpa: bigint; cost: number };

export function pageFaultCause(access: Access): PageFaultCause {
  return access === Access.Fetch ? 12 : access === Access.Write ? 15 : 13;
}

export function accessFaultCause(access: Access): AccessFaultCause {
  return access === Access.Fetch ? 1 : access === Access.Write ? 7 : 5;
}

const hex = (value: bigint): string => `0x${value.toString(16)}`;

/** One line for the exit record's `handling` field. */
export function describeOutcome(outcome: FaultOutcome): string {
  switch (outcome.kind) {
    case "hidden": {
      const f = outcome.created;
      const ad = [f.accessedSet ? "A" : "", f.dirtySet ? "D" : ""].join("");
      return (
        `shadow PTE ${hex(f.va)} → ${hex(f.hpa)} (gpa ${hex(f.gpa)}) ${f.permissions} created` +
        (ad ? `, guest ${ad} set` : "") +
        (f.startedOver ? ", shadows dropped (frame pool full)" : "")
      );
    }
    case "true":
      return `guest page fault (scause=${outcome.cause}): ${outcome.reason}`;
    case "access-fault":
      return `guest access fault (scause=${outcome.cause}): ${outcome.reason}`;
    case "mmio":
      return `MMIO at gpa ${hex(outcome.gpa)}`;
  }
}
