/**
 * The board: harts, RAM and devices wired like QEMU's `virt` (TinyEMU's
 * riscv_machine.c), the images loaded as QEMU's -bios/-kernel would, and a
 * run loop that advances guest time from instructions retired so every run
 * is deterministic.
 */
import { Bus } from "../bus/bus";
import { Ram } from "../bus/ram";
import type { GuestClock, HartInterruptSink } from "../bus/device";
import { Hart } from "../hart/hart";
import { Clint } from "../devices/clint";
import { Plic } from "../devices/plic";
import { Uart16550 } from "../devices/uart16550";
import { SifiveTest } from "../devices/sifive-test";
import { Htif } from "../devices/htif";
import { ResetRom } from "../devices/reset-rom";
import { attachVirtioSlots } from "../devices/virtio/virtio-slots";
import type { DriveOptions } from "../devices/virtio/block-storage";
import type { VirtioMmio } from "../devices/virtio/virtio-mmio";
import type { VirtioConsole } from "../devices/virtio/virtio-console";
import type { VirtioBalloon } from "../devices/virtio/virtio-balloon";
import type { RandomSource } from "../devices/virtio/virtio-rng";
import { machineDeviceSnapshots, type DeviceSnapshotInfo } from "../devices/snapshot";
import { balloonTargetPages, guestMemoryAccounting, type BalloonInfo, type MemoryAccountingInfo } from "../devices/virtio/balloon-accounting";
import { loadImage, checkPlacement, type LoadableImage } from "../loader/image";
import type { ElfSymbol } from "../loader/elf";
import { buildVirtDeviceTree, fdtLoadAddress } from "../loader/device-tree";
import { ConsoleInput, type ConsoleIO } from "./console";
import type { PowerControl } from "./power";
import { LoadError, UserInputError } from "./errors";
import { memoryMap, irqNumbers, timebaseFrequency, kernelLoadAddressWithBios } from "./memory-map";
import { maxMemoryBytes } from "./memory-size";
import type { Monitor } from "../hypervisor/monitor";
import type { HardwareAssistedMonitor } from "../hypervisor/hardware-assisted";
import { createHardwareAssistedMonitor, createTrapAndEmulateMonitor } from "../hypervisor/trap-and-emulate";
import type { Engine } from "../hart/hart";
import { defaultEngine, engineProblem } from "../hart/translator/engine";
import { restoreMachineSnapshot, saveMachineSnapshot } from "../snapshot/machine-snapshot";
import { enableBinaryTranslation } from "../hypervisor/binary-translation";

export interface MachineOptions {
  /** RAM size in bytes. */
  memory: number;
  harts?: number;
  /** Firmware (ELF or raw) loaded at the start of RAM; undefined = none. */
  bios?: Uint8Array;
  biosName?: string;
  /** The kernel: after the firmware at 0x8020_0000 (raw) or at its ELF addresses; without firmware, the program run bare. */
  kernel?: Uint8Array;
  kernelName?: string;
  append?: string;
  /** A device tree blob to hand the guest instead of the generated one (QEMU's -dtb). */
  dtb?: Uint8Array;
  /** Guest time: instructions retired per mtime tick (10 MHz timebase). */
  instructionsPerTick?: number;
  /**
   * How the guest runs: "none" = on the bare machine (firmware included);
   * "trap-and-emulate" = the kernel runs deprivileged under vmscope's
   * monitor, which is its SBI, with shadow page tables; "binary-translation"
   * = the same, with the kernel's privileged instructions rewritten into
   * direct monitor calls by the translator (hypervisor/binary-translation.ts).
   */
  mode?: VirtualizationMode;
  /** Capacity of the VM-exit ring (statistics are always complete). */
  exitLogSize?: number;
  /** Execution engine: "interpreter" (the reference) or "translator" (blocks of generated JavaScript); default from VMSCOPE_ENGINE, else the translator. */
  engine?: Engine;
  /** Give the harts the hypervisor (H) extension (misa.H, HS/VS/VU, two-stage translation). */
  hypervisorExtension?: boolean;
  console?: ConsoleIO;
  /** Disk images, one virtio-blk each: drive 0 in the last virtio slot, then downwards, rng, console and balloon after them (devices/virtio/virtio-slots.ts). */
  drives?: DriveOptions[];
  /** Balloon target at power-on, in MiB of guest RAM the guest should give back (--balloon). */
  balloon?: number;
  /** virtio-rng's bytes: "seeded" (default, repeatable) or "host" (--rng host). */
  rng?: RandomSource;
}

