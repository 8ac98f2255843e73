/**
 * MMIO under trap-and-emulate (RVirt's pfault.rs): device pages are never
 * in the shadow tables, so a guest access faults; the monitor fetches the
 * faulting instruction through the guest's own translation, performs the
 * load or store on the device, writes back the register and steps past it.
 */
import type { Hart } from "../hart/hart";
import { Access } from "../hart/mmu";
import { Exception } from "../hart/trap";
import type { AccessSize, Device } from "../bus/device";
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
    return { reason: "mmio-read", detail: registerDetail(device, offset, false), handling: `read ${hex(raw)}` };
  }
  const value = BigInt.asUintN(store! * 8, hart.x[instruction.rs2]);
  board.bus.writePhysical(gpa, store!, value);
  hart.pc = next;
  return { reason: "mmio-write", detail: registerDetail(device, offset, true), handling: `wrote ${hex(value)}` };
}

/**
 * "uart0.THR": the exit detail of a device register, one string per
 * register name kept per device, so a driver polling a register does not
 * build (and the statistics do not hash) a new string on every exit. Keyed
 * by the name the device gives, not the offset: names can depend on device
 * state (the UART's DLAB turns THR into DLL).
 */
const registerDetails = new WeakMap<Device, Map<string, string>>();

function registerDetail(device: Device, offset: number, write: boolean): string {
  const register = device.registerName(offset, write);
  let details = registerDetails.get(device);
  if (details === undefined) registerDetails.set(device, (details = new Map()));
  let detail = details.get(register);
  if (detail === undefined) {
    // Bounded: a device that names registers by index (a guest sweeping its window) gets fresh strings, not a growing cache.
    if (details.size >= 4096) details.clear();
    details.set(register, (detail = `${device.name}.${register}`));
  }
  return detail;
}

/** The access fault a refused device access becomes for the guest. */
export function refusedAccessFault(access: Access): number {
  return accessFault[access];
}

export function emulateMmio(monitor: Monitor, hart: Hart, vcpu: VirtualCpu, gpa: bigint, access: Access, cost: number, va: bigint): Omit<ExitRecord, "sequence"> {
  const pc = hart.pc;
  const bits = access === Access.Fetch ? undefined : monitor.memory.fetchInstruction(vcpu, pc);
  const instruction = bits === undefined ? undefined : monitor.decodeTrapping(bits);
  const instret = hart.instret;
  const disassembly = instruction && monitor.disassembly(instruction, pc);
  const done = performDeviceAccess(monitor.board, hart, instruction, gpa);
  // One object literal per exit (object spread was a good part of this exit's cost); fields in the order records always had.
  if (done) return { vcpu: vcpu.hartId, instret, pc, instruction: instruction?.raw, disassembly, cost: cost + 2, reason: done.reason, detail: done.detail, handling: done.handling };
  const cause = accessFault[access];
  monitor.injectTrap(hart, vcpu, cause, false, va);
  const region = monitor.board.bus.findRegion(gpa);
  const handling = `access fault at gpa ${hex(gpa)}: scause=${cause} → stvec`;
  return { vcpu: vcpu.hartId, instret, pc, instruction: instruction?.raw, disassembly, cost: cost + 2, reason: "exception-injected", detail: region ? region.device.name : "unmapped", handling };
}
