/**
 * next / stepIn / stepOut as predicates the machine debugger evaluates after
 * every retired instruction of the stepping hart (so a long step runs at
 * the checked loop's speed, in slices, and stays pausable).
 *
 * Line granularity follows gdb: a step ends at the start of a line-table
 * row (is_stmt) of a different line, in the same or an outer frame; calls
 * are recognised as they execute (jal/jalr writing ra or t0) and run to
 * their return address with the stack back where it was; stepIn stops in a
 * callee with line information at its first row after the entry (the end
 * of the prologue); stepOut runs to the return address, then on to the next
 * statement boundary. Code in another privilege level (a trap into the
 * firmware, say) is run through.
 */
import type { Hart } from "../vmm-core/hart/hart";
import type { Decoded } from "../vmm-core/isa/decoded";
import type { StepPredicate } from "../vmm-core/debug/machine-debugger";
import type { ProgramDebugInfo } from "./stack-debug-info";

export type StepKind = "next" | "stepIn" | "stepOut";

const SP = 2;

/** jal/jalr that link through ra or t0 (the psABI's alternate link register): a call. */
export function isCall(instruction: Decoded): boolean {
  return (instruction.name === "jal" || instruction.name === "jalr") && (instruction.rd === 1 || instruction.rd === 5);
}

const spOf = (hart: Hart): bigint => BigInt.asUintN(64, hart.x[SP]);

/** Where the current frame returns to, and its CFA (sp once it has returned). */
export interface ReturnPoint {
  address: bigint;
  cfa: bigint;
}

/** Runs until pc is the return address with the stack popped back to (or above) the frame's CFA. */
function returned(target: ReturnPoint): (hart: Hart) => boolean {
  return (hart) => hart.pc === target.address && spOf(hart) >= target.cfa;
}

/** Instruction granularity. `call` is the instruction at the pc (for next), `returnPoint` the frame's (for stepOut). */
export function instructionStep(kind: StepKind, hart: Hart, call: Decoded | undefined, returnPoint: ReturnPoint | undefined): StepPredicate | "single" {
  if (kind === "stepIn") return "single";
  if (kind === "next") {
    if (!call || !isCall(call)) return "single";
    return returned({ address: hart.pc + BigInt(call.length), cfa: spOf(hart) });
  }
  if (!returnPoint) return "single";
  return returned(returnPoint);
}

/** Line granularity; undefined when the pc has no line information (the caller steps by instruction instead). */
export function lineStep(kind: StepKind, hart: Hart, info: ProgramDebugInfo, returnPoint: ReturnPoint | undefined): StepPredicate | undefined {
  const start = info.locate(hart.pc);
  if (!start) return undefined;
  const startPrivilege = hart.priv;
  const startVirt = hart.virt;
  const startFunction = info.functionAt(hart.pc);
  const startSp = spOf(hart);
  /** While set: a call is being run through to this return point. */
  let overCall: ReturnPoint | undefined;
  /** While set: stepIn entered a function at this address and looks for its first row after the entry. */
  let entered: bigint | undefined;
  let leaving: ReturnPoint | undefined = kind === "stepOut" ? returnPoint : undefined;
  /** After stepOut's return (or a return out of the starting frame): any statement start ends the step. */
  let anyLine = false;

  const atStatementStart = (pc: bigint): { line: number; file: string } | undefined => {
    const location = info.locate(pc);
    return location && location.isStatement && location.address === pc && location.line !== 0 ? location : undefined;
  };

  return (hart, executed, pcBefore) => {
    const pc = hart.pc;
    if (hart.priv !== startPrivilege || hart.virt !== startVirt) return false;
    if (leaving) {
      if (!returned(leaving)(hart)) return false;
      leaving = undefined;
      anyLine = true;
      // A caller without line information: there is no statement to run to.
      if (!info.locate(pc)) return true;
      return atStatementStart(pc) !== undefined;
    }
    if (overCall) {
      if (!returned(overCall)(hart)) return false;
      overCall = undefined;
    } else if (isCall(executed) && pc !== pcBefore + BigInt(executed.length)) {
      const back: ReturnPoint = { address: pcBefore + BigInt(executed.length), cfa: spOf(hart) };
      if (kind === "stepIn" && info.locate(pc) !== undefined) {
        entered = pc;
        overCall = undefined;
        leaving = undefined;
        // Stepping in: from here the callee's first statement after its entry ends the step.
        return false;
      }
      overCall = back;
      return false;
    }
    if (entered !== undefined) {
      if (spOf(hart) <= startSp && info.functionAt(pc)?.low === info.functionAt(entered)?.low) {
        return pc !== entered && atStatementStart(pc) !== undefined;
      }
      // The callee returned before a second row: carry on in the caller as a next would.
      entered = undefined;
      anyLine = true;
    }
    const location = info.locate(pc);
    const inStartFunction = startFunction !== undefined && info.functionAt(pc)?.low === startFunction.low;
    if (!location) {
      // Returned into code without line information (assembly that called us): stop rather than run away.
      return !inStartFunction && spOf(hart) > startSp;
    }
    if (!inStartFunction && spOf(hart) > startSp) anyLine = true;
    if (location.address !== pc || !location.isStatement || location.line === 0) return false;
    if (anyLine) return true;
    if (location.line !== start.line || location.file !== start.file) return true;
    // Back to the start of the same line by a jump (a loop on one line): a new iteration is a new statement.
    return pc <= pcBefore && pc !== pcBefore + BigInt(executed.length);
  };
}