export type VirtualizationMode = "none" | "trap-and-emulate" | "hardware-assisted" | "binary-translation";
export const virtualizationModes: readonly VirtualizationMode[] = ["none", "trap-and-emulate", "hardware-assisted", "binary-translation"];

/** Host RAM the monitor keeps for itself (shadow page tables) below the guest's RAM. */
const monitorRegionBytes = 32 * 1024 * 1024;

/** "debug": the debugger (vmm-core/debug) stopped the machine; its `stop` says why. */
export type StopReason = "budget" | "poweroff" | "reset" | "halted" | "debug";

export interface RunResult {
  reason: StopReason;
  instructions: number;
}

export interface PowerState {
  state: "running" | "off" | "reset";
  exitCode: number;
  source: string;
}

export interface MachineStatistics {
  instructions: number;
  trapsByCause: Record<string, number>;
  instructionsByPrivilege: { M: number; S: number; U: number };
  tlb: { hits: number; misses: number; walks: number; walkMemoryReferences: number };
}

/** riscv,isa of our harts, as the device tree announces it. */
export const hartIsa = "rv64imac_zicsr_zifencei_sstc";
/** Instructions a hart runs before the others get their turn. */
const multiHartQuantum = 1000;
/** Longest stretch between device polls (UART input) on a single hart. */
const singleHartQuantum = 100_000;

export class Machine {
  readonly harts: Hart[];
  readonly bus: Bus;
  readonly ram: Ram;
  readonly input = new ConsoleInput();
  readonly clint: Clint;
  readonly plic: Plic;
  readonly uart: Uart16550;
  /** The eight virtio-mmio slots, slot 0 at 0x1000_1000 (empty ones answer DeviceID 0). */
  readonly virtio: VirtioMmio[];
  /** virtio-console: port 0 shares the UART's console and input. */
  readonly virtioConsole: VirtioConsole;
  readonly balloon: VirtioBalloon;
  readonly power: PowerState = { state: "running", exitCode: 0, source: "" };
  readonly symbols: ElfSymbol[];
  readonly images: LoadableImage[];
  readonly deviceTree: Uint8Array;
  readonly deviceTreeAddress: bigint;
  readonly instructionsPerTick: number;
  /** Whether step() may take interrupts (QEMU's gdbstub masks them while single-stepping). */
  stepInterrupts = true;
  readonly mode: VirtualizationMode;
  /** The monitor, in the virtualized modes. */
  readonly monitor: Monitor | HardwareAssistedMonitor | undefined;
  /** Host-physical minus guest-physical address of guest RAM (0 on the bare machine). */
  readonly guestRamOffset: bigint;
  private current: Hart;
  private readonly htif: Htif | undefined;
  /** What the machine was built from: a snapshot records it and is only restored into a machine built alike. */
  private readonly options: MachineOptions;

