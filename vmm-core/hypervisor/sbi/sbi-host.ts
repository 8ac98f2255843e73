/**
 * What the SBI implementation needs from the monitor. The monitor
 * implements this; the SBI code never touches the physical hart, the bus
 * or the devices directly, so every extension is testable with a fake.
 */
import type { VirtualCpu } from "../vcpu";

export type RemoteFenceKind = "fence.i" | "sfence.vma" | "sfence.vma.asid";

export interface SbiHost {
  /** Number of virtual harts; valid hart ids are 0 .. hartCount - 1. */
  readonly hartCount: number;
  vcpu(hartId: number): VirtualCpu;
  /** Current value of the (virtual) mtime counter, in timer ticks. */
  mtime(): bigint;
  /**
   * Arms the vCPU's supervisor timer for `deadline` (mtime units; all ones
   * disarms it) and clears its pending STIP, as TIME.set_timer requires.
   */
  setTimer(vcpu: VirtualCpu, deadline: bigint): void;
  /** Raises virtual SSIP on every listed hart. */
  sendSoftwareInterrupt(hartIds: readonly number[]): void;
  /**
   * Makes the listed harts execute the fence. For the sfence kinds the range
   * is [start, start + size); size = 2^64 - 1 means the whole address space.
   */
  remoteFence(hartIds: readonly number[], kind: RemoteFenceKind, start: bigint, size: bigint, asid: bigint): void;
  /**
   * Starts a stopped hart in virtual S-mode at `startAddress` (guest-physical,
   * MMU off) with a0 = hartId, a1 = opaque. The SBI layer has already checked
   * the hart id, that the hart is stopped and that the address is guest RAM.
   * Returns an SBI error code: 0 when started, else e.g. -1 (SBI_ERR_FAILED).
   */
  hartStart(hartId: number, startAddress: bigint, opaque: bigint): number;
  /** Stops the calling vCPU; returns 0, or -1 (SBI_ERR_FAILED) when it cannot. */
  hartStop(vcpu: VirtualCpu): number;
  /**
   * Suspends the calling vCPU until an interrupt it enables (sie) is
   * pending, whatever sstatus.SIE says: WFI's wake-up condition. Retentive
   * (no `resume`): the ecall then returns. Non-retentive: the vCPU then
   * starts at resume.address in S-mode with the MMU off, a0 = hart id,
   * a1 = resume.opaque (the SBI layer has checked the address is guest RAM).
   */
  hartSuspend(vcpu: VirtualCpu, resume?: { address: bigint; opaque: bigint }): void;
  /** resetType: 0 shutdown, 1 cold reboot, 2 warm reboot; reason: 0 none, 1 system failure. */
  systemReset(resetType: number, reason: number): void;
  /** Bytes for the console (the UART's host side). Accepts everything. */
  consoleWrite(bytes: Uint8Array): void;
  /** Takes up to `max` bytes of pending console input; empty when none. */
  consoleReadAvailable(max: number): Uint8Array;
  /** Guest-physical RAM contents, or undefined when any byte is not guest RAM. */
  readGuestPhysical(gpa: bigint, length: number): Uint8Array | undefined;
  /** Writes guest-physical RAM; false (and nothing written) when any byte is not guest RAM. */
  writeGuestPhysical(gpa: bigint, bytes: Uint8Array): boolean;
}
