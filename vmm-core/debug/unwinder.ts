/**
 * Walks a hart's call stack: DWARF call frame information where an FDE
 * covers the pc, the RISC-V GCC frame-pointer chain otherwise (ra at
 * fp-8, the caller's fp at fp-16), names from DWARF subprograms or, always
 * available, ELF symbols. It stops cleanly on anything that does not look
 * like a stack: a zero return address, a stack pointer that goes down,
 * unreadable memory, or maxFrames.
 */
import type { DebugInfo, SourceLocation } from "../loader/dwarf/index";
import type { ElfSymbol } from "../loader/elf";
import { Symbolizer } from "./symbolizer";

export interface StackFrame {
  /** Frame 0: the current pc; callers: the return address. */
  pc: bigint;
  /** The frame's stack pointer (for callers: the CFA of the frame below). */
  sp: bigint;
  /** This frame's canonical frame address, when CFI described it. */
  cfa: bigint | undefined;
  /** From DWARF when a subprogram covers the pc, else the nearest ELF symbol. */
  function: string | undefined;
  /** The line of the pc; for callers the line of the call (looked up at pc - 1). */
  source: SourceLocation | undefined;
  /** How this frame was found from the one below it. */
  foundBy: "current" | "cfi" | "frame-pointer";
  /**
   * The registers this frame had when it made its call, as far as they can
   * be recovered (x-register number → value; absent = unknown). Callers
   * only: frame 0's registers are the hart's own.
   */
  registers?: ReadonlyMap<number, bigint>;
}

type ReadU64 = (address: bigint) => bigint | undefined;

const RA = 1;
const SP = 2;
const FP = 8;
/**
 * Registers a call preserves (psABI): sp, gp and tp, and s0..s11. The
 * others (ra, t0..t6, a0..a7) a callee may clobber without saving, so a
 * caller's value is only known where the unwind information recovers it.
 */
const calleeSaved = new Set([2, 3, 4, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]);

interface Caller {
  pc: bigint;
  registers: Map<number, bigint>;
  foundBy: "cfi" | "frame-pointer";
  cfa?: bigint;
}

/**
 * The frames of the stack, innermost first. `register(n)` reads x-register
 * n of the stopped hart, `readU64` guest memory (undefined = unreadable).
 * Given an ELF symbol list (rather than a Symbolizer), its function symbols
 * also tell code from data when guessing a leaf's frame layout.
 */
export function unwindStack(
  pc: bigint,
  register: (n: number) => bigint,
  readU64: ReadU64,
  debugInfos: readonly DebugInfo[],
  symbols: Symbolizer | readonly ElfSymbol[],
  maxFrames = 64,
): StackFrame[] {
  const symbolizer = symbols instanceof Symbolizer ? symbols : new Symbolizer(symbols);
  const codeRanges = symbols instanceof Symbolizer ? [] : functionSymbols(symbols);
  const isCode = (address: bigint): boolean =>
    debugInfos.some((d) => d.functionAt(address) !== undefined) || codeRanges.some((s) => address >= s.value && address < s.value + BigInt(s.size));

  const frames: StackFrame[] = [];
  let current: (n: number) => bigint = (n) => (n === 0 ? 0n : BigInt.asUintN(64, register(n)));
  let foundBy: StackFrame["foundBy"] = "current";
  let known: ReadonlyMap<number, bigint> | undefined;
  while (frames.length < maxFrames) {
    const innermost = frames.length === 0;
    // A return address points after the call; pc - 1 lies inside it, in the caller's function and line.
    const lookup = innermost ? pc : pc - 1n;
    const frame: StackFrame = {
      pc,
      sp: current(SP),
      cfa: undefined,
      function: first(debugInfos, (d) => d.functionAt(lookup)?.name) ?? symbolizer.lookup(lookup)?.name,
      source: first(debugInfos, (d) => d.locate(lookup)),
      foundBy,
      ...(known ? { registers: known } : {}),
    };
    frames.push(frame);

    const caller = byCfi(debugInfos, lookup, current, readU64) ?? byFramePointer(current, readU64, innermost, isCode);
    if (!caller) break;
    frame.cfa = caller.cfa;
    const callerSp = caller.registers.get(SP) ?? frame.sp;
    if (caller.pc === 0n) break;
    // A frameless innermost function shares its caller's sp; every other caller sits strictly higher.
    if (callerSp < frame.sp || (callerSp === frame.sp && !innermost)) break;
    const registers = caller.registers;
    known = recovered(caller, current, known);
    const previous = current;
    current = (n) => (n === 0 ? 0n : registers.get(n) ?? previous(n));
    pc = caller.pc;
    foundBy = caller.foundBy;
  }
  return frames;
}

