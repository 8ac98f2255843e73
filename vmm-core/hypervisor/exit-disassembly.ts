/**
 * Disassembly for exit records, cached by instruction word: exits repeat at
 * the same few instructions (a driver's polling loop), and the instructions
 * that exit (CSR accesses, SRET, WFI, SFENCE.VMA, ECALL, loads and stores)
 * disassemble the same at any pc. Shared by both monitors.
 */
import type { Decoded } from "../isa/decoded";
import { disassemble } from "../isa/disassembler";

/** Instructions whose disassembly names an address computed from the pc: never cached. */
const pcRelative = new Set(["jal", "jalr", "beq", "bne", "blt", "bge", "bltu", "bgeu", "auipc"]);
const capacity = 4096;

export class ExitDisassembly {
  private readonly texts = new Map<number, string>();

  of(instruction: Decoded, pc: bigint): string {
    let text = this.texts.get(instruction.raw);
    if (text === undefined) {
      text = disassemble(instruction, pc);
      if (pcRelative.has(instruction.name)) return text;
      if (this.texts.size >= capacity) this.texts.clear();
      this.texts.set(instruction.raw, text);
    }
    return text;
  }
}
