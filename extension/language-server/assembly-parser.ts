/**
 * A line-oriented parser for GNU as RISC-V assembly (`.s`, and `.S` after
 * the C preprocessor): comments, labels, one statement per `;`, mnemonic or
 * directive, operands split at top-level commas, and the identifiers each
 * operand mentions. Positions are 0-based line/character, as LSP wants.
 * It does not evaluate anything: enough structure for hovers, labels and
 * diagnostics, and no more.
 */

export interface Token {
  text: string;
  line: number;
  start: number;
  end: number;
}

export interface Statement {
  line: number;
  labels: Token[];
  /** Instruction mnemonic, macro name or directive (directives start with "."). */
  mnemonic?: Token;
  operands: Token[];
  /** Identifiers and numeric local-label references (1f, 2b) in the operands. */
  references: Token[];
  /** Inside a .macro body: operands may be macro parameters (\name). */
  inMacro: boolean;
}

export interface ParsedAssembly {
  statements: Statement[];
  /** Names defined by .macro, #define, .equ/.set/.equiv: not instructions or labels, never flagged. */
  macros: Map<string, Token>;
  symbols: Map<string, Token>;
  /** Files named by #include / .include, as written. */
  includes: string[];
}

const identifier = /[A-Za-z_.$][\w.$]*|\b\d+[fb]\b/g;

/** Blanks out comments (keeping columns) and returns the code of each line; `#` lines are preprocessor lines. */
function stripComments(lines: readonly string[]): { code: string[]; preprocessor: (string | undefined)[] } {
  const code: string[] = [];
  const preprocessor: (string | undefined)[] = [];
  let inBlock = false;
  for (const line of lines) {
    let out = "";
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (inBlock) {
        if (c === "*" && line[i + 1] === "/") {
          inBlock = false;
          out += "  ";
          i++;
        } else out += " ";
        continue;
      }
      if (quote) {
        out += c;
        if (c === "\\") out += line[++i] ?? "";
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === "/" && line[i + 1] === "*") {
        inBlock = true;
        out += "  ";
        i++;
      } else if ((c === "/" && line[i + 1] === "/") || c === "#") {
        break; // line comment (a leading # is handled below as a preprocessor line)
      } else if (c === '"') {
        quote = c;
        out += c;
      } else if (c === "'") {
        // A character literal: 'x' or '\n'.
        const end = line[i + 1] === "\\" ? i + 3 : i + 2;
        out += line.slice(i, end + 1);
        i = end;
      } else out += c;
    }
    const trimmed = line.trimStart();
    const isPreprocessor = !inBlock && trimmed.startsWith("#") && out.trim() === "";
    preprocessor.push(isPreprocessor ? trimmed : undefined);
    code.push(out);
  }
  return { code, preprocessor };
}

/** Splits at top-level commas (outside parentheses and strings). */
function splitOperands(text: string, line: number, offset: number): Token[] {
  const operands: Token[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  const push = (end: number): void => {
    const raw = text.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const value = raw.trim();
    if (value) operands.push({ text: value, line, start: offset + start + lead, end: offset + start + lead + value.length });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === "'") i += text[i + 1] === "\\" ? 3 : 2;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  push(text.length);
  return operands;
}

function referencesIn(operand: Token): Token[] {
  if (operand.text.startsWith('"')) return [];
  const found: Token[] = [];
  // Character literals and strings inside an operand hold no identifiers.
  const text = operand.text.replace(/'(\\.|.)'|"(\\.|[^"])*"/g, (m) => " ".repeat(m.length));
  for (const match of text.matchAll(identifier)) {
    const start = operand.start + match.index!;
    // Skip macro parameters (\name) and relocation functions (%hi(sym)).
    const before = text[match.index! - 1];
    if (before === "\\" || before === "%") continue;
    found.push({ text: match[0], line: operand.line, start, end: start + match[0].length });
  }
  return found;
}

const labelAtStart = /^\s*([A-Za-z_.$][\w.$]*|\d+)\s*:/;
const word = /^\s*([A-Za-z_.$\\][\w.$\\]*)/;

export function parseAssembly(text: string): ParsedAssembly {
  const lines = text.split(/\r?\n/);
  const { code, preprocessor } = stripComments(lines);
  const result: ParsedAssembly = { statements: [], macros: new Map(), symbols: new Map(), includes: [] };
  let macroDepth = 0;
  code.forEach((lineCode, line) => {
    const directive = preprocessor[line];
    if (directive !== undefined) {
      const define = /^#\s*define\s+([A-Za-z_]\w*)/.exec(directive);
      if (define) {
        const start = lines[line].indexOf(define[1], lines[line].indexOf("define") + 6);
        result.macros.set(define[1], { text: define[1], line, start, end: start + define[1].length });
      }
      const include = /^#\s*include\s+["<]([^">]+)[">]/.exec(directive);
      if (include) result.includes.push(include[1]);
      return;
    }
    let offset = 0;
    for (const part of lineCode.split(";")) {
      const statement = parseStatement(part, line, offset, macroDepth > 0);
      offset += part.length + 1;
      if (!statement) continue;
      const name = statement.mnemonic?.text.toLowerCase();
      if (name === ".macro" && statement.operands[0]) {
        const macroName = /^[\w.$]+/.exec(statement.operands[0].text.split(/\s/)[0])?.[0];
        if (macroName) result.macros.set(macroName, { ...statement.operands[0], text: macroName, end: statement.operands[0].start + macroName.length });
        statement.references = [];
        macroDepth++;
      } else if (name === ".endm") {
        macroDepth = Math.max(0, macroDepth - 1);
      } else if ((name === ".equ" || name === ".set" || name === ".equiv") && statement.operands[0]) {
        result.symbols.set(statement.operands[0].text, statement.operands[0]);
      } else if (name === ".include" && statement.operands[0]) {
        result.includes.push(statement.operands[0].text.replace(/^"|"$/g, ""));
      }
      result.statements.push(statement);
    }
  });
  return result;
}

function parseStatement(text: string, line: number, offset: number, inMacro: boolean): Statement | undefined {
  const labels: Token[] = [];
  let rest = text;
  let restOffset = offset;
  for (let match = labelAtStart.exec(rest); match; match = labelAtStart.exec(rest)) {
    const start = restOffset + rest.indexOf(match[1]);
    labels.push({ text: match[1], line, start, end: start + match[1].length });
    restOffset += match[0].length;
    rest = rest.slice(match[0].length);
  }
  const head = word.exec(rest);
  if (!head) return labels.length ? { line, labels, operands: [], references: [], inMacro } : undefined;
  const start = restOffset + rest.indexOf(head[1]);
  const mnemonic: Token = { text: head[1], line, start, end: start + head[1].length };
  const operandText = rest.slice(head[0].length);
  const operands = splitOperands(operandText, line, restOffset + head[0].length);
  const references = operands.flatMap(referencesIn);
  return { line, labels, mnemonic, operands, references, inMacro };
}