/**
 * What a caller frame's registers are known to be: those its unwind step
 * recovered (every value the frame-pointer chain finds; under CFI a value
 * other than the callee's, and always the return address and sp), and the callee-saved ones it passes through unchanged from a frame
 * where they were known. Frame 0's registers are all known. The frame
 * pointer chain recovers only sp, s0 and ra: a callee may have saved and
 * reused any other s-register where the chain does not say.
 */
function recovered(caller: Caller, callee: (n: number) => bigint, calleeKnown: ReadonlyMap<number, bigint> | undefined): Map<number, bigint> {
  const known = new Map<number, bigint>([[0, 0n]]);
  for (let n = 1; n < 32; n++) {
    const value = caller.registers.get(n);
    const passedThrough = calleeSaved.has(n) && (calleeKnown === undefined || calleeKnown.has(n));
    if (value === undefined) {
      // Not described: a callee-saved register keeps the callee's value (gp and tp also under the frame-pointer chain).
      const global = n === 3 || n === 4;
      if (passedThrough && (caller.foundBy === "cfi" || global)) known.set(n, callee(n));
    } else if (caller.foundBy === "frame-pointer" || n === RA || n === SP || value !== callee(n) || passedThrough) {
      known.set(n, BigInt.asUintN(64, value));
    }
  }
  return known;
}

function first<T>(infos: readonly DebugInfo[], get: (info: DebugInfo) => T | undefined): T | undefined {
  for (const info of infos) {
    const value = get(info);
    if (value !== undefined) return value;
  }
  return undefined;
}

function byCfi(infos: readonly DebugInfo[], pc: bigint, register: (n: number) => bigint, readU64: ReadU64): Caller | undefined {
  const frame = first(infos, (info) => info.unwind(pc, register, readU64));
  return frame && { pc: frame.pc, registers: frame.registers, foundBy: "cfi", cfa: frame.cfa };
}

/**
 * GCC's RISC-V frame (-fno-omit-frame-pointer): s0 points at the caller's
 * sp; ra is saved at s0-8 and the caller's s0 at s0-16. A leaf function
 * saves no ra, so its caller's s0 is at s0-8: in the innermost frame, a
 * non-code value at s0-8 means a leaf, whose return address is still in ra.
 */
function byFramePointer(register: (n: number) => bigint, readU64: ReadU64, innermost: boolean, isCode: (a: bigint) => boolean): Caller | undefined {
  const fp = register(FP);
  const sp = register(SP);
  if (fp === 0n || (fp & 7n) !== 0n || fp < sp) return undefined;
  let returnAddress = readU64(fp - 8n);
  let callerFp = readU64(fp - 16n);
  if (innermost && returnAddress !== undefined && !isCode(returnAddress) && isCode(register(RA))) {
    callerFp = returnAddress;
    returnAddress = register(RA);
  }
  if (returnAddress === undefined || callerFp === undefined) return undefined;
  return {
    pc: returnAddress,
    registers: new Map([
      [SP, fp],
      [FP, callerFp],
      [RA, returnAddress],
    ]),
    foundBy: "frame-pointer",
  };
}

function functionSymbols(symbols: readonly ElfSymbol[]): ElfSymbol[] {
  return symbols.filter((s) => s.type === "func" && s.size > 0 && s.sectionIndex !== 0);
}
