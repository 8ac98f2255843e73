/**
 * A recording SbiHost for the SBI tests: real vCPUs, a small guest RAM at
 * 0x8000_0000, console queues, and a log of every call the SBI layer made.
 */
import { VirtualCpu } from "../../vcpu";
import type { RemoteFenceKind, SbiHost } from "../sbi-host";
import type { SbiArguments } from "../sbi-extension";

export type HostCall =
  | { method: "setTimer"; hartId: number; deadline: bigint }
  | { method: "sendSoftwareInterrupt"; hartIds: number[] }
  | { method: "remoteFence"; hartIds: number[]; kind: RemoteFenceKind; start: bigint; size: bigint; asid: bigint }
  | { method: "hartStart"; hartId: number; startAddress: bigint; opaque: bigint }
  | { method: "hartStop"; hartId: number }
  | { method: "hartSuspend"; hartId: number; resume?: { address: bigint; opaque: bigint } }
  | { method: "systemReset"; resetType: number; reason: number };

export const ramBase = 0x8000_0000n;

export class FakeSbiHost implements SbiHost {
  readonly calls: HostCall[] = [];
  readonly vcpus: VirtualCpu[];
  readonly ram: Uint8Array;
  readonly consoleOutput: number[] = [];
  consoleInput: number[] = [];
  now = 1000n;
  /** What hartStart / hartStop answer (an SBI error code). */
  hartStartAnswer = 0;
  hartStopAnswer = 0;

  constructor(
    readonly hartCount = 4,
    ramSize = 0x1_0000,
  ) {
    this.vcpus = Array.from({ length: hartCount }, (_, id) => new VirtualCpu(id, id === 0));
    this.ram = new Uint8Array(ramSize);
  }

  vcpu(hartId: number): VirtualCpu {
    const vcpu = this.vcpus[hartId];
    if (vcpu === undefined) throw new RangeError(`SBI layer asked for hart ${hartId} of ${this.hartCount}`);
    return vcpu;
  }
  mtime(): bigint {
    return this.now;
  }
  setTimer(vcpu: VirtualCpu, deadline: bigint): void {
    this.calls.push({ method: "setTimer", hartId: vcpu.hartId, deadline });
  }
  sendSoftwareInterrupt(hartIds: readonly number[]): void {
    this.calls.push({ method: "sendSoftwareInterrupt", hartIds: [...hartIds] });
  }
  remoteFence(hartIds: readonly number[], kind: RemoteFenceKind, start: bigint, size: bigint, asid: bigint): void {
    this.calls.push({ method: "remoteFence", hartIds: [...hartIds], kind, start, size, asid });
  }
  hartStart(hartId: number, startAddress: bigint, opaque: bigint): number {
    this.calls.push({ method: "hartStart", hartId, startAddress, opaque });
    if (this.hartStartAnswer === 0) this.vcpu(hartId).state = "start-pending";
    return this.hartStartAnswer;
  }
  hartStop(vcpu: VirtualCpu): number {
    this.calls.push({ method: "hartStop", hartId: vcpu.hartId });
    if (this.hartStopAnswer === 0) vcpu.state = "stopped";
    return this.hartStopAnswer;
  }
  hartSuspend(vcpu: VirtualCpu, resume?: { address: bigint; opaque: bigint }): void {
    this.calls.push(resume ? { method: "hartSuspend", hartId: vcpu.hartId, resume } : { method: "hartSuspend", hartId: vcpu.hartId });
    vcpu.state = "suspended";
    vcpu.waiting = true;
  }
  systemReset(resetType: number, reason: number): void {
    this.calls.push({ method: "systemReset", resetType, reason });
  }
  consoleWrite(bytes: Uint8Array): void {
    this.consoleOutput.push(...bytes);
  }
  consoleReadAvailable(max: number): Uint8Array {
    return Uint8Array.from(this.consoleInput.splice(0, max));
  }
  private ramOffset(gpa: bigint, length: number): number | undefined {
    const offset = gpa - ramBase;
    return offset >= 0n && offset + BigInt(length) <= BigInt(this.ram.length) ? Number(offset) : undefined;
  }
  readGuestPhysical(gpa: bigint, length: number): Uint8Array | undefined {
    const offset = this.ramOffset(gpa, length);
    return offset === undefined ? undefined : this.ram.slice(offset, offset + length);
  }
  writeGuestPhysical(gpa: bigint, bytes: Uint8Array): boolean {
    const offset = this.ramOffset(gpa, bytes.length);
    if (offset === undefined) return false;
    this.ram.set(bytes, offset);
    return true;
  }

  get consoleText(): string {
    return String.fromCharCode(...this.consoleOutput);
  }
}

/** Registers for an ecall: EID, FID and the arguments a0, a1 … (the rest 0). */
export function ecall(eid: bigint, fid: bigint, ...a: bigint[]): SbiArguments {
  const arg = (index: number) => a[index] ?? 0n;
  return { a0: arg(0), a1: arg(1), a2: arg(2), a3: arg(3), a4: arg(4), a5: arg(5), a6: fid, a7: eid };
}
