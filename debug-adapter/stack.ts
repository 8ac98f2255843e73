/**
 * A hart's call stack as the session shows it and stepping uses it:
 * vmm-core/debug/unwinder.ts walks the frames (DWARF call frame
 * information, the frame-pointer chain otherwise); this adds each frame's
 * display name — the DWARF function where there is one, else the ELF symbol
 * with its offset ("_start+0x4") — turns frames into DAP stack frames, and
 * hands the inspection side a caller frame's unwound registers.
 */
import { basename } from "node:path";
import { Source, StackFrame } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Hart } from "../vmm-core/hart/hart";
import { peekVirtual } from "../vmm-core/debug/checked-loop";
import { unwindStack } from "../vmm-core/debug/unwinder";
import type { DisassemblySources } from "./disassembly-source";
import type { UnwoundRegisters } from "./inspection/variables";
import type { ProgramDebugInfo, SourceLocation } from "./stack-debug-info";

export interface StackFrameInfo {
  /** The frame's pc: the hart's pc for frame 0, the return address for the others. */
  pc: bigint;
  /** The stack pointer once this frame has returned (its CFA), when known. */
  cfa: bigint | undefined;
  name: string;
  /** Source line of the pc (for callers: of the call). */
  location: SourceLocation | undefined;
  /** A caller frame's registers as far as the unwinder recovered them (undefined for frame 0). */
  registers?: ReadonlyMap<number, bigint>;
}

export const maxFrames = 64;

export function walkStack(hart: Hart, info: ProgramDebugInfo, readU64: (address: bigint) => bigint | undefined, limit = maxFrames): StackFrameInfo[] {
  const frames = unwindStack(hart.pc, (n) => hart.x[n], readU64, info.debugInfos, info.symbols, limit);
  return frames.map((frame, depth) => {
    const lookup = depth === 0 ? frame.pc : frame.pc - 1n;
    const dwarf = info.sourceFunctionAt(lookup);
    return {
      pc: frame.pc,
      // A caller's sp is the CFA of the frame below it, also when only the frame-pointer chain found it.
      cfa: frame.cfa ?? frames[depth + 1]?.sp,
      // Callers are named after the function of the call (the return address may be the next label, as _start's "park").
      name: dwarf && frame.source ? info.frameName(lookup, dwarf.name) : depth === 0 ? info.symbolizer.describe(frame.pc) : (info.symbolizer.lookup(lookup)?.name ?? info.symbolizer.describe(frame.pc)),
      location: frame.source && info.locate(lookup),
      ...(frame.registers ? { registers: frame.registers } : {}),
    };
  });
}

/** Frame ids: hart h's frame d is h * framesPerHart + d + 1. */
const framesPerHart = 1000;

export function hartOfFrame(frameId: number): number {
  return Math.floor((frameId - 1) / framesPerHart);
}

/** The session's view of every hart's stack: frames by id, as DAP stack frames, and caller registers. */
export class CallStacks {
  constructor(
    private readonly info: () => ProgramDebugInfo,
    private readonly listings: DisassemblySources,
  ) {}

  frames(hart: Hart): StackFrameInfo[] {
    return walkStack(hart, this.info(), (address) => peekVirtual(hart, address, 8));
  }

  stackTrace(hart: Hart, startFrame: number | undefined, levels: number | undefined): DebugProtocol.StackTraceResponse["body"] {
    const frames = this.frames(hart);
    const start = Math.max(0, startFrame ?? 0);
    const end = levels ? start + levels : frames.length;
    return {
      stackFrames: frames.slice(start, end).map((frame, index) => this.stackFrame(hart.hartId, start + index, frame)),
      totalFrames: frames.length,
    };
  }

  /** A caller frame's registers (pc = its return address); undefined for frame 0 or a frame that no longer exists. */
  frameRegisters(harts: readonly Hart[], frameId: number): UnwoundRegisters | undefined {
    const hart = harts[hartOfFrame(frameId)];
    const depth = (frameId - 1) % framesPerHart;
    if (!hart || depth === 0) return undefined;
    const frame = this.frames(hart)[depth];
    return frame?.registers ? { pc: frame.pc, registers: frame.registers } : undefined;
  }

  private stackFrame(hartId: number, depth: number, frame: StackFrameInfo): DebugProtocol.StackFrame {
    const location = frame.location;
    const listed = location ? undefined : this.listings.frameSource(hartId, frame.pc, frame.name);
    const source = location ? new Source(basename(location.file), location.file) : undefined;
    const line = location?.line ?? listed?.line ?? 0;
    const result: DebugProtocol.StackFrame = new StackFrame(hartId * framesPerHart + depth + 1, frame.name, source, line, location?.column || 1);
    if (listed) result.source = listed.source;
    result.instructionPointerReference = "0x" + frame.pc.toString(16);
    if (!location) result.presentationHint = "subtle";
    return result;
  }
}
