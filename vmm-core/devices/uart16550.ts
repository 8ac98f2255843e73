/**
 * ns16550a UART as QEMU 7.2 models it (hw/char/serial.c through serial-mm,
 * register shift 0): eight byte-wide registers, 16-byte receive FIFO,
 * IIR priorities, QEMU's THRE-interrupt rules and loopback.
 *
 * Transmission is instantaneous: a THR write reaches the console (or, in
 * loopback, the receiver) before the write returns, so the transmit FIFO
 * never holds a byte and LSR.THRE/TEMT read back set.
 */
import type { AccessSize, Device, DeviceSnapshot, IrqLine, RegisterSnapshot } from "../bus/device";
import type { ConsoleIO, ConsoleInput } from "../machine/console";
import { captureFields, restoreFields, type FieldState } from "../snapshot/fields";

const FIFO_LENGTH = 16;

const LCR_DLAB = 0x80;

/** Consecutive LSR reads that mark a guest polling for input. */
const inputPollThreshold = 4;
const IER_RDI = 0x01;
const IER_THRI = 0x02;
const IER_RLSI = 0x04;
const IER_MSI = 0x08;

const IIR_NO_INT = 0x01;
const IIR_ID = 0x06;
const IIR_MSI = 0x00;
const IIR_THRI = 0x02;
const IIR_RDI = 0x04;
const IIR_RLSI = 0x06;
const IIR_CTI = 0x0c;
const IIR_FE = 0xc0;

const FCR_FE = 0x01;
const FCR_RFR = 0x02;
const FCR_XFR = 0x04;
/** FCR bits that stick: enable, DMA mode, trigger level. */
const FCR_STICKY = 0xc9;

const MCR_LOOP = 0x10;
const MCR_OUT2 = 0x08;

const LSR_DR = 0x01;
const LSR_OE = 0x02;
const LSR_BI = 0x10;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;
/** Bits that raise a receiver-line-status interrupt: OE, PE, FE, BI. */
const LSR_INT_ANY = 0x1e;

const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_DCD = 0x80;
const MSR_ANY_DELTA = 0x0f;

/** Receive trigger level by FCR bits 7:6 (16550A byte counts). */
const TRIGGER_LEVELS = [1, 4, 8, 14] as const;

const REGISTER_NAMES = ["RBR", "IER", "IIR", "LCR", "MCR", "LSR", "MSR", "SCR"] as const;

export class Uart16550 implements Device {
  readonly kind = "ns16550a";
  /** QEMU virt maps 0x100 bytes; only the first 8 are registers. */
  readonly size = 0x100;

  private rbr = 0;
  private thr = 0;
  private ier = 0;
  private iir = IIR_NO_INT;
  private fcr = 0;
  private lcr = 0;
  private mcr = MCR_OUT2;
  private lsr = LSR_TEMT | LSR_THRE;
  private msr = MSR_DCD | MSR_DSR | MSR_CTS;
  private scr = 0;
  private divider = 0x0c;
  private readonly rxFifo: number[] = [];
  private triggerLevel = 1;
  private thrIpending = false;
  private timeoutIpending = false;
  /**
   * QEMU raises the character-timeout interrupt 4 character times after the
   * last receive. Without a baud-rate clock, one `pollInput` period with no
   * new byte stands in for that interval.
   */
  private timeoutArmed = false;
  /** Consecutive LSR reads with no other register access between them. */
  private lsrPolls = 0;
  private irqLevel = false;
  /** Register accesses and bytes sent to the console since power-on (not cleared by reset): the emulated side of the emulated-vs-paravirtual figures. */
  readonly traffic = { accesses: 0, bytesOut: 0 };

  constructor(
    readonly name: string,
    private readonly irq: IrqLine,
    private readonly console: ConsoleIO,
    private readonly input: ConsoleInput,
  ) {
    this.reset();
  }

  /** Snapshot support (vmm-core/snapshot): the registers and internal state, not the wiring. */
  saveState(): FieldState {
    return { ...captureFields(this, ["rbr", "thr", "ier", "iir", "fcr", "lcr", "mcr", "lsr", "msr", "scr", "divider", "rxFifo", "triggerLevel", "thrIpending", "timeoutIpending", "timeoutArmed", "lsrPolls", "irqLevel", "traffic"]) };
  }