  constructor(options: MachineOptions) {
    this.options = options;
    const hartCount = options.harts ?? 1;
    if (!Number.isInteger(hartCount) || hartCount < 1 || hartCount > 8) {
      throw new UserInputError(`harts: ${hartCount} is not a hart count from 1 to 8`);
    }
    if (!Number.isInteger(options.memory) || options.memory <= 0 || options.memory > maxMemoryBytes || options.memory % 4096 !== 0) {
      throw new UserInputError(`memory: ${options.memory} bytes is not a RAM size from 4K to 16G in whole 4K pages`);
    }
    if (!options.bios && !options.kernel) throw new UserInputError("nothing to run: give a kernel ELF (or --bios firmware)");
    this.instructionsPerTick = options.instructionsPerTick ?? 10;
    if (!Number.isInteger(this.instructionsPerTick) || this.instructionsPerTick < 1) {
      throw new UserInputError(`instructionsPerTick: ${options.instructionsPerTick} must be a positive integer`);
    }
    this.mode = options.mode ?? "none";
    if (!virtualizationModes.includes(this.mode)) {
      throw new UserInputError(`mode: '${options.mode}' is not a mode; use one of ${virtualizationModes.join(", ")}`);
    }
    if (this.mode !== "none" && options.bios) {
      throw new UserInputError(`mode ${this.mode}: the monitor is the guest's SBI, so no --bios; give the kernel only`);
    }
    if (this.mode !== "none" && !options.kernel) throw new UserInputError(`mode ${this.mode}: give a kernel to run`);
    const console = options.console ?? { write: () => {} };

    this.images = this.loadImages(options);
    checkPlacement(this.images, { base: memoryMap.dram.base, size: BigInt(options.memory) });
    this.symbols = this.images.flatMap((image) => image.symbols);

    this.guestRamOffset = this.mode === "none" ? 0n : BigInt(monitorRegionBytes);
    this.ram = new Ram(memoryMap.dram.base, options.memory + Number(this.guestRamOffset));
    this.bus = new Bus(this.ram);
    const sink: HartInterruptSink = { setPending: (hart, mask, level) => this.harts[hart]?.setPendingFromHardware(mask, level) };
    // The harts read time through the CLINT (QEMU's rdtime reads the ACLINT's mtime, offset included).
    const clock: GuestClock = { mtime: () => this.clint.mtime() };
    this.harts = Array.from({ length: hartCount }, (_, id) => new Hart(id, this.bus, clock));
    // The hardware-assisted mode needs the H extension; otherwise it is the user's choice.
    for (const hart of this.harts) hart.hypervisorExtension = options.hypervisorExtension === true || this.mode === "hardware-assisted";
    const engine = options.engine ?? defaultEngine();
    const badEngine = engineProblem(engine);
    if (badEngine) throw new UserInputError(badEngine);
    if (this.mode === "binary-translation" && options.engine === "interpreter") {
      throw new UserInputError("mode binary-translation rewrites the guest kernel's code: it runs on the translator, not engine interpreter");
    }
    for (const hart of this.harts) hart.engine = engine;
    this.current = this.harts[0];
    const rawClock: GuestClock = { mtime: () => BigInt(Math.floor(this.current.cycles / this.instructionsPerTick)) };
    this.clint = new Clint(hartCount, rawClock, sink);
    this.ram.onPageWritten = (page) => {
      for (const hart of this.harts) hart.tlb.invalidateCode(page);
    };
    // A page the balloon took: no hart may keep a view of its old buffer.
    this.ram.onPageDiscarded = (page) => {
      for (const hart of this.harts) {
        hart.tlb.invalidateCode(page);
        hart.tlb.flush();
      }
    };
    for (const hart of this.harts) this.bus.codePageWatchers.push((page) => hart.tlb.forgetWritablePage(page));

    const power: PowerControl = {
      powerOff: (code, source) => this.stop("off", code, source),
      reset: (source) => this.stop("reset", 0, source),
    };
    this.plic = new Plic(hartCount, sink);
    this.uart = new Uart16550("uart0", this.plic.irqLine(irqNumbers.uart0), console, this.input);

    this.deviceTree =
      options.dtb ??
      buildVirtDeviceTree({
        memoryBase: memoryMap.dram.base,
        memoryBytes: BigInt(options.memory),
        harts: hartCount,
        isa: options.hypervisorExtension ? hartIsa.replace("rv64imac", "rv64imach") : hartIsa,
        mmuType: "riscv,sv39",
        bootargs: options.append,
        timebaseFrequency,
        powerDevice: this.mode === "none",
        virtioSlots: memoryMap.virtio.count,
      });
    this.deviceTreeAddress = fdtLoadAddress(memoryMap.dram.base, BigInt(options.memory), this.deviceTree.length);
    // QEMU puts the tree at the top of RAM; with little RAM it would land on the program itself.
    const treeImage: LoadableImage = {
      kind: "raw",
      fileName: "the device tree",
      entry: 0n,
      symbols: [],
      segments: [{ address: this.deviceTreeAddress, data: this.deviceTree, memorySize: this.deviceTree.length }],
    };
    try {
      checkPlacement([...this.images, treeImage], { base: memoryMap.dram.base, size: BigInt(options.memory) });
    } catch (error) {
      if (error instanceof LoadError) throw new LoadError(`${error.message.split(";")[0]}: the device tree goes at the top of RAM, so give more --memory`);
      throw error;
    }
    const firmware = options.bios ? this.images[0] : undefined;
    const kernel = options.kernel ? this.images[this.images.length - 1] : undefined;
    // QEMU's reset vector always enters the start of RAM; fw_dynamic_info tells the firmware where the kernel is.
    const rom = new ResetRom(memoryMap.dram.base, this.deviceTreeAddress, {
      nextAddress: firmware && kernel ? kernel.entry : 0n,
      nextMode: 1,
    });

    this.bus.attach(memoryMap.resetRom.base, rom);
    this.bus.attach(memoryMap.test.base, new SifiveTest(power));
    this.bus.attach(memoryMap.clint.base, this.clint);
    this.bus.attach(memoryMap.plic.base, this.plic);
    this.bus.attach(memoryMap.uart0.base, this.uart);
    // Device DMA is guest-physical: under a monitor it goes through its map, never outside guest RAM.
    const virtio = attachVirtioSlots(this.bus, this.plic, {
      base: memoryMap.dram.base,
      size: BigInt(options.memory),
      hostOffset: () => (this.monitor ? this.monitor.map.hostRamBase - this.monitor.map.guestRamBase : 0n),
    }, { drives: options.drives ?? [], console, input: this.input, balloonPages: balloonTargetPages(options.balloon, options.memory), rng: options.rng });
    this.virtio = virtio.slots;
    this.virtioConsole = virtio.console;
    this.balloon = virtio.balloon;
    const tohost = this.symbols.find((symbol) => symbol.name === "tohost");
    if (tohost) {
      this.htif = new Htif(power, console, this.bus, this.input);
      this.bus.attach(tohost.value + this.guestRamOffset, this.htif);
    }
    const monitorOptions = {
      guestRamBase: memoryMap.dram.base,
      guestRamSize: BigInt(options.memory),
      monitorRegionSize: this.guestRamOffset,
      exitLogSize: options.exitLogSize,
      power,
      console,
    };
    this.monitor =
      this.mode === "trap-and-emulate" || this.mode === "binary-translation"
        ? createTrapAndEmulateMonitor(this, monitorOptions)
        : this.mode === "hardware-assisted"
          ? createHardwareAssistedMonitor(this, monitorOptions)
          : undefined;
    // Binary translation is trap-and-emulate with the guest kernel's privileged instructions rewritten by the translator.
    if (this.mode === "binary-translation") enableBinaryTranslation(this.monitor as Monitor, this.harts);
    this.loadMemory();
  }

