/**
 * MMIO under trap-and-emulate (RVirt's pfault.rs): device pages are never
 * in the shadow tables, so a guest access faults; the monitor fetches the
 * faulting instruction through the guest's own translation, performs the
 * load or store on the device, writes back the register and steps past it.
 */
import type { Hart } from "../hart/hart";
import { Access } from "../hart/mmu";
import { Exception } from "../hart/trap";
import type { AccessSize } from "../bus/device";
import { decode16, decode32 } from "../isa/decoder";
import type { ExitRecord } from "./exit-record";
import type { Monitor, MonitorBoard } from "./monitor";
import type { Decoded } from "../isa/decoded";
import type { VirtualCpu } from "./vcpu";

const loads: Record<string, { size: AccessSize; signed: boolean }> = {
  lb: { size: 1, signed: true },
  lh: { size: 2, signed: true },
  lw: { size: 4, signed: true },
  ld: { size: 8, signed: true },
  lbu: { size: 1, signed: false },
  lhu: { size: 2, signed: false },
  lwu: { size: 4, signed: false },
};
const stores: Record<string, AccessSize> = { sb: 1, sh: 2, sw: 4, sd: 8 };

const accessFault = { [Access.Read]: Exception.loadAccessFault, [Access.Write]: Exception.storeAccessFault, [Access.Fetch]: Exception.instructionAccessFault };
const hex = (value: bigint): string => `0x${BigInt.asUintN(64, value).toString(16)}`;

/**
 * Performs the device access of a guest's load or store at guest-physical
 * `gpa` (device addresses are the same in both spaces), writes the loaded
 * register and steps over the instruction. Shared by both monitors.
 * Undefined when it is refused: the monitor's own devices (the CLINT drives
 * its timer, the test device is the board's power switch) and anything but
 * a plain load or store, as PMP refuses S-mode under OpenSBI.
 */
export function performDeviceAccess(
  board: MonitorBoard,
  hart: Hart,
  instruction: Decoded | undefined,
  gpa: bigint,
): { reason: "mmio-read" | "mmio-write"; detail: string; handling: string } | undefined {
  const region = board.bus.findRegion(gpa);
  const load = instruction && loads[instruction.name];
  const store = instruction && stores[instruction.name];
  if (!instruction || !region || board.privateDevices.has(region.device) || (!load && !store)) return undefined;
  const offset = Number(gpa - region.base);
  const device = region.device;
  const next = hart.pc + BigInt(instruction.length);
  if (load) {
    const raw = board.bus.readPhysical(gpa, load.size) ?? 0n;
    const value = load.signed ? BigInt.asIntN(load.size * 8, raw) : raw;
    if (instruction.rd !== 0) hart.x[instruction.rd] = BigInt.asIntN(64, value);
    hart.pc = next;
    return { reason: "mmio-read", detail: `${device.name}.${device.registerName(offset, false)}`, handling: `read ${hex(raw)}` };
  }
  const value = BigInt.asUintN(store! * 8, hart.x[instruction.rs2]);
  board.bus.writePhysical(gpa, store!, value);
  hart.pc = next;
  return { reason: "mmio-write", detail: `${device.name}.${device.registerName(offset, true)}`, handling: `wrote ${hex(value)}` };
}

/** The access fault a refused device access becomes for the guest. */
export function refusedAccessFault(access: Access): number {
  return accessFault[access];
}

export function emulateMmio(monitor: Monitor, hart: Hart, vcpu: VirtualCpu, gpa: bigint, access: Access, cost: number, va: bigint): Omit<ExitRecord, "sequence"> {
  const pc = hart.pc;
  const bits = access === Access.Fetch ? undefined : monitor.memory.fetchInstruction(vcpu, pc);
  const instruction = bits === undefined ? undefined : (bits & 3) === 3 ? decode32(bits) : decode16(bits);
  const base = { vcpu: vcpu.hartId, instret: hart.instret, pc, instruction: instruction?.raw, disassembly: instruction && monitor.disassembly(instruction, pc), cost: cost + 2 };
  const done = performDeviceAccess(monitor.board, hart, instruction, gpa);
  if (done) return { ...base, ...done };
  const cause = accessFault[access];
  monitor.injectTrap(hart, vcpu, cause, false, va);
  const region = monitor.board.bus.findRegion(gpa);
  return { ...base, reason: "exception-injected", detail: region ? region.device.name : "unmapped", handling: `access fault at gpa ${hex(gpa)}: scause=${cause} → stvec` };
}
