/**
 * One guest in every virtualization mode that applies, measured the same
 * way in each (the figures behind `vmscope compare`, reusable by the
 * debugger): guest instructions, VM exits by reason, hidden vs true page
 * faults, TLB misses, page-walk memory references, monitor work, wall time,
 * and the guest's console output, which must be the same in every mode.
 *
 * Which image runs where:
 * - firmware + kernel (`bios` given): mode none boots the firmware, which
 *   enters the kernel in S-mode; every virtualized mode runs the kernel
 *   alone, the monitor being its SBI.
 * - kernel alone, entered at the start of RAM (where the reset vector
 *   jumps): a bare-machine program that owns M-mode. Only mode none runs
 *   it; a monitor cannot host it.
 * - kernel alone, entered elsewhere (an S-mode kernel linked after the
 *   firmware, e.g. at 0x8020_0000): it needs an SBI. The virtualized modes
 *   run it; mode none is skipped, since the bare machine would need firmware.
 */
import { Machine, virtualizationModes, type VirtualizationMode } from "./machine";
import { memoryMap } from "./memory-map";
import { loadImage } from "../loader/image";
import { Exception, causeName } from "../hart/trap";
import type { Engine } from "../hart/hart";
import { consoleFiguresOf, type ConsoleDeviceFigures } from "../devices/console-figures";

/** The guest, as bytes: the caller reads the files. */
export interface ComparedGuest {
  /** Firmware for mode none (e.g. OpenSBI fw_jump.elf); undefined = none. */
  bios?: Uint8Array;
  biosName?: string;
  kernel: Uint8Array;
  kernelName: string;
  memory: number;
  harts?: number;
  append?: string;
  instructionsPerTick?: number;
  /** Execution engine for every mode; default: the machine's. */
  engine?: Engine;
}

export interface ComparisonOptions {
  /** Console input, given to every mode before it starts. */
  input?: Uint8Array;
  /** Instructions (all harts, firmware included) a mode may run before its run counts as cut short. */
  maxInstructions: number;
  /** Modes to consider, in order; default: every mode the machine has. */
  modes?: readonly VirtualizationMode[];
  /** Instructions per machine.run call; the event loop runs between calls. */
  sliceInstructions?: number;
}

/** How one mode runs the guest. */
export interface ModePlan {
  mode: VirtualizationMode;
  /** Firmware booted first (mode none with a bios). */
  firmware: boolean;
  /** Human summary: "fw_jump.elf + paging.elf", "paging.elf under the monitor". */
  setup: string;
}

export interface ComparisonPlan {
  runs: ModePlan[];
  /** Modes that do not apply to this guest, with the reason. */
  skipped: Partial<Record<VirtualizationMode, string>>;
}

/** How a mode's run ended. */
export type ModeEnd = "poweroff" | "limit" | "halted";

export interface ModeMeasurement {
  mode: VirtualizationMode;
  setup: string;
  end: ModeEnd;
  /** The guest's power-off code (meaningful when end = "poweroff"). */
  exitCode: number;
  /** The kernel's instructions: S+U under firmware, everything bare or under the monitor. */
  guestInstructions: number;
  /** Everything the harts retired, firmware included. */
  machineInstructions: number;
  /** What the limit counts: instructions the machine ran, trapping ones included. */
  executed: number;
  /** Console output from the kernel's first byte on (the firmware's banner cut off). */
  output: Uint8Array;
  /** Bytes the firmware printed before the kernel started (mode none with firmware), cut from `output`. */
  firmwareOutputBytes: number;
  /** VM exits (traps into the monitor); `translated`: privileged instructions binary translation turned into direct calls instead. */
  exits: { total: number; byReason: Record<string, number>; translated?: number };
  /** Hidden = the monitor's own (shadow or nested fills); true = page faults the guest kernel handled. */
  pageFaults: { hidden: number; true: number };
  /** Sum of the exits' deterministic cost (memory references, device accesses, decodes). */
  monitorWork: number;
  /** Traps the harts took, by cause. On the bare machine these are not VM exits: firmware and kernel take them. */
  traps: Record<string, number>;
  tlbMisses: number;
  /** Page-table memory references per page walk. */
  walkRefsPerMiss: number;
  /** Host time spent running the kernel (mode none: after the firmware's boot, whose time is not the guest's). */
  wallSeconds: number;
  /** Guest instructions per wall second, in millions. */
  mips: number;
  /** Emulated (UART) against paravirtual (virtio-console) console output: bytes, accesses, exits, host time. */
  consoleDevices: ConsoleDeviceFigures[];
}

export interface OutputDifference {
  /** 1-based line number. */
  line: number;
  modes: [VirtualizationMode, VirtualizationMode];
  /** The differing line in each mode; undefined when that output has ended. */
  texts: [string | undefined, string | undefined];
}