  loadState(state: unknown): void {
    restoreFields(this, ["rbr", "thr", "ier", "iir", "fcr", "lcr", "mcr", "lsr", "msr", "scr", "divider", "rxFifo", "triggerLevel", "thrIpending", "timeoutIpending", "timeoutArmed", "lsrPolls", "irqLevel", "traffic"], state, `${this.name}`);
  }

  reset(): void {
    this.rbr = 0;
    this.thr = 0;
    this.ier = 0;
    this.iir = IIR_NO_INT;
    this.fcr = 0;
    this.triggerLevel = 1;
    this.lcr = 0;
    this.mcr = MCR_OUT2;
    this.lsr = LSR_TEMT | LSR_THRE;
    this.msr = MSR_DCD | MSR_DSR | MSR_CTS;
    this.scr = 0;
    this.divider = 0x0c;
    this.rxFifo.length = 0;
    this.thrIpending = false;
    this.timeoutIpending = false;
    this.timeoutArmed = false;
    this.irqLevel = false;
    this.irq.set(false);
  }

  /**
   * Move queued console input into the receiver while it has room — only
   * for a guest that takes receive interrupts. A polling guest pulls input
   * when it reads LSR, so typed-ahead input is not lost to a FIFO reset the
   * guest's driver does at initialisation (U-Boot's ns16550 init does one).
   */
  pollInput(): void {
    if (this.mcr & MCR_LOOP) return; // loopback disconnects the serial input
    const received = (this.ier & IER_RDI) !== 0 && this.acceptInput();
    if (!received && this.timeoutArmed && this.fifoEnabled && this.rxFifo.length > 0) {
      this.timeoutArmed = false;
      this.timeoutIpending = true;
      this.updateIrq();
    }
  }

  read(offset: number, _size: AccessSize): bigint {
    this.traffic.accesses++;
    if (offset >= 8) return 0n;
    return BigInt(this.readRegister(offset));
  }

  write(offset: number, _size: AccessSize, value: bigint): void {
    this.traffic.accesses++;
    if (offset >= 8) return;
    this.lsrPolls = 0;
    // serial-mm passes only the low byte to the 8-bit register file.
    this.writeRegister(offset, Number(value & 0xffn));
  }

  registerName(offset: number, write: boolean): string {
    if (offset >= 8) return `reserved+0x${offset.toString(16)}`;
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    if (offset === 0) return dlab ? "DLL" : write ? "THR" : "RBR";
    if (offset === 1) return dlab ? "DLM" : "IER";
    if (offset === 2) return write ? "FCR" : "IIR";
    if (offset === 5 && write) return "LSR (read-only)";
    if (offset === 6 && write) return "MSR (read-only)";
    return REGISTER_NAMES[offset];
  }

  snapshot(base: bigint): DeviceSnapshot {
    const reg = (name: string, offset: number, value: number, description: string): RegisterSnapshot => ({
      name,
      offset,
      value,
      description,
    });
    return {
      name: this.name,
      kind: this.kind,
      base,
      size: this.size,
      registers: [
        reg("RBR", 0, this.fifoEnabled ? (this.rxFifo[0] ?? 0) : this.rbr, "next received byte"),
        reg("THR", 0, this.thr, "last transmitted byte"),
        reg("IER", 1, this.ier, "interrupt enable"),
        reg("IIR", 2, this.iir, "interrupt identification"),
        reg("FCR", 2, this.fcr, "FIFO control (sticky bits)"),
        reg("LCR", 3, this.lcr, "line control"),
        reg("MCR", 4, this.mcr, "modem control"),
        reg("LSR", 5, this.lsr, "line status"),
        reg("MSR", 6, this.loopbackMsr() ?? this.msr, "modem status"),
        reg("SCR", 7, this.scr, "scratch"),
        reg("DLL", 0, this.divider & 0xff, "divisor latch low (LCR.DLAB=1)"),
        reg("DLM", 1, (this.divider >> 8) & 0xff, "divisor latch high (LCR.DLAB=1)"),
      ],
      details: {
        rxFifo: [...this.rxFifo],
        fifoEnabled: this.fifoEnabled,
        triggerLevel: this.triggerLevel,
        divisor: this.divider,
        loopback: (this.mcr & MCR_LOOP) !== 0,
        thrInterruptPending: this.thrIpending,
        timeoutInterruptPending: this.timeoutIpending,
        irq: this.irqLevel,
        inputQueued: this.input.available,
      },
    };
  }

