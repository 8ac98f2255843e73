/**
 * Every mnemonic the language server knows, built from vmm-core's decoder
 * tables (32-bit and compressed) plus the assembler's pseudo-instructions:
 * one lookup for hovers and diagnostics.
 */
import { encodings } from "../../vmm-core/isa/encoding-table";
import { compressedEncodings } from "../../vmm-core/isa/compressed-table";
import { describeInstruction, operandSyntax } from "./instruction-docs";
import { pseudoInstructions } from "./assembler-vocabulary";

export interface InstructionInfo {
  name: string;
  operands: string;
  description: string;
  /** Extension or "pseudo". */
  origin: string;
  /** The decoded instruction whose mode behaviour applies. */
  base: string;
  /** CSR implied by the mnemonic itself (rdtime …). */
  impliedCsr?: string;
}

const catalog = new Map<string, InstructionInfo>();

for (const encoding of encodings) {
  const description = describeInstruction(encoding.name) ?? "";
  const origin = encoding.extension === "priv" ? "privileged" : encoding.extension === "I" ? "RV64I" : encoding.extension.length === 1 ? `RV64${encoding.extension}` : encoding.extension;
  catalog.set(encoding.name, { name: encoding.name, operands: operandSyntax(encoding.name, encoding.format), description, origin, base: encoding.name });
}

/** The base instruction a compressed encoding expands to (first field pattern that is not reserved). */
function expandedBase(row: (typeof compressedEncodings)[number]): string | undefined {
  for (const fill of [0, 0x1ffc, 0x0f80, 0x007c, 0x1000, 0x0ffc]) {
    const expansion = row.expand(row.match | (fill & ~row.mask));
    if (expansion) return expansion.base;
  }
  return undefined;
}

for (const row of compressedEncodings) {
  const base = expandedBase(row) ?? row.name.slice(2);
  catalog.set(row.name, {
    name: row.name,
    operands: catalog.get(base)?.operands ?? "",
    description: `16-bit (RVC) form of ${base}. ${catalog.get(base)?.description ?? ""}`.trim(),
    origin: "RV64C",
    base,
  });
}

for (const [name, pseudo] of Object.entries(pseudoInstructions)) {
  if (catalog.has(name)) continue;
  catalog.set(name, { name, operands: pseudo.operands, description: pseudo.description, origin: `pseudo-instruction for ${pseudo.base}`, base: pseudo.base, ...(pseudo.csr ? { impliedCsr: pseudo.csr } : {}) });
}

/** Atomic ordering suffixes the assembler accepts on A-extension mnemonics. */
const orderingSuffix = /\.(aq|rl|aqrl)$/;

export function findInstruction(mnemonic: string): InstructionInfo | undefined {
  const name = mnemonic.toLowerCase();
  const direct = catalog.get(name);
  if (direct) return direct;
  const unordered = name.replace(orderingSuffix, "");
  const atomic = catalog.get(unordered);
  return atomic && (unordered.startsWith("amo") || unordered.startsWith("lr.") || unordered.startsWith("sc.")) ? atomic : undefined;
}

export function allInstructions(): InstructionInfo[] {
  return [...catalog.values()];
}

/** Which operand of a CSR instruction names the CSR (undefined: not a CSR instruction). */
export function csrOperandIndex(mnemonic: string): number | undefined {
  const name = mnemonic.toLowerCase();
  if (/^csrr[wsc]i?$/.test(name) || name === "csrr") return 1; // rd, csr, …
  if (/^csr[wsc]i?$/.test(name)) return 0; // csr, rs (no rd)
  return undefined;
}
