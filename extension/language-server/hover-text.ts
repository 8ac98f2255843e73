/**
 * Hover text (Markdown) for what sits under the cursor: an instruction, a
 * pseudo-instruction, a CSR name, a directive. Each instruction and CSR
 * hover ends with a table of what every vmscope mode does with it.
 */
import type { ParsedAssembly, Statement, Token } from "./assembly-parser";
import { findInstruction, csrOperandIndex, type InstructionInfo } from "./instruction-catalog";
import { findCsr, csrPrivilege, csrReadOnly, csrFields, type CsrInfo } from "./csr-docs";
import { modes, instructionModeBehaviour, csrModeBehaviour, type ModeBehaviour } from "./mode-behaviour";
import { directiveDescriptions } from "./assembler-vocabulary";

export interface HoverResult {
  markdown: string;
  range: Token;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(3, "0")}`;

function modeTable(behaviour: ModeBehaviour): string {
  return ["| vmscope mode | what happens |", "| --- | --- |", ...modes.map((mode) => `| \`${mode}\` | ${behaviour[mode]} |`)].join("\n");
}

function csrText(csr: CsrInfo): string {
  const parts = [
    `**${csr.name}** — CSR ${hex(csr.address)}, ${csrPrivilege(csr.address)} level, ${csrReadOnly(csr.address) ? "read-only" : "read/write"}`,
    csr.implemented ? "" : "_Not implemented by vmscope's hart: an access raises an illegal-instruction exception._",
    csrFields[csr.name] ? `Fields: \`${csrFields[csr.name]}\`` : "",
  ];
  return parts.filter(Boolean).join("\n\n");
}

function instructionText(info: InstructionInfo, csr: CsrInfo | undefined): string {
  const signature = info.operands ? `\`${info.name} ${info.operands}\`` : `\`${info.name}\``;
  const header = `**${info.name}** — ${info.origin}\n\n${signature}\n\n${info.description}`;
  const behaviour = instructionModeBehaviour(info.base);
  if (behaviour) return `${header}\n\n${modeTable(behaviour)}`;
  if (!csr) return `${header}\n\nA CSR access: what each mode does depends on the CSR (hover its name).`;
  return `${header}\n\nOn **${csr.name}** (${hex(csr.address)}, ${csrPrivilege(csr.address)}):\n\n${modeTable(csrModeBehaviour(csr.address, csr.name))}`;
}

/** The CSR a statement names, if it is a CSR instruction with a known CSR. */
export function statementCsr(statement: Statement): { token?: Token; csr: CsrInfo } | undefined {
  if (!statement.mnemonic) return undefined;
  const implied = findInstruction(statement.mnemonic.text)?.impliedCsr;
  if (implied) return { csr: findCsr(implied)! };
  const index = csrOperandIndex(statement.mnemonic.text);
  const token = index === undefined ? undefined : statement.operands[index];
  const csr = token ? findCsr(token.text) : undefined;
  return token && csr ? { token, csr } : undefined;
}

const inside = (token: Token, line: number, character: number): boolean =>
  token.line === line && character >= token.start && character <= token.end;

export function hoverAt(parsed: ParsedAssembly, line: number, character: number): HoverResult | undefined {
  for (const statement of parsed.statements) {
    if (statement.line !== line || !statement.mnemonic) continue;
    const mnemonic = statement.mnemonic;
    const csr = statementCsr(statement);
    if (inside(mnemonic, line, character)) {
      const info = findInstruction(mnemonic.text);
      if (info) return { markdown: instructionText(info, csr?.csr), range: mnemonic };
      const directive = directiveDescriptions[mnemonic.text.toLowerCase()];
      if (directive) return { markdown: `**${mnemonic.text}** — assembler directive\n\n${directive}`, range: mnemonic };
      return undefined;
    }
    if (csr?.token && inside(csr.token, line, character)) {
      return { markdown: `${csrText(csr.csr)}\n\nWith \`${mnemonic.text}\`:\n\n${modeTable(csrModeBehaviour(csr.csr.address, csr.csr.name))}`, range: csr.token };
    }
  }
  return undefined;
}
