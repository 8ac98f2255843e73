/**
 * SiFive CLINT as QEMU 7.2 builds it for `virt` (hw/intc/riscv_aclint.c):
 * an ACLINT MSWI block (msip[h] at 0x0 + 4h) followed by an MTIMER block
 * (mtimecmp[h] at 0x4000 + 8h, mtime at 0xbff8).
 *
 * mtime is guest time from the GuestClock plus an offset set by writes to
 * mtime; the CLINT never reads the wall clock. MTIP is the level
 * mtime >= mtimecmp; the machine calls `update()` as time advances and
 * `nextDeadline()` to know when the next comparison can change.
 *
 * Access sizes as QEMU accepts them: msip is 4-byte only, mtimecmp and
 * mtime take 4- or 8-byte accesses (4-byte halves at +0/+4). Other sizes
 * fault in QEMU; here they read 0 and writes are dropped.
 */
import type { AccessSize, Device, DeviceSnapshot, GuestClock, HartInterruptSink, RegisterSnapshot } from "../bus/device";
import { captureFields, restoreFields, type FieldState } from "../snapshot/fields";

export const MIP_MSIP = 1 << 3;
export const MIP_MTIP = 1 << 7;

const MSIP_BASE = 0x0000;
const MTIMECMP_BASE = 0x4000;
const MTIME = 0xbff8;

const MASK32 = 0xffff_ffffn;
const MASK64 = 0xffff_ffff_ffff_ffffn;

/** Replace the 32-bit half of `word` at `half` (0 low, 1 high). */
function deposit32(word: bigint, half: number, value: bigint): bigint {
  const shift = BigInt(32 * half);
  return (word & ~(MASK32 << shift) & MASK64) | ((value & MASK32) << shift);
}

export class Clint implements Device {
  readonly name = "clint";
  readonly kind = "riscv.sifive.clint";
  readonly size = 0x1_0000;

  private readonly msip: Uint8Array;
  private readonly mtimecmp: bigint[];
  /** Level last driven onto each hart's MTIP; undefined forces the next update. */
  private readonly mtipDriven: (boolean | undefined)[];
  /** mtime = clock + delta (mod 2^64), set by guest writes to mtime. */
  private delta = 0n;

  constructor(
    readonly hartCount: number,
    private readonly clock: GuestClock,
    private readonly sink: HartInterruptSink,
  ) {
    this.msip = new Uint8Array(hartCount);
    this.mtimecmp = new Array<bigint>(hartCount).fill(0n);
    this.mtipDriven = new Array<boolean | undefined>(hartCount).fill(undefined);
    this.reset();
  }

