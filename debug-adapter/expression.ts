/**
 * A small, safe expression language for breakpoint conditions, log points
 * and evaluate: integers (decimal, 0x hex, 0b binary), names (registers,
 * symbols, whatever the context resolves), C operators with C precedence,
 * and memory reads written as C casts: `*(u64*)ADDR`, `*(u8*)(sp + 8)`.
 * Nothing is ever handed to JavaScript's eval. Values are 64-bit unsigned,
 * as gdb computes with `unsigned long`: `-1` is 0xffffffffffffffff.
 */
import type { Hart } from "../vmm-core/hart/hart";
import { abiRegisterNames } from "./registers";

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpressionError";
  }
}

export interface ExpressionContext {
  /** The value of a name (register, symbol, CSR …), or undefined when the name means nothing. */
  lookup(name: string): bigint | undefined;
  /** Guest memory at an address; undefined when unreadable. */
  readMemory?(address: bigint, size: 1 | 2 | 4 | 8): bigint | undefined;
}

export type Expression =
  | { kind: "number"; value: bigint }
  | { kind: "name"; name: string }
  | { kind: "unary"; operator: string; operand: Expression }
  | { kind: "binary"; operator: string; left: Expression; right: Expression }
  | { kind: "deref"; size: 1 | 2 | 4 | 8; address: Expression };

const mask = (value: bigint): bigint => BigInt.asUintN(64, value);

/** Binary operators by precedence level, loosest first (C's order). */
const levels: readonly (readonly string[])[] = [
  ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", "<=", ">", ">="], ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
];

const pointerSizes: Record<string, 1 | 2 | 4 | 8> = {
  u8: 1, i8: 1, char: 1, uint8_t: 1, int8_t: 1,
  u16: 2, i16: 2, short: 2, uint16_t: 2, int16_t: 2,
  u32: 4, i32: 4, int: 4, uint32_t: 4, int32_t: 4,
  u64: 8, i64: 8, long: 8, uint64_t: 8, int64_t: 8, ptr: 8,
};

const tokenPattern = /\s*(0[xX][0-9a-fA-F_]+|0[bB][01_]+|\d[\d_]*|[$A-Za-z_.][\w.$]*|\|\||&&|==|!=|<=|>=|<<|>>|[-+*/%&|^~!<>()])/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    tokenPattern.lastIndex = at;
    const match = tokenPattern.exec(text);
    if (!match) throw new ExpressionError(`unexpected '${text.slice(at).trim()[0]}' at column ${at + 1} of '${text}'`);
    tokens.push(match[1]);
    at = tokenPattern.lastIndex;
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: string[], private readonly text: string) {}

  parse(): Expression {
    if (this.tokens.length === 0) throw new ExpressionError("empty expression");
    const expression = this.binary(0);
    if (this.at < this.tokens.length) throw new ExpressionError(`unexpected '${this.tokens[this.at]}' in '${this.text}'`);
    return expression;
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private take(expected?: string): string {
    const token = this.tokens[this.at];
    if (token === undefined) throw new ExpressionError(`'${this.text}' ends too early${expected ? `: expected '${expected}'` : ""}`);
    if (expected !== undefined && token !== expected) throw new ExpressionError(`expected '${expected}' but found '${token}' in '${this.text}'`);
    this.at++;
    return token;
  }

  private binary(level: number): Expression {
    if (level === levels.length) return this.unary();
    let left = this.binary(level + 1);
    while (levels[level].includes(this.peek() ?? "")) {
      const operator = this.take();
      left = { kind: "binary", operator, left, right: this.binary(level + 1) };
    }
    return left;
  }

  private unary(): Expression {
    const token = this.peek();
    if (token === "*" ) {
      this.take();
      // *(type*)address: the cast names the width.
      const size = this.pointerCast();
      return { kind: "deref", size: size ?? 8, address: this.unary() };
    }
    if (token === "-" || token === "!" || token === "~" || token === "+") {
      this.take();
      return { kind: "unary", operator: token, operand: this.unary() };
    }
    return this.primary();
  }

  /** `(u32*)` at the cursor: consumes it and returns the width; otherwise consumes nothing. */
  private pointerCast(): 1 | 2 | 4 | 8 | undefined {
    const [open, type, star, close] = this.tokens.slice(this.at, this.at + 4);
    if (open === "(" && type !== undefined && pointerSizes[type] !== undefined && star === "*" && close === ")") {
      this.at += 4;
      return pointerSizes[type];
    }
    return undefined;
  }

  private primary(): Expression {
    const token = this.take();
    if (token === "(") {
      const inner = this.binary(0);
      this.take(")");
      return inner;
    }
    if (/^\d|^0[xXbB]/.test(token)) {
      const digits = token.replace(/_/g, "");
      try {
        return { kind: "number", value: mask(BigInt(digits)) };
      } catch {
        throw new ExpressionError(`'${token}' is not a number`);
      }
    }
    if (/^[$A-Za-z_.]/.test(token)) return { kind: "name", name: token };
    throw new ExpressionError(`unexpected '${token}' in '${this.text}'`);
  }
}

