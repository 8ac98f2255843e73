/**
 * Labels of one assembly file: where each is defined and used. Numeric
 * local labels (`1:`) may be defined many times; `1b` means the nearest
 * definition above, `1f` the nearest below, as GNU as resolves them.
 */
import type { ParsedAssembly, Token } from "./assembly-parser";
import { registerNames } from "./assembler-vocabulary";

export interface LabelIndex {
  /** Named labels: name → definition. */
  definitions: Map<string, Token>;
  /** Every definition of a numeric label, in file order. */
  numeric: Map<string, Token[]>;
  /** Every reference to a label (numeric ones resolved to their definition). */
  references: { token: Token; definition: Token }[];
  /** Names declared .globl/.global. */
  globals: Set<string>;
}

function resolveNumeric(index: LabelIndex, reference: Token): Token | undefined {
  const digits = reference.text.slice(0, -1);
  const forward = reference.text.endsWith("f");
  const definitions = index.numeric.get(digits) ?? [];
  const before = (d: Token): boolean => d.line < reference.line || (d.line === reference.line && d.start < reference.start);
  return forward ? definitions.find((d) => !before(d)) : definitions.filter(before).at(-1);
}

export function indexLabels(parsed: ParsedAssembly): LabelIndex {
  const index: LabelIndex = { definitions: new Map(), numeric: new Map(), references: [], globals: new Set() };
  for (const statement of parsed.statements) {
    for (const label of statement.labels) {
      if (/^\d+$/.test(label.text)) {
        const list = index.numeric.get(label.text) ?? [];
        list.push(label);
        index.numeric.set(label.text, list);
      } else if (!index.definitions.has(label.text)) {
        index.definitions.set(label.text, label);
      }
    }
    const directive = statement.mnemonic?.text.toLowerCase();
    if ((directive === ".globl" || directive === ".global") ) {
      for (const operand of statement.operands) index.globals.add(operand.text);
    }
  }
  for (const statement of parsed.statements) {
    for (const reference of statement.references) {
      if (/^\d+[fb]$/.test(reference.text)) {
        const definition = resolveNumeric(index, reference);
        if (definition) index.references.push({ token: reference, definition });
      } else if (!registerNames.has(reference.text)) {
        const definition = index.definitions.get(reference.text);
        if (definition) index.references.push({ token: reference, definition });
      }
    }
  }
  return index;
}

const contains = (token: Token, line: number, character: number): boolean =>
  token.line === line && character >= token.start && character <= token.end;

/** The label definition under the cursor, whether on a definition or a reference. */
export function labelAt(index: LabelIndex, line: number, character: number): Token | undefined {
  for (const definition of index.definitions.values()) if (contains(definition, line, character)) return definition;
  for (const list of index.numeric.values()) for (const definition of list) if (contains(definition, line, character)) return definition;
  return index.references.find((r) => contains(r.token, line, character))?.definition;
}

/** Every use of a definition (references only). */
export function referencesTo(index: LabelIndex, definition: Token): Token[] {
  return index.references.filter((r) => r.definition === definition).map((r) => r.token);
}
