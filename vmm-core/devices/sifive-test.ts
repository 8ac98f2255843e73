/**
 * SiFive test finisher (QEMU hw/misc/sifive_test.c) at 0x100000: a write to
 * offset 0 ends the run. Low 16 bits are the status, high 16 bits the code:
 *   0x3333 FAIL  → power off with `code` (QEMU exits with that code)
 *   0x5555 PASS  → power off with 0
 *   0x7777 RESET → machine reset
 * A FAIL with code 0 powers off with 1 instead, so a failure never reads as
 * a pass (QEMU would exit 0 there). Reads return 0. QEMU accepts 2- and
 * 4-byte accesses; other sizes are ignored here.
 */
import type { AccessSize, Device, DeviceSnapshot } from "../bus/device";
import type { PowerControl } from "../machine/power";
import { captureFields, restoreFields, type FieldState } from "../snapshot/fields";

export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

const SOURCE = "sifive_test";

export class SifiveTest implements Device {
  readonly name = "test";
  readonly kind = "sifive,test0";
  readonly size = 0x1000;
  /** Last command written, for the Devices view. */
  private last: number | undefined;

  constructor(private readonly power: PowerControl) {}

  read(_offset: number, _size: AccessSize): bigint {
    return 0n;
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    if (offset !== 0 || (size !== 2 && size !== 4)) return;
    const word = Number(value & (size === 2 ? 0xffffn : 0xffff_ffffn));
    const status = word & 0xffff;
    const code = (word >>> 16) & 0xffff;
    switch (status) {
      case FINISHER_FAIL:
        this.last = word;
        this.power.powerOff(code === 0 ? 1 : code, SOURCE);
        return;
      case FINISHER_PASS:
        this.last = word;
        this.power.powerOff(0, SOURCE);
        return;
      case FINISHER_RESET:
        this.last = word;
        this.power.reset(SOURCE);
        return;
      default:
        return; // QEMU logs a guest error and does nothing
    }
  }

  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["last"]) };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["last"], state, `sifive_test`);
  }

  reset(): void {
    this.last = undefined;
  }

  registerName(offset: number, _write: boolean): string {
    return offset === 0 ? "finisher" : `reserved+0x${offset.toString(16)}`;
  }

  snapshot(base: bigint): DeviceSnapshot {
    return {
      name: this.name,
      kind: this.kind,
      base,
      size: this.size,
      registers: [{ name: "finisher", offset: 0, value: this.last ?? 0, description: "last command written" }],
    };
  }
}