/** Parses once (conditions are parsed when the breakpoint is set); throws ExpressionError. */
export function parseExpression(text: string): Expression {
  if (typeof text !== "string") throw new ExpressionError("the expression must be a string");
  return new Parser(tokenize(text), text.trim()).parse();
}

export function evaluateExpression(expression: Expression, context: ExpressionContext): bigint {
  switch (expression.kind) {
    case "number":
      return expression.value;
    case "name": {
      const value = context.lookup(expression.name);
      if (value === undefined) throw new ExpressionError(`unknown name '${expression.name}'`);
      return mask(value);
    }
    case "deref": {
      const address = evaluateExpression(expression.address, context);
      const value = context.readMemory?.(address, expression.size);
      if (value === undefined) throw new ExpressionError(`cannot read ${expression.size} bytes at 0x${address.toString(16)}`);
      return mask(value);
    }
    case "unary": {
      const value = evaluateExpression(expression.operand, context);
      switch (expression.operator) {
        case "-":
          return mask(-value);
        case "!":
          return value === 0n ? 1n : 0n;
        case "~":
          return mask(~value);
        default:
          return value;
      }
    }
    case "binary":
      return binary(expression.operator, expression.left, expression.right, context);
  }
}

function binary(operator: string, leftExpression: Expression, rightExpression: Expression, context: ExpressionContext): bigint {
  const left = evaluateExpression(leftExpression, context);
  // && and || short-circuit, as in C: `a0 != 0 && *(u8*)a0 == 1` never reads address 0.
  if (operator === "&&") return left !== 0n && evaluateExpression(rightExpression, context) !== 0n ? 1n : 0n;
  if (operator === "||") return left !== 0n || evaluateExpression(rightExpression, context) !== 0n ? 1n : 0n;
  const right = evaluateExpression(rightExpression, context);
  const truth = (value: boolean): bigint => (value ? 1n : 0n);
  switch (operator) {
    case "|": return left | right;
    case "^": return left ^ right;
    case "&": return left & right;
    case "==": return truth(left === right);
    case "!=": return truth(left !== right);
    case "<": return truth(left < right);
    case "<=": return truth(left <= right);
    case ">": return truth(left > right);
    case ">=": return truth(left >= right);
    case "<<": return right >= 64n ? 0n : mask(left << right);
    case ">>": return right >= 64n ? 0n : left >> right;
    case "+": return mask(left + right);
    case "-": return mask(left - right);
    case "*": return mask(left * right);
    case "/":
    case "%":
      if (right === 0n) throw new ExpressionError("division by zero");
      return operator === "/" ? left / right : left % right;
    default:
      throw new ExpressionError(`unknown operator '${operator}'`);
  }
}

/** Parses and evaluates in one go. */
export function evaluate(text: string, context: ExpressionContext): bigint {
  return evaluateExpression(parseExpression(text), context);
}

const registerNumbers = new Map<string, number>([
  ...abiRegisterNames.map((name, index) => [name, index] as [string, number]),
  ...Array.from({ length: 32 }, (_, index) => [`x${index}`, index] as [string, number]),
  ["fp", 8],
]);

/** The integer register named `name` ("a0", "x10", "$sp", "pc"), or undefined. */
export function registerValue(hart: Hart, name: string): bigint | undefined {
  const bare = name.startsWith("$") ? name.slice(1) : name;
  if (bare === "pc") return hart.pc;
  const index = registerNumbers.get(bare);
  return index === undefined ? undefined : BigInt.asUintN(64, hart.x[index]);
}

/** Registers first, then the fallback (symbols, CSRs …). */
export function hartContext(hart: Hart, fallback?: (name: string) => bigint | undefined, readMemory?: ExpressionContext["readMemory"]): ExpressionContext {
  return { lookup: (name) => registerValue(hart, name) ?? fallback?.(name), readMemory };
}

/** "{a0} is {x10 + 1}" with every {expression} evaluated, as VS Code log points write them. */
export function interpolate(template: string, context: ExpressionContext, format: (value: bigint) => string = (v) => `0x${v.toString(16)}`): string {
  return template.replace(/\{([^{}]*)\}/g, (_, inner: string) => {
    try {
      return format(evaluate(inner, context));
    } catch (error) {
      return `<${(error as Error).message}>`;
    }
  });
}