  private loadImages(options: MachineOptions): LoadableImage[] {
    const images: LoadableImage[] = [];
    if (options.bios) images.push(loadImage(options.bios, options.biosName ?? "bios", memoryMap.dram.base));
    if (options.kernel) {
      const rawAddress = options.bios ? kernelLoadAddressWithBios : memoryMap.dram.base;
      images.push(loadImage(options.kernel, options.kernelName ?? "kernel", rawAddress));
    }
    return images;
  }

  /**
   * Copies the images and the device tree into RAM (at their guest-physical
   * addresses, which the monitor's map moves in the virtualized modes) and
   * starts the harts: at the reset vector on the bare machine, in the
   * guest kernel under the monitor.
   */
  private loadMemory(): void {
    this.ram.clear();
    const offset = this.guestRamOffset;
    for (const image of this.images) {
      for (const segment of image.segments) this.bus.writeBytes(segment.address + offset, segment.data);
    }
    if (!this.bus.writeBytes(this.deviceTreeAddress + offset, this.deviceTree)) {
      throw new UserInputError("the device tree does not fit in RAM; give more --memory");
    }
    for (const hart of this.harts) hart.reset(memoryMap.resetRom.base);
    if (this.monitor) this.monitor.start(this.images[this.images.length - 1].entry, this.deviceTreeAddress);
  }