  private get fifoEnabled(): boolean {
    return (this.fcr & FCR_FE) !== 0;
  }

  private readRegister(reg: number): number {
    if (reg !== 5) this.lsrPolls = 0;
    switch (reg) {
      case 0:
        return this.lcr & LCR_DLAB ? this.divider & 0xff : this.readRbr();
      case 1:
        return this.lcr & LCR_DLAB ? (this.divider >> 8) & 0xff : this.ier;
      case 2: {
        const value = this.iir;
        // Reading IIR while it reports THRE acknowledges that interrupt.
        if ((value & IIR_ID) === IIR_THRI) {
          this.thrIpending = false;
          this.updateIrq();
        }
        return value;
      }
      case 3:
        return this.lcr;
      case 4:
        return this.mcr;
      case 5: {
        // Typed-ahead input reaches a polling guest once it polls for input: several LSR reads in a
        // row (printing alternates LSR and THR; driver initialisation reads or resets in between).
        if (++this.lsrPolls >= inputPollThreshold && !(this.mcr & MCR_LOOP) && !(this.lsr & LSR_DR)) this.acceptInput();
        const value = this.lsr;
        if (this.lsr & (LSR_BI | LSR_OE)) {
          this.lsr &= ~(LSR_BI | LSR_OE);
          this.updateIrq();
        }
        return value;
      }
      case 6: {
        const loop = this.loopbackMsr();
        if (loop !== undefined) return loop;
        const value = this.msr;
        if (this.msr & MSR_ANY_DELTA) {
          this.msr &= 0xf0;
          this.updateIrq();
        }
        return value;
      }
      default:
        return this.scr;
    }
  }

  private readRbr(): number {
    let value: number;
    if (this.fifoEnabled) {
      value = this.rxFifo.length > 0 ? this.rxFifo.shift()! : 0;
      if (this.rxFifo.length === 0) {
        this.lsr &= ~(LSR_DR | LSR_BI);
        this.timeoutArmed = false;
      } else {
        this.timeoutArmed = true;
      }
      this.timeoutIpending = false;
    } else {
      value = this.rbr;
      this.lsr &= ~(LSR_DR | LSR_BI);
    }
    this.updateIrq();
    // Like qemu_chr_fe_accept_input: a polling guest sees a steady stream.
    if (!(this.mcr & MCR_LOOP)) this.acceptInput();
    return value;
  }

  private writeRegister(reg: number, value: number): void {
    switch (reg) {
      case 0:
        if (this.lcr & LCR_DLAB) this.divider = (this.divider & 0xff00) | value;
        else this.transmit(value);
        return;
      case 1:
        if (this.lcr & LCR_DLAB) {
          this.divider = (this.divider & 0x00ff) | (value << 8);
          return;
        }
        this.writeIer(value);
        return;
      case 2:
        this.writeFcr(value);
        return;
      case 3:
        this.lcr = value;
        return;
      case 4:
        this.mcr = value & 0x1f;
        return;
      case 7:
        this.scr = value;
        return;
      default:
        return; // LSR and MSR are read-only
    }
  }

  private writeIer(value: number): void {
    const changed = (this.ier ^ value) & 0x0f;
    this.ier = value & 0x0f;
    // QEMU resamples THRE whenever IER.THRI changes (Windows relies on it).
    if (changed & IER_THRI) {
      this.thrIpending = (this.ier & IER_THRI) !== 0 && (this.lsr & LSR_THRE) !== 0;
    }
    if (changed) this.updateIrq();
  }

