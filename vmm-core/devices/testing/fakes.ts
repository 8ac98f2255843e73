/**
 * Recording fakes for device tests: each one keeps every call it received
 * so a test can assert on the exact sequence a device produced.
 */
import type { AccessSize, GuestClock, HartInterruptSink, IrqLine, PhysicalMemoryAccess } from "../../bus/device";
import type { ConsoleIO } from "../../machine/console";
import type { PowerControl } from "../../machine/power";

export class RecordingIrqLine implements IrqLine {
  readonly calls: boolean[] = [];
  get level(): boolean {
    return this.calls.length > 0 && this.calls[this.calls.length - 1];
  }
  set(level: boolean): void {
    this.calls.push(level);
  }
}

export interface PendingCall {
  hartId: number;
  mask: number;
  level: boolean;
}

/** Keeps a mip image per hart, plus the raw call log. */
export class RecordingSink implements HartInterruptSink {
  readonly calls: PendingCall[] = [];
  private readonly mip = new Map<number, number>();
  setPending(hartId: number, mask: number, level: boolean): void {
    this.calls.push({ hartId, mask, level });
    const old = this.mip.get(hartId) ?? 0;
    this.mip.set(hartId, level ? old | mask : old & ~mask);
  }
  mipOf(hartId: number): number {
    return this.mip.get(hartId) ?? 0;
  }
}

export class RecordingConsole implements ConsoleIO {
  readonly bytes: number[] = [];
  write(bytes: Uint8Array): void {
    for (const b of bytes) this.bytes.push(b);
  }
  get text(): string {
    return new TextDecoder().decode(new Uint8Array(this.bytes));
  }
}

export class RecordingPower implements PowerControl {
  readonly calls: { kind: "off" | "reset"; code?: number; source: string }[] = [];
  powerOff(code: number, source: string): void {
    this.calls.push({ kind: "off", code, source });
  }
  reset(source: string): void {
    this.calls.push({ kind: "reset", source });
  }
}

export class FakeClock implements GuestClock {
  constructor(public now = 0n) {}
  mtime(): bigint {
    return this.now;
  }
}

/** Sparse little-endian RAM over [base, base + size). */
export class FakeMemory implements PhysicalMemoryAccess {
  readonly data: Uint8Array;
  constructor(readonly base: bigint, size: number) {
    this.data = new Uint8Array(size);
  }
  private index(address: bigint, size: number): number | undefined {
    const i = address - this.base;
    if (i < 0n || i + BigInt(size) > BigInt(this.data.length)) return undefined;
    return Number(i);
  }
  readPhysical(address: bigint, size: AccessSize): bigint | undefined {
    const i = this.index(address, size);
    if (i === undefined) return undefined;
    let v = 0n;
    for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(this.data[i + k]);
    return v;
  }
  writePhysical(address: bigint, size: AccessSize, value: bigint): boolean {
    const i = this.index(address, size);
    if (i === undefined) return false;
    for (let k = 0; k < size; k++) this.data[i + k] = Number((value >> BigInt(8 * k)) & 0xffn);
    return true;
  }
}