  private stop(state: "off" | "reset", code: number, source: string): void {
    this.power.state = state;
    this.power.exitCode = code;
    this.power.source = source;
    for (const hart of this.harts) hart.stopRequested = true;
  }

  /** The complete VM as snapshot bytes (vmm-core/snapshot); this machine's translation caches are flushed too. */
  saveSnapshot(): Uint8Array {
    return saveMachineSnapshot(this, this.options);
  }

  /** Restores a snapshot saved by a machine built with the same options (a SnapshotError says which differs). */
  loadSnapshot(bytes: Uint8Array): void {
    restoreMachineSnapshot(this, this.options, bytes);
  }

  /** A new machine built from `options`, continuing where the snapshot was saved. */
  static fromSnapshot(bytes: Uint8Array, options: MachineOptions): Machine {
    const machine = new Machine(options);
    machine.loadSnapshot(bytes);
    return machine;
  }

  /** Back to power-on: RAM reloaded, devices reset, harts at the reset vector (or the monitor restarted). */
  reset(): void {
    for (const region of this.bus.regions) region.device.reset();
    this.monitor?.flushTranslations();
    this.loadMemory();
    this.power.state = "running";
    this.power.exitCode = 0;
    this.power.source = "";
  }

  /** Runs up to `budget` instructions in total, all harts taking turns. */
  run(budget: number): RunResult {
    let executed = 0;
    while (executed < budget) {
      if (this.power.state !== "running") return { reason: this.power.state === "off" ? "poweroff" : "reset", instructions: executed };
      const slice = this.sliceLength(budget - executed);
      if (slice === 0) return { reason: "halted", instructions: executed };
      const roundEnd = this.harts[0].cycles + slice;
      for (const hart of this.harts) {
        this.current = hart;
        while (hart.cycles < roundEnd && !hart.waiting && this.power.state === "running") {
          const before = hart.cycles;
          hart.run(roundEnd - hart.cycles);
          executed += hart.cycles - before;
          if (hart.debug?.stopPending) {
            // Every hart stops with the one that hit: the rest of the round is not run.
            this.current = this.harts[0];
            return { reason: "debug", instructions: executed };
          }
        }
        // A waiting hart's time passes too.
        if (hart.waiting && hart.cycles < roundEnd) hart.cycles = roundEnd;
      }
      this.current = this.harts[0];
      this.updateDevices();
    }
    return { reason: "budget", instructions: executed };
  }

  /** One instruction on one hart (a trap taken counts as the step, as QEMU's gdbstub does). */
  step(hartId = 0): void {
    const hart = this.harts[hartId];
    this.current = hart;
    hart.stepInterrupts = this.stepInterrupts;
    hart.step();
    this.updateDevices();
    this.current = this.harts[0];
  }