  /**
   * Power-on state: msip clear, mtimecmp 0, mtime offset 0 (the guest clock
   * restarts with the machine). mtimecmp = 0 <= mtime, so MTIP starts
   * pending, as QEMU's mip reads 0x80 before the first instruction.
   */
  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["msip", "mtimecmp", "mtipDriven", "delta"]) };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["msip", "mtimecmp", "mtipDriven", "delta"], state, `clint`);
  }

  reset(): void {
    this.delta = 0n;
    for (let h = 0; h < this.hartCount; h++) {
      this.msip[h] = 0;
      this.sink.setPending(h, MIP_MSIP, false);
      this.mtimecmp[h] = 0n;
      this.mtipDriven[h] = undefined;
    }
    this.update();
  }

  mtime(): bigint {
    return (this.clock.mtime() + this.delta) & MASK64;
  }

  /** Re-evaluate MTIP for every hart against the current mtime. */
  update(): void {
    const now = this.mtime();
    for (let h = 0; h < this.hartCount; h++) this.driveMtip(h, now);
  }

  /** Smallest mtimecmp still in the future, i.e. when some MTIP rises next. */
  nextDeadline(): bigint | undefined {
    const now = this.mtime();
    let next: bigint | undefined;
    for (const cmp of this.mtimecmp) {
      if (cmp > now && (next === undefined || cmp < next)) next = cmp;
    }
    return next;
  }

  read(offset: number, size: AccessSize): bigint {
    const msipHart = this.msipHart(offset);
    if (msipHart !== undefined) return size === 4 ? BigInt(this.msip[msipHart]) : 0n;
    if (size !== 4 && size !== 8) return 0n;
    const cmpHart = this.mtimecmpHart(offset);
    if (cmpHart !== undefined) return this.readWord(this.mtimecmp[cmpHart], offset & 7, size);
    if (offset === MTIME || offset === MTIME + 4) return this.readWord(this.mtime(), offset - MTIME, size);
    return 0n;
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    const msipHart = this.msipHart(offset);
    if (msipHart !== undefined) {
      if (size !== 4) return;
      this.msip[msipHart] = Number(value & 1n);
      this.sink.setPending(msipHart, MIP_MSIP, this.msip[msipHart] === 1);
      return;
    }
    if (size !== 4 && size !== 8) return;
    const cmpHart = this.mtimecmpHart(offset);
    if (cmpHart !== undefined) {
      this.mtimecmp[cmpHart] = this.writeWord(this.mtimecmp[cmpHart], offset & 7, size, value);
      this.driveMtip(cmpHart, this.mtime());
      return;
    }
    if (offset === MTIME || offset === MTIME + 4) {
      const written = this.writeWord(this.mtime(), offset - MTIME, size, value);
      this.delta = (written - this.clock.mtime()) & MASK64;
      this.update();
    }
  }

  registerName(offset: number, _write: boolean): string {
    const msipHart = this.msipHart(offset);
    if (msipHart !== undefined) return `msip[${msipHart}]`;
    const cmpHart = this.mtimecmpHart(offset);
    if (cmpHart !== undefined) return `mtimecmp[${cmpHart}]${(offset & 7) === 4 ? ".hi" : ""}`;
    if (offset === MTIME) return "mtime";
    if (offset === MTIME + 4) return "mtime.hi";
    return `reserved+0x${offset.toString(16)}`;
  }

  snapshot(base: bigint): DeviceSnapshot {
    const now = this.mtime();
    const registers: RegisterSnapshot[] = [];
    for (let h = 0; h < this.hartCount; h++) {
      registers.push({ name: `msip[${h}]`, offset: MSIP_BASE + 4 * h, value: this.msip[h] });
    }
    for (let h = 0; h < this.hartCount; h++) {
      registers.push({ name: `mtimecmp[${h}]`, offset: MTIMECMP_BASE + 8 * h, value: this.mtimecmp[h] });
    }
    registers.push({ name: "mtime", offset: MTIME, value: now, description: "guest clock + written offset" });
    return {
      name: this.name,
      kind: this.kind,
      base,
      size: this.size,
      registers,
      details: {
        mtimeOffset: this.delta,
        mtip: this.mtimecmp.map((cmp) => now >= cmp),
        nextDeadline: this.nextDeadline(),
      },
    };
  }

  private msipHart(offset: number): number | undefined {
    if (offset < MSIP_BASE || offset >= MSIP_BASE + 4 * this.hartCount || offset & 3) return undefined;
    return (offset - MSIP_BASE) >> 2;
  }

  private mtimecmpHart(offset: number): number | undefined {
    if (offset < MTIMECMP_BASE || offset >= MTIMECMP_BASE + 8 * this.hartCount || offset & 3) return undefined;
    return (offset - MTIMECMP_BASE) >> 3;
  }

  /** QEMU: an access at +0 returns the low half (4 bytes) or all 64 bits; at +4 the high half. */
  private readWord(word: bigint, within: number, size: AccessSize): bigint {
    if (within === 4) return (word >> 32n) & MASK32;
    return size === 4 ? word & MASK32 : word;
  }

  private writeWord(word: bigint, within: number, size: AccessSize, value: bigint): bigint {
    if (within === 4) return deposit32(word, 1, value);
    return size === 4 ? deposit32(word, 0, value) : value & MASK64;
  }

  private driveMtip(hart: number, now: bigint): void {
    const level = now >= this.mtimecmp[hart];
    if (this.mtipDriven[hart] === level) return;
    this.mtipDriven[hart] = level;
    this.sink.setPending(hart, MIP_MTIP, level);
  }
}
