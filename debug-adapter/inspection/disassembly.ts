/**
 * The disassemble request: exactly `instructionCount` instructions around
 * a memory reference, in objdump syntax (vmm-core/isa/disassembler.ts),
 * named after ELF symbols, with source lines where DWARF maps them.
 *
 * Negative instruction offsets with compressed code: an instruction's start
 * cannot be found by stepping back a fixed size. Going backwards we decode
 * forwards from a known boundary — the start of the symbol that contains
 * the code (functions start on instructions) — and keep the instructions
 * that end exactly where we came from. Without a symbol (or a symbol too
 * far back) we resynchronize: decode from a few bytes before and accept the
 * first start whose decoding lands exactly on the target; RISC-V code
 * resynchronizes within a few instructions. Unreadable memory becomes
 * placeholders of 4 bytes ("unmapped", presentationHint "invalid"), so the
 * count is always exact.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import { decode16, decode32 } from "../../vmm-core/isa/decoder";
import { disassemble, DisassemblyState, type Symbolizer as OperandSymbolizer } from "../../vmm-core/isa/disassembler";
import type { Symbolizer } from "../symbolizer";
import type { GuestMemoryAccess, MemoryReference } from "./guest-memory-access";


export interface DisassemblyContext {
  memory: GuestMemoryAccess;
  symbols: Symbolizer;
  /** objdump's `<sym+0x…>` naming for branch targets and address comments. */
  operandSymbols?: OperandSymbolizer;
  globalPointer?: bigint;
  /** The program's privileged-spec version (.riscv.attributes): objdump names CSRs by it. */
  privilegedSpec?: string;
  /** Source line of an address, from DWARF line tables, when available. */
  locate?: (address: bigint) => SourceLocation | undefined;
}

/** A source line for the disassembly view: `path` as the client can open it. */
export interface SourceLocation {
  path: string;
  line: number;
  column?: number;
}

interface RawInstruction {
  address: bigint;
  length: number;
  /** Undefined for an unreadable placeholder. */
  bits?: number;
}

/** How far back a symbol's start may be and still be decoded from. */
const maxSymbolWalk = 64n * 1024n;
const placeholderLength = 4;
const mask64 = (1n << 64n) - 1n;

export class Disassembler {
  constructor(private readonly context: DisassemblyContext) {}

  /** The instruction starting at `address`, or a placeholder when its bytes cannot be read. */
  private at(space: MemoryReference["space"], address: bigint): RawInstruction {
    const low = this.context.memory.readValue({ space, address }, 2);
    if (typeof low === "string") return { address, length: placeholderLength };
    if ((Number(low) & 3) !== 3) return { address, length: 2, bits: Number(low) };
    const high = this.context.memory.readValue({ space, address: (address + 2n) & mask64 }, 2);
    if (typeof high === "string") return { address, length: placeholderLength };
    return { address, length: 4, bits: (Number(low) | (Number(high) << 16)) >>> 0 };
  }

  private forward(space: MemoryReference["space"], start: bigint, count: number): RawInstruction[] {
    const out: RawInstruction[] = [];
    let address = start;
    while (out.length < count) {
      const instruction = this.at(space, address);
      out.push(instruction);
      address = (address + BigInt(instruction.length)) & mask64;
    }
    return out;
  }

  /** Instructions decoded from `start` that end exactly at `end`, or undefined when decoding steps over `end`. */
  private between(space: MemoryReference["space"], start: bigint, end: bigint): RawInstruction[] | undefined {
    const out: RawInstruction[] = [];
    let address = start;
    while (address < end) {
      const instruction = this.at(space, address);
      out.push(instruction);
      address += BigInt(instruction.length);
    }
    return address === end ? out : undefined;
  }

  /** The `count` instructions before `end`, oldest first. */
  private backward(space: MemoryReference["space"], end: bigint, count: number): RawInstruction[] {
    const collected: RawInstruction[] = [];
    let cursor = end;
    while (collected.length < count && cursor > 0n) {
      const wanted = count - collected.length;
      let found: RawInstruction[] | undefined;
      let start: bigint | undefined;
      const location = this.context.symbols.lookup(cursor - 1n);
      if (location && location.offset + 1n <= maxSymbolWalk) {
        start = cursor - 1n - location.offset;
        found = this.between(space, start, cursor);
      }
      if (!found || found.length === 0) {
        // Resynchronize: the first start (2-byte aligned) whose decoding lands on the cursor.
        const back = BigInt(4 * wanted + 32);
        const first = cursor > back ? cursor - back : 0n;
        for (let candidate = first; candidate < cursor && !found; candidate += 2n) {
          const run = this.between(space, candidate, cursor);
          if (run && run.length > 0) {
            found = run;
            start = candidate;
          }
        }
      }
      if (!found || start === undefined) {
        // Nothing decodes up to the cursor (odd addresses): placeholders keep the count.
        found = [{ address: cursor - 2n, length: 2 }];
        start = cursor - 2n;
      }
      collected.unshift(...found.slice(-wanted));
      cursor = start;
    }
    while (collected.length < count) {
      // Below address 0: nothing exists there, but the count is promised.
      const first = collected[0]?.address ?? end;
      collected.unshift({ address: (first - BigInt(placeholderLength)) & mask64, length: placeholderLength });
    }
    return collected;
  }

  /** The DAP disassemble request's answer. */
  disassemble(reference: MemoryReference, instructionOffset: number, count: number, resolveSymbols: boolean): DebugProtocol.DisassembledInstruction[] {
    const { space, address } = reference;
    let raw: RawInstruction[];
    if (instructionOffset >= 0) {
      // Skip forward first; the skipped ones are decoded anyway to find the start.
      raw = this.forward(space, address, instructionOffset + count).slice(instructionOffset);
    } else {
      const before = this.backward(space, address, -instructionOffset);
      raw = before.slice(0, count);
      if (raw.length < count) raw.push(...this.forward(space, address, count - raw.length));
    }
    return this.render(raw, resolveSymbols);
  }

  private render(raw: RawInstruction[], resolveSymbols: boolean): DebugProtocol.DisassembledInstruction[] {
    const state = new DisassemblyState(this.context.globalPointer, this.context.privilegedSpec);
    const operandSymbols = resolveSymbols ? this.context.operandSymbols : undefined;
    let lastSource: string | undefined;
    return raw.map((instruction) => {
      const address = "0x" + instruction.address.toString(16);
      if (instruction.bits === undefined) {
        return { address, instruction: "unmapped", instructionBytes: "", presentationHint: "invalid" };
      }
      const decoded = instruction.length === 2 ? decode16(instruction.bits) : decode32(instruction.bits);
      const result: DebugProtocol.DisassembledInstruction = {
        address,
        instructionBytes: instruction.bits.toString(16).padStart(instruction.length * 2, "0"),
        instruction: disassemble(decoded, instruction.address, operandSymbols, state),
      };
      if (resolveSymbols) {
        const symbol = this.context.symbols.lookup(instruction.address);
        if (symbol) result.symbol = symbol.name;
      }
      const source = this.context.locate?.(instruction.address);
      if (source) {
        // The DAP spec: the location on the first instruction and where the file changes; the line on every one.
        if (source.path !== lastSource) result.location = { path: source.path, name: source.path.split(/[\\/]/).pop() };
        result.line = source.line;
        if (source.column) result.column = source.column;
      }
      lastSource = source?.path;
      return result;
    });
  }
}
