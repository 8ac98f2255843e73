/**
 * Berkeley HTIF as riscv-tests and spike use it: the bus maps this device
 * over the 16 bytes at the ELF's `tohost` symbol (tohost at +0, fromhost
 * at +8). A tohost write is a command: device = bits 63:56, cmd = 55:48,
 * payload = 47:0.
 *   device 0 cmd 0, payload bit 0 set   → exit with code payload >> 1
 *   device 0 cmd 0, payload bit 0 clear → syscall block (magic_mem) at payload
 *   device 1 cmd 1                      → putchar(payload & 0xff)
 *   device 1 cmd 0                      → getchar (answered when input exists)
 * After a command tohost reads 0 and fromhost holds spike's acknowledgement
 * (device << 56 | cmd << 48 | 1); a getchar answer is
 * 0x0100_0000_0000_0000 | byte.
 *
 * A 64-bit store issues the command at once; RV32 guests store the low
 * half first, so a 4-byte store issues it only when it writes the high half.
 */
import type { AccessSize, Device, DeviceSnapshot, PhysicalMemoryAccess } from "../bus/device";
import type { ConsoleIO, ConsoleInput } from "../machine/console";
import type { PowerControl } from "../machine/power";
import { captureFields, restoreFields, type FieldState } from "../snapshot/fields";

export const SYS_write = 64;
export const SYS_exit = 93;
const ENOSYS = 38;
const EBADF = 9;
const EFAULT = 14;

const MASK48 = 0xffff_ffff_ffffn;
const MASK64 = 0xffff_ffff_ffff_ffffn;
const SOURCE = "htif";

export class Htif implements Device {
  readonly name = "htif";
  readonly kind = "riscv.htif";
  readonly size = 16;

  private tohost = 0n;
  private fromhost = 0n;
  private getcharWaiting = false;
  private commands = 0;

  /** `input` is optional: without it getchar requests are never answered. */
  constructor(
    private readonly power: PowerControl,
    private readonly console: ConsoleIO,
    private readonly memory: PhysicalMemoryAccess,
    private readonly input?: ConsoleInput,
  ) {}

  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["tohost", "fromhost", "getcharWaiting", "commands"]) };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["tohost", "fromhost", "getcharWaiting", "commands"], state, `htif`);
  }

  reset(): void {
    this.tohost = 0n;
    this.fromhost = 0n;
    this.getcharWaiting = false;
    this.commands = 0;
  }

  read(offset: number, size: AccessSize): bigint {
    const word = offset < 8 ? this.tohost : this.fromhost;
    const shift = BigInt(8 * (offset & 7));
    const mask = size === 8 ? MASK64 : (1n << BigInt(8 * size)) - 1n;
    return (word >> shift) & mask;
  }

  write(offset: number, size: AccessSize, value: bigint): void {
    const within = offset & 7;
    const shift = BigInt(8 * within);
    const mask = (size === 8 ? MASK64 : (1n << BigInt(8 * size)) - 1n) << shift;
    const merge = (word: bigint) => ((word & ~mask) | ((value << shift) & mask)) & MASK64;
    if (offset >= 8) {
      this.fromhost = merge(this.fromhost);
      // The guest clearing fromhost frees the channel for a waiting getchar.
      if (this.fromhost === 0n) this.pollInput();
      return;
    }
    this.tohost = merge(this.tohost);
    if (size === 8 || within + size === 8) this.execute(this.tohost);
  }

  /** Answer a waiting getchar once input is queued and fromhost is free. */
  pollInput(): void {
    if (!this.getcharWaiting || this.fromhost !== 0n || !this.input || this.input.available === 0) return;
    this.getcharWaiting = false;
    this.fromhost = (1n << 56n) | BigInt(this.input.take());
  }

  registerName(offset: number, _write: boolean): string {
    const base = offset < 8 ? "tohost" : "fromhost";
    return (offset & 7) === 4 ? `${base}.hi` : base;
  }

  snapshot(base: bigint): DeviceSnapshot {
    return {
      name: this.name,
      kind: this.kind,
      base,
      size: this.size,
      registers: [
        { name: "tohost", offset: 0, value: this.tohost },
        { name: "fromhost", offset: 8, value: this.fromhost },
      ],
      details: { commands: this.commands, getcharWaiting: this.getcharWaiting },
    };
  }

  private execute(command: bigint): void {
    if (command === 0n) return;
    this.commands++;
    const device = Number(command >> 56n);
    const cmd = Number((command >> 48n) & 0xffn);
    const payload = command & MASK48;
    this.tohost = 0n;
    if (device === 0 && cmd === 0) {
      if (payload & 1n) {
        this.power.powerOff(Number(payload >> 1n), SOURCE);
        return;
      }
      this.syscall(payload);
      this.acknowledge(device, cmd);
      return;
    }
    if (device === 1 && cmd === 1) {
      this.console.write(Uint8Array.of(Number(payload & 0xffn)));
      this.acknowledge(device, cmd);
      return;
    }
    if (device === 1 && cmd === 0) {
      this.getcharWaiting = true;
      this.pollInput();
      return;
    }
    // Unknown devices and commands are dropped, as spike does for absent devices.
  }

  private acknowledge(device: number, cmd: number): void {
    this.fromhost = (BigInt(device) << 56n) | (BigInt(cmd) << 48n) | 1n;
  }

  /** riscv-tests' magic_mem: [which, arg0, arg1, arg2, ...]; the result goes to magic_mem[0]. */
  private syscall(block: bigint): void {
    const arg = (i: number) => this.memory.readPhysical(block + BigInt(8 * i), 8);
    const which = arg(0);
    const a0 = arg(1) ?? 0n;
    const a1 = arg(2) ?? 0n;
    const a2 = arg(3) ?? 0n;
    let result: bigint;
    if (which === undefined) return; // nothing answers at that address
    if (which === BigInt(SYS_write)) {
      result = this.sysWrite(a0, a1, a2);
    } else if (which === BigInt(SYS_exit)) {
      this.power.powerOff(Number(BigInt.asIntN(32, a0)), SOURCE);
      return;
    } else {
      result = -BigInt(ENOSYS);
    }
    this.memory.writePhysical(block, 8, result & MASK64);
  }

  private sysWrite(fd: bigint, buffer: bigint, length: bigint): bigint {
    if (fd !== 1n && fd !== 2n) return -BigInt(EBADF);
    const bytes: number[] = [];
    for (let i = 0n; i < length; i++) {
      const b = this.memory.readPhysical(buffer + i, 1);
      if (b === undefined) {
        if (bytes.length === 0) return -BigInt(EFAULT);
        break;
      }
      bytes.push(Number(b));
    }
    this.console.write(Uint8Array.from(bytes));
    return BigInt(bytes.length);
  }
}
