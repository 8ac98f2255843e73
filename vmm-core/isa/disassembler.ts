/**
 * Disassembler in GNU objdump syntax (`riscv64-unknown-elf-objdump -d`,
 * binutils 2.40, default options), so the debugger's Disassembly view, the
 * VM-exit log and a terminal running objdump all read the same. It reads
 * the decoder's output (same encoding tables) and the objdump forms in
 * disassembly-table.ts; the text is "mnemonic operands" with one space
 * where objdump prints a tab.
 */
import type { Decoded } from "./decoded";
import { forms16, forms32, reservedForms16, abiRegisterNames, fenceSets, orderingSuffixes, type DisassemblyForm, type FormField } from "./disassembly-table";
import { csrByAddress } from "../hart/csr-table";
import { objdumpCsrName } from "./objdump-csr-names";

/** Returns the text objdump shows between < and > for an address ("main+0x1c"), or undefined. */
export type Symbolizer = (address: bigint) => string | undefined;

const MASK64 = (1n << 64n) - 1n;

/**
 * objdump's memory between instructions: the value a lui/auipc left in each
 * register, so a following addi/load/store/jalr through that register gets
 * the combined address as a comment. Keep one per sequential listing.
 */
export class DisassemblyState {
  readonly high: (bigint | undefined)[] = new Array(32).fill(undefined);
  /**
   * `globalPointer`: __global_pointer$, when the program defines it;
   * `privilegedSpec`: the version its .riscv.attributes name (CSR names depend on it).
   */
  constructor(
    readonly globalPointer?: bigint,
    readonly privilegedSpec = defaultPrivilegedSpec,
  ) {}
  /** Address for the " # …" comment of the instruction being printed. */
  pending: bigint | undefined;

  /** binutils' maybe_print_address. */
  follow(base: number, offset: number, wide: boolean): void {
    const high = this.high[base];
    let address: bigint;
    if (high !== undefined) {
      address = (base !== 0 ? high : 0n) + BigInt(offset);
      this.high[base] = undefined;
    } else if (base === 3 && this.globalPointer !== undefined) {
      address = this.globalPointer + BigInt(offset);
    } else if (base === 4 || base === 0) {
      address = BigInt(offset);
    } else {
      return;
    }
    this.pending = wide ? BigInt.asUintN(64, BigInt.asIntN(32, address)) : address & MASK64;
  }
}

/** objdump's default privileged spec for a program without .riscv.attributes (binutils 2.40). */
export const defaultPrivilegedSpec = "1.12";

export function csrDisplayName(address: number, privilegedSpec = defaultPrivilegedSpec): string {
  return objdumpCsrName(address, csrByAddress[address]?.name, privilegedSpec) ?? `0x${address.toString(16)}`;
}

/** An address as objdump's print_address_func shows it. */
export function formatAddress(address: bigint, symbolize?: Symbolizer): string {
  const value = address & MASK64;
  const label = symbolize?.(value);
  return label === undefined ? `0x${value.toString(16)}` : `${value.toString(16)} <${label}>`;
}

function fieldValue(instruction: Decoded, field: FormField): number {
  switch (field) {
    case "rd":
      return instruction.rd;
    case "rs1":
      return instruction.rs1;
    case "rs2":
      return instruction.rs2;
    case "immediate":
      return instruction.immediate;
    case "csr":
      return instruction.csr;
    case "pred":
      return (instruction.raw >>> 24) & 0xf;
    case "succ":
      return (instruction.raw >>> 20) & 0xf;
    case "fm":
      return instruction.raw >>> 28;
  }
}

function selectForm(instruction: Decoded): DisassemblyForm | undefined {
  const candidates = instruction.length === 2 ? forms16[instruction.compressedName ?? ""] : forms32[instruction.name];
  return candidates?.find((candidate) => {
    if (!candidate.when) return true;
    for (const [field, value] of Object.entries(candidate.when) as [FormField, number][]) {
      if (fieldValue(instruction, field) !== value) return false;
    }
    return true;
  });
}

/** The raw bits as objdump prints an encoding it does not know. */
function rawDirective(instruction: Decoded): string {
  const reserved = instruction.length === 2 ? reservedForms16.get(instruction.raw) : undefined;
  if (reserved) return reserved;
  return `.${instruction.length}byte 0x${(instruction.raw >>> 0).toString(16)}`;
}

function operandText(letter: string, instruction: Decoded, pc: bigint, state: DisassemblyState, symbolize?: Symbolizer): string {
  const { rd, rs1, rs2, immediate, name } = instruction;
  const wide32 = instruction.length === 4;
  // objdump's 'j' tracking: addi/addiw through a non-zero base, and jalr.
  const followImmediate = () => {
    if (!wide32) return;
    if ((name === "addi" && rs1 !== 0) || name === "jalr") state.follow(rs1, immediate, false);
    if (name === "addiw" && rs1 !== 0) state.follow(rs1, immediate, true);
  };
  switch (letter) {
    case "d":
      if (wide32 && name === "lui") state.high[rd] = BigInt.asUintN(64, BigInt(immediate));
      else if (wide32 && name === "auipc") state.high[rd] = (pc + BigInt(immediate)) & MASK64;
      else if (instruction.compressedName === "c.lui") state.high[rd] = BigInt.asUintN(64, BigInt(immediate));
      return abiRegisterNames[rd];
    case "s":
      if (wide32 && name === "jalr") state.follow(rs1, immediate, false);
      return abiRegisterNames[rs1];
    case "t":
      return abiRegisterNames[rs2];
    case "o":
      state.follow(rs1, immediate, false);
      followImmediate();
      return String(immediate);
    case "j":
      followImmediate();
      return String(immediate);
    case "q":
      state.follow(rs1, immediate, false);
      return String(immediate);
    case "k":
      return String(immediate);
    case "c":
      if (rd !== 0) state.follow(rd, immediate, instruction.compressedName === "c.addiw");
      return String(immediate);
    case "u":
      return `0x${((immediate >>> 12) & 0xfffff).toString(16)}`;
    case ">":
      return `0x${(immediate & 0x3f).toString(16)}`;
    case "a":
    case "p":
      return formatAddress(pc + BigInt(immediate), symbolize);
    case "E":
      return csrDisplayName(instruction.csr, state.privilegedSpec);
    case "Z":
      return String(rs1);
    case "P":
      return fenceSets[(instruction.raw >>> 24) & 0xf];
    case "Q":
      return fenceSets[(instruction.raw >>> 20) & 0xf];
    default:
      return letter;
  }
}

/**
 * One instruction as objdump prints it (without address and raw bytes).
 * Pass the same `state` for consecutive instructions to get objdump's
 * lui/auipc address comments; without it each call starts fresh.
 */
export function disassemble(instruction: Decoded, pc: bigint, symbolize?: Symbolizer, state = new DisassemblyState()): string {
  if (instruction.name === "illegal") return rawDirective(instruction);
  const chosen = selectForm(instruction);
  if (!chosen || chosen.mnemonic === null) return rawDirective(instruction);
  const mnemonic = chosen.ordering ? chosen.mnemonic + orderingSuffixes[instruction.immediate & 3] : chosen.mnemonic;
  state.pending = undefined;
  let operands = "";
  for (const letter of chosen.operands) operands += operandText(letter, instruction, pc, state, symbolize);
  let text = operands ? `${mnemonic} ${operands}` : mnemonic;
  if (state.pending !== undefined) text += ` # ${formatAddress(state.pending, symbolize)}`;
  state.pending = undefined;
  return text;
}
