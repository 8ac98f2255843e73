/**
 * SiFive PLIC as QEMU 7.2 configures it for `virt` (hw/intc/sifive_plic.c):
 * 96 sources (source 0 reserved), 3 priority bits (VIRT_IRQCHIP_NUM_PRIO_BITS),
 * two contexts per hart: 2h drives mip.MEIP, 2h+1 drives mip.SEIP.
 *
 * Behaviour checked against QEMU 7.2 itself: priority and threshold are
 * WARL (value mod 8), enable words store all 32 bits (bit 0 included),
 * only 4-byte accesses answer (QEMU faults other sizes; here they read 0
 * and writes are dropped), and an enable write alone does not change the
 * MEIP/SEIP outputs until the next event that re-evaluates them.
 *
 * Sources are level-triggered exactly as in QEMU: every `set(level)` call
 * copies the level into the pending bit. Claim clears pending and marks
 * the source claimed, which masks it until completion; completion does not
 * resample the line. So, like QEMU's devices, a device must call `set` on
 * every status update (not only on level changes), or a source claimed
 * while its line stays high is not seen again.
 */
import type { AccessSize, Device, DeviceSnapshot, HartInterruptSink, IrqLine, RegisterSnapshot } from "../bus/device";
import { plicSourceCount } from "../machine/memory-map";
import { captureFields, restoreFields, type FieldState } from "../snapshot/fields";

export const MIP_SEIP = 1 << 9;
export const MIP_MEIP = 1 << 11;

/** VIRT_IRQCHIP_NUM_PRIO_BITS = 3: priorities 0..7. */
export const plicMaxPriority = 7;

const PRIORITY_BASE = 0x0;
const PENDING_BASE = 0x1000;
const ENABLE_BASE = 0x2000;
const ENABLE_STRIDE = 0x80;
const CONTEXT_BASE = 0x20_0000;
const CONTEXT_STRIDE = 0x1000;

const WORDS = (plicSourceCount + 31) >> 5;

export class Plic implements Device {
  readonly name = "plic";
  readonly kind = "riscv.sifive.plic";
  readonly size = 0x60_0000;
  readonly contextCount: number;

  private readonly priority = new Uint32Array(plicSourceCount);
  private readonly pending = new Uint32Array(WORDS);
  private readonly claimed = new Uint32Array(WORDS);
  /** Context that claimed each source (-1: none), for the Devices view. */
  private readonly claimedBy = new Int16Array(plicSourceCount).fill(-1);
  /** Last level each device drove, shown in the Devices view. */
  private readonly lineLevel = new Uint8Array(plicSourceCount);
  private readonly enable: Uint32Array;
  private readonly threshold: Uint32Array;
  private readonly outputDriven: (boolean | undefined)[];

