/**
 * A hart's call stack as the session shows it and stepping uses it:
 * vmm-core/debug/unwinder.ts walks the frames (DWARF call frame
 * information, the frame-pointer chain otherwise); this adds each frame's
 * display name — the DWARF function where there is one, else the ELF symbol
 * with its offset ("_start+0x4").
 */
import type { Hart } from "../vmm-core/hart/hart";
import { unwindStack } from "../vmm-core/debug/unwinder";
import type { ProgramDebugInfo, SourceLocation } from "./stack-debug-info";

export interface StackFrameInfo {
  /** The frame's pc: the hart's pc for frame 0, the return address for the others. */
  pc: bigint;
  /** The stack pointer once this frame has returned (its CFA), when known. */
  cfa: bigint | undefined;
  name: string;
  /** Source line of the pc (for callers: of the call). */
  location: SourceLocation | undefined;
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
      name: dwarf && frame.source ? dwarf.name : depth === 0 ? info.symbolizer.describe(frame.pc) : (info.symbolizer.lookup(lookup)?.name ?? info.symbolizer.describe(frame.pc)),
      location: frame.source && info.locate(lookup),
    };
  });
}