  private writeFcr(value: number): void {
    // Toggling the enable bit flushes both FIFOs.
    if ((value ^ this.fcr) & FCR_FE) value |= FCR_XFR | FCR_RFR;
    if (value & FCR_RFR) {
      // Bytes the guest never read go back to the host queue: a driver's reset loses no typed-ahead input.
      const unread = this.fifoEnabled ? this.rxFifo : this.lsr & LSR_DR ? [this.rbr] : [];
      this.input.unshift(Uint8Array.from(unread));
      this.lsr &= ~(LSR_DR | LSR_BI);
      this.timeoutIpending = false;
      this.timeoutArmed = false;
      this.rxFifo.length = 0;
    }
    if (value & FCR_XFR) {
      this.lsr |= LSR_THRE;
      this.thrIpending = true;
    }
    this.fcr = value & FCR_STICKY;
    if (this.fcr & FCR_FE) {
      this.iir |= IIR_FE;
      this.triggerLevel = TRIGGER_LEVELS[(this.fcr >> 6) & 3];
    } else {
      this.iir &= ~IIR_FE;
    }
    this.updateIrq();
  }

  /** THR write followed by QEMU's serial_xmit, which completes at once. */
  private transmit(byte: number): void {
    this.thr = byte;
    this.thrIpending = false;
    this.lsr &= ~(LSR_THRE | LSR_TEMT);
    this.updateIrq();
    this.lsr |= LSR_THRE;
    if (!this.thrIpending) {
      this.thrIpending = true;
      this.updateIrq();
    }
    if (this.mcr & MCR_LOOP) this.receive(byte);
    else {
      this.console.write(Uint8Array.of(byte));
      this.traffic.bytesOut++;
    }
    this.lsr |= LSR_TEMT;
  }

  private canReceive(): boolean {
    return this.fifoEnabled ? this.rxFifo.length < FIFO_LENGTH : (this.lsr & LSR_DR) === 0;
  }

  /** True when at least one byte moved from the console input. */
  private acceptInput(): boolean {
    let received = false;
    while (this.canReceive() && this.input.available > 0) {
      this.receive(this.input.take());
      received = true;
    }
    return received;
  }

  private receive(byte: number): void {
    if (this.fifoEnabled) {
      // Receive overruns do not overwrite FIFO contents.
      if (this.rxFifo.length < FIFO_LENGTH) this.rxFifo.push(byte);
      else this.lsr |= LSR_OE;
      this.lsr |= LSR_DR;
      this.timeoutArmed = true;
    } else {
      if (this.lsr & LSR_DR) this.lsr |= LSR_OE;
      this.rbr = byte;
      this.lsr |= LSR_DR;
    }
    this.updateIrq();
  }

  /** In loopback the modem outputs (DTR, RTS, OUT1, OUT2) feed the inputs. */
  private loopbackMsr(): number | undefined {
    if (!(this.mcr & MCR_LOOP)) return undefined;
    return ((this.mcr & 0x0c) << 4) | ((this.mcr & 0x02) << 3) | ((this.mcr & 0x01) << 5);
  }

  /** serial_update_irq: highest-priority cause into IIR, and the IRQ line. */
  private updateIrq(): void {
    let id = IIR_NO_INT;
    if (this.ier & IER_RLSI && this.lsr & LSR_INT_ANY) {
      id = IIR_RLSI;
    } else if (this.ier & IER_RDI && this.timeoutIpending) {
      id = IIR_CTI;
    } else if (
      this.ier & IER_RDI &&
      this.lsr & LSR_DR &&
      (!this.fifoEnabled || this.rxFifo.length >= this.triggerLevel)
    ) {
      id = IIR_RDI;
    } else if (this.ier & IER_THRI && this.thrIpending) {
      id = IIR_THRI;
    } else if (this.ier & IER_MSI && this.msr & MSR_ANY_DELTA) {
      id = IIR_MSI;
    }
    this.iir = id | (this.iir & 0xf0);
    this.irqLevel = id !== IIR_NO_INT;
    // QEMU calls qemu_set_irq on every update, not only on changes.
    this.irq.set(this.irqLevel);
  }
}
