/**
 * A source for frames without DWARF (the reset ROM, firmware, assembly
 * built without -g). VS Code focuses only a frame whose source is
 * available, and without a focused frame the Variables view stays empty;
 * so such a frame gets a listing of the instructions around its pc, which
 * the `source` request serves (one reference per listing start, stable
 * across stops, so VS Code reuses its editor).
 */
import type { DebugProtocol } from "@vscode/debugprotocol";

/** Instructions shown ahead of the pc and in all. */
const before = 16;
const total = 64;
/** Listings kept for the `source` request: stepping through firmware must not grow the adapter without bound. */
const keptListings = 256;

export type ListingProvider = (hartId: number, address: bigint, before: number, count: number) => DebugProtocol.DisassembledInstruction[];

export class DisassemblySources {
  private readonly references = new Map<string, number>();
  private readonly contents = new Map<number, string>();

  constructor(private readonly listing: ListingProvider) {}

  /** The listing source of a frame at `pc` on a hart, and the pc's line in it; undefined when memory there is unreadable. */
  frameSource(hartId: number, pc: bigint, name: string): { source: DebugProtocol.Source; line: number } | undefined {
    const instructions = this.listing(hartId, pc, before, total);
    const index = instructions.findIndex((instruction) => BigInt(instruction.address) === pc);
    if (index < 0 || instructions[index].presentationHint === "invalid") return undefined;
    const start = instructions[0].address;
    const key = `${hartId}:${start}`;
    let reference = this.references.get(key);
    if (reference === undefined) {
      reference = this.references.size + 1;
      this.references.set(key, reference);
    }
    // Newest last, so the oldest listing is the first to go.
    this.contents.delete(reference);
    this.contents.set(reference, instructions.map(formatLine).join("\n") + "\n");
    if (this.contents.size > keptListings) this.contents.delete(this.contents.keys().next().value!);
    return {
      // Not "deemphasize": VS Code would skip the frame when it picks one to focus.
      source: { name: `${name} @ ${start} (disassembly)`, sourceReference: reference, origin: "disassembly of guest memory" },
      line: index + 1,
    };
  }

  /** The listing text of a reference, as last shown. */
  content(reference: number): string | undefined {
    return this.contents.get(reference);
  }
}

function formatLine(instruction: DebugProtocol.DisassembledInstruction): string {
  const label = instruction.symbol ? `<${instruction.symbol}> ` : "";
  return `${instruction.address}: ${(instruction.instructionBytes ?? "").padEnd(8)}  ${label}${instruction.instruction}`;
}