export interface ModeComparison {
  measurements: ModeMeasurement[];
  skipped: Partial<Record<VirtualizationMode, string>>;
  outputIdentical: boolean;
  /** The first line where a mode's output differs from the first mode's. */
  difference: OutputDifference | undefined;
}

/** Exit reasons that are the monitor's own page faults, invisible to the guest (shadow or nested table fills). */
export const hiddenFaultReasons: readonly string[] = ["shadow-fill", "nested-fill"];
/** Exit reasons for page faults the monitor injects into the guest kernel. */
export const trueFaultReasons: readonly string[] = ["guest-page-fault"];

const pageFaultCauses = [Exception.instructionPageFault, Exception.loadPageFault, Exception.storePageFault];

const defaultSlice = 1_000_000;
const firmwareSlice = 10_000;

const hex = (value: bigint): string => `0x${value.toString(16)}`;

/** Decides which modes run which images; throws LoadError for a kernel that is no loadable image. */
export function planComparison(guest: ComparedGuest, requested: readonly VirtualizationMode[] = virtualizationModes): ComparisonPlan {
  const runs: ModePlan[] = [];
  const skipped: Partial<Record<VirtualizationMode, string>> = {};
  // Binary translation is the translator's rewrite: on the interpreter the other modes are compared without it.
  const modes = guest.engine === "interpreter" ? requested.filter((mode) => mode !== "binary-translation") : requested;
  if (modes.length < requested.length) skipped["binary-translation"] = "binary-translation rewrites the guest kernel's code as the translator compiles it: it does not run on engine interpreter";
  const kernel = guest.kernelName;
  if (guest.bios) {
    for (const mode of modes) {
      runs.push(
        mode === "none"
          ? { mode, firmware: true, setup: `${guest.biosName ?? "bios"} + ${kernel}` }
          : { mode, firmware: false, setup: `${kernel} under the monitor` },
      );
    }
    return { runs, skipped };
  }
  const entry = loadImage(guest.kernel, kernel, memoryMap.dram.base).entry;
  const bare = entry === memoryMap.dram.base;
  for (const mode of modes) {
    if (mode === "none") {
      if (bare) runs.push({ mode, firmware: false, setup: `${kernel} on the bare machine` });
      else skipped[mode] = `${kernel} enters at ${hex(entry)}, an S-mode kernel: the bare machine needs its firmware (give --bios, e.g. OpenSBI's fw_jump.elf)`;
    } else if (bare) {
      skipped[mode] = `${kernel} enters at ${hex(entry)}, where the reset vector jumps: a bare-machine (M-mode) program cannot run under a monitor`;
    } else {
      runs.push({ mode, firmware: false, setup: `${kernel} under the monitor` });
    }
  }
  return { runs, skipped };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs the guest in one mode to power-off (or the limit) and measures it. */
export async function measureMode(guest: ComparedGuest, plan: ModePlan, options: ComparisonOptions): Promise<ModeMeasurement> {
  const chunks: Uint8Array[] = [];
  let written = 0;
  /** Console length when the kernel first wrote: everything before is the firmware's. */
  let kernelStart: number | undefined = plan.firmware ? undefined : 0;
  const machine: Machine = new Machine({
    memory: guest.memory,
    harts: guest.harts,
    bios: plan.firmware ? guest.bios : undefined,
    biosName: plan.firmware ? guest.biosName : undefined,
    kernel: guest.kernel,
    kernelName: guest.kernelName,
    append: guest.append,
    instructionsPerTick: guest.instructionsPerTick,
    engine: guest.engine,
    mode: plan.mode,
    console: {
      write: (bytes) => {
        // The kernel has started once any instruction retired below M-mode (the firmware's mret into S).
        if (kernelStart === undefined && machine.harts.some(startedBelowMachineMode)) kernelStart = written;
        chunks.push(bytes.slice()); // the machine may reuse its buffer
        written += bytes.length;
      },
    },
  });
  if (options.input && options.input.length > 0) machine.input.push(options.input);

  const slice = options.sliceInstructions ?? defaultSlice;
  let executed = 0;
  let yielded = 0;
  let milliseconds = 0;
  /** Whether the kernel runs yet: the firmware's boot is not the guest's time. */
  let kernelRunning = !plan.firmware;
  let end: ModeEnd;
  for (;;) {
    // Short slices while the firmware boots, so the kernel's time starts within a few thousand instructions of its entry.
    const budget = Math.min(kernelRunning ? slice : firmwareSlice, options.maxInstructions - executed);
    const started = performance.now();
    const result = machine.run(budget);
    // The slice in which the kernel starts counts: a few thousand firmware instructions at most.
    kernelRunning ||= machine.harts.some(startedBelowMachineMode);
    if (kernelRunning) milliseconds += performance.now() - started;
    executed += result.instructions;
    if (result.reason === "poweroff") {
      end = "poweroff";
      break;
    }
    if (result.reason === "halted") {
      // Every hart waits and all the input was given up front: nothing will wake them.
      end = "halted";
      break;
    }
    // Like QEMU without -no-reboot: the board reboots and runs on.
    if (result.reason === "reset") machine.reset();
    if (executed >= options.maxInstructions) {
      end = "limit";
      break;
    }
    if (executed - yielded >= slice) {
      yielded = executed;
      await yieldToEventLoop();
    }
  }

  const stats = machine.stats();
  const all = concat(chunks, written);
  const firmwareOutputBytes = plan.firmware ? (kernelStart ?? written) : 0;
  const exitStatistics = machine.monitor?.exits.statistics();
  const byReason: Record<string, number> = {};
  let monitorWork = 0;
  for (const [reason, counters] of Object.entries(exitStatistics?.byReason ?? {})) {
    byReason[reason] = counters.count;
    monitorWork += counters.cost;
  }
  const translatedCount = Object.values(exitStatistics?.translated ?? {}).reduce((sum, counters) => sum + counters.count, 0);
  const countOf = (reasons: readonly string[]): number => reasons.reduce((sum, reason) => sum + (byReason[reason] ?? 0), 0);
  const faultTraps = (counts: (cause: number) => boolean): number =>
    pageFaultCauses.filter(counts).reduce((sum, cause) => sum + (stats.trapsByCause[causeName(cause, false)] ?? 0), 0);
  // On the bare machine every page fault is the guest's (the firmware delegates them to its kernel).
  // Under a monitor, a delegated page fault went straight to the guest kernel without an exit (hardware-assisted mode).
  const trueFaults = machine.monitor
    ? countOf(trueFaultReasons) + faultTraps((cause) => machine.harts.every((hart) => ((hart.csr.medeleg >>> cause) & 1) === 1))
    : faultTraps(() => true);
  const guestInstructions = plan.firmware ? stats.instructionsByPrivilege.S + stats.instructionsByPrivilege.U : stats.instructions;
  const wallSeconds = milliseconds / 1000;
  return {
    mode: plan.mode,
    setup: plan.setup,
    end,
    exitCode: machine.power.exitCode,
    guestInstructions,
    machineInstructions: stats.instructions,
    executed,
    output: all.subarray(firmwareOutputBytes),
    firmwareOutputBytes,
    exits: {
      // Records of rewritten instructions are in the log, but were no exits.
      total: (exitStatistics?.total ?? 0) - translatedCount,
      byReason,
      ...(plan.mode === "binary-translation" ? { translated: translatedCount } : {}),
    },
    pageFaults: { hidden: countOf(hiddenFaultReasons), true: trueFaults },
    monitorWork,
    traps: stats.trapsByCause,
    tlbMisses: stats.tlb.misses,
    walkRefsPerMiss: stats.tlb.walks > 0 ? stats.tlb.walkMemoryReferences / stats.tlb.walks : 0,
    wallSeconds,
    mips: wallSeconds > 0 ? guestInstructions / wallSeconds / 1e6 : 0,
    consoleDevices: consoleFiguresOf(machine),
  };
}

function startedBelowMachineMode(hart: { privilegeCounts(): number[] }): boolean {
  const counts = hart.privilegeCounts();
  return counts[0] + counts[1] > 0;
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lines of console output, without their line ends (CR LF or LF); one character per byte. */
function linesOf(output: Uint8Array): string[] {
  let text = "";
  for (let at = 0; at < output.length; at += 8192) text += String.fromCharCode(...output.subarray(at, at + 8192));
  return text.split(/\r?\n/);
}

/** The first line where `b`'s output differs from `a`'s, or undefined when the bytes are the same. */
export function firstDifference(a: ModeMeasurement, b: ModeMeasurement): OutputDifference | undefined {
  if (sameBytes(a.output, b.output)) return undefined;
  const left = linesOf(a.output);
  const right = linesOf(b.output);
  let line = 0;
  while (line < left.length && line < right.length && left[line] === right[line]) line++;
  // Same lines but different bytes (CR LF against LF): report the first line anyway.
  if (line === left.length && line === right.length) line = 0;
  return { line: line + 1, modes: [a.mode, b.mode], texts: [left[line], right[line]] };
}

/** Plans, runs every applicable mode in turn, and compares their output with the first mode's. */
export async function compareModes(guest: ComparedGuest, options: ComparisonOptions): Promise<ModeComparison> {
  const plan = planComparison(guest, options.modes);
  const measurements: ModeMeasurement[] = [];
  for (const run of plan.runs) measurements.push(await measureMode(guest, run, options));
  let difference: OutputDifference | undefined;
  for (const other of measurements.slice(1)) {
    difference = firstDifference(measurements[0], other);
    if (difference) break;
  }
  return { measurements, skipped: plan.skipped, outputIdentical: difference === undefined, difference };
}