  constructor(
    readonly hartCount: number,
    private readonly sink: HartInterruptSink,
  ) {
    this.contextCount = 2 * hartCount;
    this.enable = new Uint32Array(this.contextCount * WORDS);
    this.threshold = new Uint32Array(this.contextCount);
    this.outputDriven = new Array<boolean | undefined>(this.contextCount).fill(undefined);
    this.reset();
  }

  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["priority", "pending", "claimed", "claimedBy", "lineLevel", "enable", "threshold", "outputDriven"]) };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["priority", "pending", "claimed", "claimedBy", "lineLevel", "enable", "threshold", "outputDriven"], state, `plic`);
  }

  reset(): void {
    this.priority.fill(0);
    this.pending.fill(0);
    this.claimed.fill(0);
    this.claimedBy.fill(-1);
    this.enable.fill(0);
    this.threshold.fill(0);
    this.outputDriven.fill(undefined);
    this.update();
  }

  /** The wire from a device to source `source` (1 .. plicSourceCount-1). */
  irqLine(source: number): IrqLine {
    if (!Number.isInteger(source) || source < 1 || source >= plicSourceCount) {
      throw new RangeError(`PLIC source ${source} out of range 1..${plicSourceCount - 1}`);
    }
    return {
      set: (level: boolean) => {
        this.lineLevel[source] = level ? 1 : 0;
        this.setBit(this.pending, source, level);
        this.update();
      },
    };
  }

  /** mip bit context `ctx` drives: even contexts M-mode (MEIP), odd S-mode (SEIP). */
  static contextTarget(ctx: number): { hart: number; mode: "M" | "S"; mask: number } {
    return ctx & 1 ? { hart: ctx >> 1, mode: "S", mask: MIP_SEIP } : { hart: ctx >> 1, mode: "M", mask: MIP_MEIP };
  }

  read(offset: number, size: AccessSize): bigint {
    if (size !== 4 || offset & 3) return 0n;
    if (offset < PENDING_BASE) {
      const source = (offset - PRIORITY_BASE) >> 2;
      return source < plicSourceCount ? BigInt(this.priority[source]) : 0n;
    }
    if (offset < ENABLE_BASE) {
      const word = (offset - PENDING_BASE) >> 2;
      return word < WORDS ? BigInt(this.pending[word]) : 0n;
    }
    const en = this.enableIndex(offset);
    if (en !== undefined) return BigInt(this.enable[en]);
    const ctx = this.contextRegister(offset);
    if (ctx === undefined) return 0n;
    if (ctx.reg === 0) return BigInt(this.threshold[ctx.ctx]);
    if (ctx.reg === 4) return BigInt(this.claim(ctx.ctx));
    return 0n;
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    if (size !== 4 || offset & 3) return;
    const v = Number(value & 0xffff_ffffn);
    if (offset < PENDING_BASE) {
      const source = (offset - PRIORITY_BASE) >> 2;
      if (source === 0 || source >= plicSourceCount) return;
      this.priority[source] = v % (plicMaxPriority + 1);
      this.update();
      return;
    }
    if (offset < ENABLE_BASE) return; // pending bits are read-only
    const en = this.enableIndex(offset);
    if (en !== undefined) {
      // QEMU 7.2 does not re-evaluate the outputs here; the next update
      // (a line change, claim, complete, priority or threshold write) does.
      this.enable[en] = v;
      return;
    }
    const ctx = this.contextRegister(offset);
    if (ctx === undefined) return;
    if (ctx.reg === 0) {
      this.threshold[ctx.ctx] = v % (plicMaxPriority + 1);
      this.update();
    } else if (ctx.reg === 4) {
      this.complete(v);
    }
  }

  registerName(offset: number, write: boolean): string {
    if (offset < PENDING_BASE) return `priority[${offset >> 2}]`;
    if (offset < ENABLE_BASE) return `pending[${(offset - PENDING_BASE) >> 2}]`;
    const rel = offset - ENABLE_BASE;
    if (offset < CONTEXT_BASE && rel < this.contextCount * ENABLE_STRIDE) {
      return `enable[${Math.floor(rel / ENABLE_STRIDE)}][${(rel & (ENABLE_STRIDE - 1)) >> 2}]`;
    }
    const ctx = this.contextRegister(offset);
    if (ctx?.reg === 0) return `threshold[${ctx.ctx}]`;
    if (ctx?.reg === 4) return `${write ? "complete" : "claim"}[${ctx.ctx}]`;
    return `reserved+0x${offset.toString(16)}`;
  }

  snapshot(base: bigint): DeviceSnapshot {
    const registers: RegisterSnapshot[] = [];
    for (let s = 1; s < plicSourceCount; s++) {
      if (this.priority[s]) registers.push({ name: `priority[${s}]`, offset: 4 * s, value: this.priority[s] });
    }
    for (let w = 0; w < WORDS; w++) {
      registers.push({ name: `pending[${w}]`, offset: PENDING_BASE + 4 * w, value: this.pending[w] });
    }
    const contexts = [];
    for (let c = 0; c < this.contextCount; c++) {
      const { hart, mode } = Plic.contextTarget(c);
      registers.push({ name: `threshold[${c}]`, offset: CONTEXT_BASE + CONTEXT_STRIDE * c, value: this.threshold[c] });
      contexts.push({
        context: c,
        hart,
        mode,
        threshold: this.threshold[c],
        enabled: this.sources((s) => this.isEnabled(c, s)),
        claimed: this.sources((s) => this.claimedBy[s] === c),
        pendingEnabled: this.best(c),
        output: this.best(c) !== 0,
      });
    }
    return {
      name: this.name,
      kind: this.kind,
      base,
      size: this.size,
      registers,
      details: {
        priorities: Object.fromEntries(this.sources((s) => this.priority[s] !== 0).map((s) => [s, this.priority[s]])),
        pending: this.sources((s) => this.getBit(this.pending, s)),
        claimed: this.sources((s) => this.getBit(this.claimed, s)),
        lineHigh: this.sources((s) => this.lineLevel[s] !== 0),
        contexts,
      },
    };
  }

  private claim(ctx: number): number {
    const source = this.best(ctx);
    if (source !== 0) {
      this.setBit(this.pending, source, false);
      this.setBit(this.claimed, source, true);
      this.claimedBy[source] = ctx;
    }
    this.update();
    return source;
  }

  private complete(source: number): void {
    if (source >= plicSourceCount) return;
    this.setBit(this.claimed, source, false);
    this.claimedBy[source] = -1;
    this.update();
  }

  /**
   * Highest-priority source pending, enabled and not claimed, with priority
   * above the context's threshold; the lowest id wins ties. 0 when none.
   */
  private best(ctx: number): number {
    let bestSource = 0;
    let bestPriority = this.threshold[ctx];
    for (let w = 0; w < WORDS; w++) {
      let candidates = this.pending[w] & ~this.claimed[w] & this.enable[ctx * WORDS + w];
      while (candidates) {
        const bit = 31 - Math.clz32(candidates & -candidates);
        candidates &= candidates - 1;
        const source = (w << 5) + bit;
        if (this.priority[source] > bestPriority) {
          bestSource = source;
          bestPriority = this.priority[source];
        }
      }
    }
    return bestSource;
  }

  private update(): void {
    for (let c = 0; c < this.contextCount; c++) {
      const level = this.best(c) !== 0;
      if (this.outputDriven[c] === level) continue;
      this.outputDriven[c] = level;
      const { hart, mask } = Plic.contextTarget(c);
      this.sink.setPending(hart, mask, level);
    }
  }

  private enableIndex(offset: number): number | undefined {
    if (offset < ENABLE_BASE || offset >= ENABLE_BASE + this.contextCount * ENABLE_STRIDE) return undefined;
    const ctx = Math.floor((offset - ENABLE_BASE) / ENABLE_STRIDE);
    const word = (offset & (ENABLE_STRIDE - 1)) >> 2;
    return word < WORDS ? ctx * WORDS + word : undefined;
  }

  private contextRegister(offset: number): { ctx: number; reg: number } | undefined {
    if (offset < CONTEXT_BASE || offset >= CONTEXT_BASE + this.contextCount * CONTEXT_STRIDE) return undefined;
    return { ctx: Math.floor((offset - CONTEXT_BASE) / CONTEXT_STRIDE), reg: offset & (CONTEXT_STRIDE - 1) };
  }

  private isEnabled(ctx: number, source: number): boolean {
    return ((this.enable[ctx * WORDS + (source >> 5)] >>> (source & 31)) & 1) === 1;
  }

  private getBit(words: Uint32Array, source: number): boolean {
    return ((words[source >> 5] >>> (source & 31)) & 1) === 1;
  }

  private setBit(words: Uint32Array, source: number, value: boolean): void {
    const bit = 1 << (source & 31);
    if (value) words[source >> 5] |= bit;
    else words[source >> 5] &= ~bit;
  }

  private sources(predicate: (source: number) => boolean): number[] {
    const out: number[] = [];
    for (let s = 1; s < plicSourceCount; s++) if (predicate(s)) out.push(s);
    return out;
  }
}
