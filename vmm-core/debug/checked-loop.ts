/**
 * The debugger's interpreter loop: Hart.runStraight with checks around each
 * instruction. Before it runs: breakpoints at the pc, SBI ecalls, and the
 * effective address of loads/stores against the watchpoints (so the old
 * value can still be read). After it retires: the watchpoint report and the
 * stepping predicate. Traps meet the trap filter before they are taken
 * (MachineDebugger.holdTrap, called by the hart).
 */
import { PC, type Hart } from "../hart/hart";
import { Access } from "../hart/mmu";
import type { MachineDebugger, Watchpoint } from "./machine-debugger";
import { effectiveAddress, memoryAccessOf, type MemoryAccessShape } from "./memory-access";

/** Reads guest-virtual memory as the hart would, or undefined when that would fault or touch a device. */
export function peekVirtual(hart: Hart, address: bigint, size: number): bigint | undefined {
  let physical: bigint;
  try {
    physical = hart.tlb.translate(address, Access.Read);
  } catch {
    return undefined;
  }
  if (!hart.bus.isRam(physical, size)) return undefined;
  return hart.bus.readPhysical(physical, size as 1 | 2 | 4 | 8);
}

function overlapping(watchpoints: readonly Watchpoint[], address: bigint, size: number, shape: MemoryAccessShape): Watchpoint | undefined {
  const end = address + BigInt(size);
  for (const watch of watchpoints) {
    if (!((shape.write && watch.write) || (shape.read && watch.read))) continue;
    if (address < watch.address + BigInt(watch.length) && watch.address < end) return watch;
  }
  return undefined;
}

export function runChecked(debug: MachineDebugger, hart: Hart, count: number): void {
  const r32 = hart.r32;
  const tlb = hart.tlb;
  const id = hart.hartId;
  if (debug.stop !== undefined) {
    hart.stopRequested = true;
    return;
  }
  for (let i = 0; i < count; i++) {
    const low = r32[PC * 2];
    const resuming = hart.instret === debug.resumeInstret[id] && low === debug.resumePcLow[id];
    if (!resuming && debug.breakpointsByLow.size > 0) {
      const candidates = debug.breakpointsByLow.get(low);
      if (candidates !== undefined && breakpointHit(debug, hart, candidates)) return;
    }
    const instruction = tlb.fetch(low, r32[PC * 2 + 1]);
    if (instruction === undefined) throw tlb.fetchFault;
    if (!resuming && debug.catchEcall !== undefined && instruction.name === "ecall" && debug.catchEcall(hart)) {
      debug.requestStop({ kind: "ecall", hart: id, pc: hart.pc, privilege: hart.priv, virt: hart.virt }, hart);
      return;
    }
    let watch: Watchpoint | undefined;
    let address = 0n;
    let oldValue: bigint | undefined;
    let shape: MemoryAccessShape | undefined;
    if (debug.watchpoints.length > 0 && (shape = memoryAccessOf(instruction)) !== undefined) {
      address = effectiveAddress(hart, instruction, shape);
      watch = overlapping(debug.watchpoints, address, shape.size, shape);
      if (watch !== undefined && shape.write) oldValue = peekVirtual(hart, address, shape.size);
    }
    const pcBefore = hart.pc;
    const instretBefore = hart.instret;
    if (instruction.execute(hart, instruction) !== true) {
      const next = (r32[PC * 2] >>> 0) + instruction.length;
      r32[PC * 2] = next | 0;
      if (next > 0xffff_ffff) r32[PC * 2 + 1] = (r32[PC * 2 + 1] + 1) | 0;
    }
    hart.instret++;
    // raise() takes a trap without throwing and undoes the count: the instruction did not retire.
    const retired = hart.instret !== instretBefore;
    if (watch !== undefined && shape !== undefined && retired) {
      const stop = {
        kind: "watchpoint" as const,
        hart: id,
        pc: pcBefore,
        id: watch.id,
        access: shape.write && watch.write ? ("write" as const) : ("read" as const),
        address,
        size: shape.size,
        oldValue,
        value: peekVirtual(hart, address, shape.size),
      };
      if (watch.test === undefined || watch.test(hart, stop)) {
        debug.requestStop(stop, hart);
        return;
      }
    }
    const stepper = debug.stepper;
    if (retired && stepper !== undefined && stepper.hart === id && stepper.predicate(hart, instruction, pcBefore)) {
      debug.requestStop({ kind: "step", hart: id }, hart);
      return;
    }
    if (hart.interruptCheck || hart.waiting || hart.stopRequested) return;
  }
}

/** Stops at the first breakpoint whose hart and test agree; the others' tests still run (hit counts, log points). */
function breakpointHit(debug: MachineDebugger, hart: Hart, candidates: readonly { id: number; address: bigint; hart?: number; test?: (hart: Hart) => boolean }[]): boolean {
  const pc = hart.pc;
  const ids: number[] = [];
  for (const breakpoint of candidates) {
    if (breakpoint.address !== pc) continue;
    if (breakpoint.hart !== undefined && breakpoint.hart !== hart.hartId) continue;
    if (breakpoint.test === undefined || breakpoint.test(hart)) ids.push(breakpoint.id);
  }
  if (ids.length === 0) return false;
  debug.requestStop({ kind: "breakpoint", hart: hart.hartId, pc, ids }, hart);
  return true;
}
