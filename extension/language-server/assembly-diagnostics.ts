/**
 * Diagnostics: unknown instructions and unknown CSR names. Anything the
 * file (or a file it includes) defines as a macro, #define or .equ symbol is
 * accepted, and so is every directive: GNU as knows far more directives than
 * are worth listing, and a false alarm costs more than a missed one.
 */
import type { ParsedAssembly, Token } from "./assembly-parser";
import { findInstruction, csrOperandIndex } from "./instruction-catalog";
import { findCsr } from "./csr-docs";

export interface AssemblyProblem {
  token: Token;
  message: string;
  /** "error" when sure; "warning" when an unreadable include might define the name. */
  severity: "error" | "warning";
}

export interface Definitions {
  /** Macro, #define and .equ names from the file and what it includes. */
  names: ReadonlySet<string>;
  /** Includes that could not be read (e.g. system headers). */
  unresolvedIncludes: readonly string[];
}

const numberLike = /^[-+~(]*(0x[0-9a-f]+|0b[01]+|\d+)\b/i;

export function diagnose(parsed: ParsedAssembly, definitions: Definitions): AssemblyProblem[] {
  const problems: AssemblyProblem[] = [];
  const severity = definitions.unresolvedIncludes.length ? "warning" : "error";
  const mayBeDefinedElsewhere = definitions.unresolvedIncludes.length
    ? ` (unless ${definitions.unresolvedIncludes.map((f) => `'${f}'`).join(", ")} defines it)`
    : "";
  for (const statement of parsed.statements) {
    const mnemonic = statement.mnemonic;
    if (!mnemonic || mnemonic.text.startsWith(".") || mnemonic.text.includes("\\")) continue;
    if (definitions.names.has(mnemonic.text)) continue;
    if (!findInstruction(mnemonic.text)) {
      problems.push({ token: mnemonic, severity, message: `unknown instruction '${mnemonic.text}': not an RV64IMAC/Zicsr/Zifencei/privileged/H instruction, a pseudo-instruction or a macro${mayBeDefinedElsewhere}` });
      continue;
    }
    const index = csrOperandIndex(mnemonic.text);
    const operand = index === undefined ? undefined : statement.operands[index];
    if (!operand || operand.text.includes("\\") || numberLike.test(operand.text)) continue;
    // Only a plain name can be checked; an expression is the assembler's business.
    if (!/^[A-Za-z_][\w]*$/.test(operand.text) || definitions.names.has(operand.text)) continue;
    if (!findCsr(operand.text)) {
      problems.push({ token: operand, severity, message: `unknown CSR '${operand.text}': not a CSR name the assembler knows${mayBeDefinedElsewhere}` });
    }
  }
  return problems;
}