  /**
   * How far all harts may run before a device needs attention: the next
   * timer deadline, the polling quantum, or the budget. 0 when every hart
   * waits and nothing will ever wake it.
   */
  private sliceLength(remaining: number): number {
    const quantum = this.harts.length > 1 ? multiHartQuantum : singleHartQuantum;
    let slice = Math.min(remaining, quantum);
    const deadline = this.nextDeadlineCycles();
    const now = this.harts[0].cycles;
    const allWaiting = this.harts.every((hart) => hart.waiting);
    if (deadline !== undefined) {
      const until = Math.max(1, deadline - now);
      if (allWaiting) {
        // Nothing runs until the deadline: let guest time jump there.
        for (const hart of this.harts) hart.cycles = Math.max(hart.cycles, deadline);
        this.updateDevices();
        return Math.min(slice, 1);
      }
      slice = Math.min(slice, until);
    } else if (allWaiting) {
      this.uart.pollInput();
      this.virtioConsole.pollInput();
      return this.harts.some((hart) => !hart.waiting) ? slice : 0;
    }
    return slice;
  }

  /** Guest cycle count at which the next timer interrupt (CLINT or Sstc) becomes pending. */
  private nextDeadlineCycles(): number | undefined {
    let deadline = this.clint.nextDeadline();
    for (const hart of this.harts) {
      const own = hart.supervisorTimerDeadline();
      if (own !== undefined && (deadline === undefined || own < deadline)) deadline = own;
    }
    if (deadline === undefined) return undefined;
    this.current = this.harts[0];
    const now = this.clint.mtime();
    if (deadline <= now) return this.harts[0].cycles;
    const ticks = deadline - now;
    const cycles = this.harts[0].cycles;
    const rawNow = Math.floor(cycles / this.instructionsPerTick);
    const target = (BigInt(rawNow) + ticks) * BigInt(this.instructionsPerTick);
    return target > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(target);
  }

  private updateDevices(): void {
    this.clint.update();
    for (const hart of this.harts) {
      this.current = hart;
      hart.updateSupervisorTimer();
    }
    this.current = this.harts[0];
    this.uart.pollInput();
    this.virtioConsole.pollInput();
    this.htif?.pollInput();
  }

  /** Asks the guest's balloon driver to hold `mib` MiB (config num_pages, config-change interrupt). */
  setBalloonTarget(mib: number): BalloonInfo {
    this.balloon.setTarget(balloonTargetPages(mib, this.ram.size - Number(this.guestRamOffset)));
    return this.balloonInfo();
  }

  balloonInfo(): BalloonInfo {
    return { present: true, targetPages: this.balloon.target, actualPages: this.balloon.actualPages };
  }

  /** Guest RAM as the host holds it: lazily allocated pages, minus what the balloon freed. */
  memoryAccounting(): MemoryAccountingInfo {
    return guestMemoryAccounting(this.ram, Number(this.guestRamOffset), this.balloon.heldPages);
  }

  /** Every device on the bus, as the Devices view shows it; reading changes nothing. */
  deviceSnapshots(): DeviceSnapshotInfo[] {
    return machineDeviceSnapshots(this.bus.regions);
  }

  stats(): MachineStatistics {
    const trapsByCause: Record<string, number> = {};
    const privilege = [0, 0, 0, 0];
    const tlb = { hits: 0, misses: 0, walks: 0, walkMemoryReferences: 0 };
    let instructions = 0;
    for (const hart of this.harts) {
      instructions += hart.instret;
      for (const [cause, count] of Object.entries(hart.traps.byCause())) trapsByCause[cause] = (trapsByCause[cause] ?? 0) + count;
      hart.privilegeCounts().forEach((count, level) => (privilege[level] += count));
      for (const key of Object.keys(tlb) as (keyof typeof tlb)[]) tlb[key] += hart.tlb.counters[key];
    }
    return { instructions, trapsByCause, instructionsByPrivilege: { M: privilege[3], S: privilege[1], U: privilege[0] }, tlb };
  }
}
