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
import type { Monitor } from "./monitor";
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

export function emulateMmio(monitor: Monitor, hart: Hart, vcpu: VirtualCpu, gpa: bigint, access: Access, cost: number): Omit<ExitRecord, "sequence"> {
  const pc = hart.pc;
  const bits = access === Access.Fetch ? undefined : monitor.memory.fetchInstruction(vcpu, pc);
  const instruction = bits === undefined ? undefined : (bits & 3) === 3 ? decode32(bits) : decode16(bits);
  const region = monitor.board.bus.findRegion(gpa);
  const load = instruction && loads[instruction.name];
  const store = instruction && stores[instruction.name];
  const base = { vcpu: vcpu.hartId, instret: hart.instret, pc, instruction: instruction?.raw, disassembly: instruction && monitor.disassembly(instruction, pc), cost: cost + 2 };
  // The monitor's own devices (the CLINT drives its timer, the test device is the board's power switch) and anything
  // but a plain load/store are refused, as PMP refuses S-mode under OpenSBI.
  if (!instruction || !region || monitor.board.privateDevices.has(region.device) || (!load && !store)) {
    const cause = accessFault[access];
    monitor.injectTrap(hart, vcpu, cause, false, gpa);
    return { ...base, reason: "exception-injected", detail: region ? region.device.name : "unmapped", handling: `access fault at gpa ${hex(gpa)}: scause=${cause} → stvec` };
  }
  const offset = Number(gpa - region.base);
  const device = region.device;
  if (load) {
    const raw = monitor.board.bus.readPhysical(gpa, load.size) ?? 0n;
    const value = load.signed ? BigInt.asIntN(load.size * 8, raw) : raw;
    if (instruction.rd !== 0) hart.x[instruction.rd] = BigInt.asIntN(64, value);
    hart.pc = pc + BigInt(instruction.length);
    return { ...base, reason: "mmio-read", detail: `${device.name}.${device.registerName(offset, false)}`, handling: `read ${hex(raw)}` };
  }
  const value = BigInt.asUintN(store! * 8, hart.x[instruction.rs2]);
  monitor.board.bus.writePhysical(gpa, store!, value);
  hart.pc = pc + BigInt(instruction.length);
  return { ...base, reason: "mmio-write", detail: `${device.name}.${device.registerName(offset, true)}`, handling: `wrote ${hex(value)}` };
}
