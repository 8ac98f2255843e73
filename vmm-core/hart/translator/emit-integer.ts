/**
 * RV64I/M register arithmetic as generated JavaScript on 32-bit halves
 * (the translator's twin of isa/rv64i.ts and rv64m.ts, whose handlers stay
 * the reference). Immediates are folded into the source as literals;
 * 64-bit carries come from comparing the unsigned low sum with 2^32.
 * Variable shifts and the 64-bit multiply go through runtime.ts helpers;
 * the high multiplies and 64-bit divisions call the interpreter's handler.
 */
import type { Decoded } from "../../isa/decoded";
import { high, low, reloadRegister, spillRegisters, write, writeConstant, type Site } from "./source";

export type Emitter = (d: Decoded, site: Site) => string;

const carry = "(t>4294967295?1:0)";

/** x[rd] = x[rs1] + a 32-bit signed constant (addi, and the address arithmetic of loads). */
function addConstant(rd: number, rs1: number, value: number): string {
  if (rd === 0) return "";
  if (rs1 === 0) return write(rd, String(value | 0), String(value >> 31));
  if (value === 0) return rd === rs1 ? "" : write(rd, low(rs1), high(rs1));
  const adjust = value < 0 ? `(t>4294967295?0:-1)` : carry;
  return `a1=${high(rs1)};t=(${low(rs1)}>>>0)+${value >>> 0};${write(rd, "t|0", `(a1+${adjust})|0`)}`;
}

/** A bitwise operation with a sign-extended 12-bit constant, half by half. */
function bitwiseConstant(operator: "&" | "|" | "^"): Emitter {
  return (d) => {
    if (d.rd === 0) return "";
    const value = d.immediate;
    const upper = value >> 31;
    const lowPart = `${low(d.rs1)}${operator}${value}`;
    // The high half of the constant is 0 or -1: fold the identities.
    let highPart: string;
    if (operator === "&") highPart = upper === 0 ? "0" : high(d.rs1);
    else if (operator === "|") highPart = upper === 0 ? high(d.rs1) : "-1";
    else highPart = upper === 0 ? high(d.rs1) : `~${high(d.rs1)}`;
    // Low is written first: it reads only rs1's low half, and the high half of rs1 is untouched until then.
    return write(d.rd, lowPart, highPart);
  };
}

function bitwise(operator: "&" | "|" | "^"): Emitter {
  return (d) =>
    d.rd === 0
      ? ""
      : write(d.rd, `${low(d.rs1)}${operator}${low(d.rs2)}`, `${high(d.rs1)}${operator}${high(d.rs2)}`);
}

/** Signed (or unsigned) a < b on halves held in a1:a0 and b1:b0. */
function less(unsigned: boolean): string {
  return unsigned
    ? "((a1>>>0)<(b1>>>0)||(a1===b1&&(a0>>>0)<(b0>>>0))?1:0)"
    : "(a1<b1||(a1===b1&&(a0>>>0)<(b0>>>0))?1:0)";
}

function compareConstant(unsigned: boolean): Emitter {
  return (d) =>
    d.rd === 0
      ? ""
      : `a0=${low(d.rs1)};a1=${high(d.rs1)};b0=${d.immediate};b1=${d.immediate >> 31};${write(d.rd, less(unsigned), "0")}`;
}

function compare(unsigned: boolean): Emitter {
  return (d) =>
    d.rd === 0
      ? ""
      : `a0=${low(d.rs1)};a1=${high(d.rs1)};b0=${low(d.rs2)};b1=${high(d.rs2)};${write(d.rd, less(unsigned), "0")}`;
}

function shiftLeftConstant(d: Decoded): string {
  const s = d.immediate;
  if (d.rd === 0) return "";
  if (s === 0) return addConstant(d.rd, d.rs1, 0);
  if (s < 32) return `a0=${low(d.rs1)};a1=${high(d.rs1)};${write(d.rd, `a0<<${s}`, `(a1<<${s})|(a0>>>${32 - s})`)}`;
  return `a0=${low(d.rs1)};${write(d.rd, "0", `a0<<${s - 32}`)}`;
}

function shiftRightConstant(arithmetic: boolean): Emitter {
  return (d) => {
    const s = d.immediate;
    if (d.rd === 0) return "";
    if (s === 0) return addConstant(d.rd, d.rs1, 0);
    const fill = arithmetic ? "a1>>31" : "0";
    const shiftHigh = arithmetic ? `a1>>${s}` : `a1>>>${s}`;
    if (s < 32) return `a0=${low(d.rs1)};a1=${high(d.rs1)};${write(d.rd, `(a0>>>${s})|(a1<<${32 - s})`, `${shiftHigh}|0`)}`;
    const lowPart = arithmetic ? `a1>>${s - 32}` : `(a1>>>${s - 32})|0`;
    return `a1=${high(d.rs1)};${write(d.rd, lowPart, fill)}`;
  };
}

/** A 32-bit operation whose int32 result is sign-extended into x[rd]. */
function word(expression: (d: Decoded) => string): Emitter {
  return (d) => (d.rd === 0 ? "" : `t=${expression(d)};${write(d.rd, "t", "t>>31")}`);
}

/** A runtime.ts helper on the operands' halves: it returns the low half of the result and leaves the high half in X.high. */
function helper(name: string): Emitter {
  return (d) => (d.rd === 0 ? "" : `t=X.${name}(${low(d.rs1)},${high(d.rs1)},${low(d.rs2)},${high(d.rs2)});${write(d.rd, "t", "X.high")}`);
}

/** The interpreter's own handler, for operations that need bigint arithmetic (they cannot trap): it works on r32. */
const handler: Emitter = (d, site) => (d.rd === 0 ? "" : `${spillRegisters([d.rs1, d.rs2])}E[${site.handler}](h,D[${site.handler}]);${reloadRegister(d.rd)}`);

export const integerEmitters: Record<string, Emitter> = {
  lui: (d) => writeConstant(d.rd, BigInt(d.immediate)),
  auipc: (d, site) => writeConstant(d.rd, BigInt.asIntN(64, site.pc + BigInt(d.immediate))),
  addi: (d) => addConstant(d.rd, d.rs1, d.immediate),
  andi: bitwiseConstant("&"),
  ori: bitwiseConstant("|"),
  xori: bitwiseConstant("^"),
  slti: compareConstant(false),
  sltiu: compareConstant(true),
  slli: shiftLeftConstant,
  srli: shiftRightConstant(false),
  srai: shiftRightConstant(true),
  add: (d) =>
    d.rd === 0
      ? ""
      : d.rs1 === 0 || d.rs2 === 0
        ? addConstant(d.rd, d.rs1 + d.rs2, 0)
        : `a1=${high(d.rs1)};b1=${high(d.rs2)};t=(${low(d.rs1)}>>>0)+(${low(d.rs2)}>>>0);${write(d.rd, "t|0", `(a1+b1+${carry})|0`)}`,
  sub: (d) =>
    d.rd === 0
      ? ""
      : d.rs2 === 0
        ? addConstant(d.rd, d.rs1, 0)
        : `a1=${high(d.rs1)};b1=${high(d.rs2)};t=(${low(d.rs1)}>>>0)-(${low(d.rs2)}>>>0);${write(d.rd, "t|0", "(a1-b1-(t<0?1:0))|0")}`,
  and: bitwise("&"),
  or: bitwise("|"),
  xor: bitwise("^"),
  slt: compare(false),
  sltu: compare(true),
  sll: helper("sll"),
  srl: helper("srl"),
  sra: helper("sra"),
  addiw: word((d) => `(${low(d.rs1)}+${d.immediate})|0`),
  slliw: word((d) => `${low(d.rs1)}<<${d.immediate}`),
  srliw: word((d) => `(${low(d.rs1)}>>>${d.immediate})|0`),
  sraiw: word((d) => `${low(d.rs1)}>>${d.immediate}`),
  addw: word((d) => `(${low(d.rs1)}+${low(d.rs2)})|0`),
  subw: word((d) => `(${low(d.rs1)}-${low(d.rs2)})|0`),
  sllw: word((d) => `${low(d.rs1)}<<(${low(d.rs2)}&31)`),
  srlw: word((d) => `(${low(d.rs1)}>>>(${low(d.rs2)}&31))|0`),
  sraw: word((d) => `${low(d.rs1)}>>(${low(d.rs2)}&31)`),
  mul: helper("mul"),
  mulw: word((d) => `Math.imul(${low(d.rs1)},${low(d.rs2)})`),
  divw: word((d) => `X.divw(${low(d.rs1)},${low(d.rs2)})`),
  divuw: word((d) => `X.divuw(${low(d.rs1)},${low(d.rs2)})`),
  remw: word((d) => `X.remw(${low(d.rs1)},${low(d.rs2)})`),
  remuw: word((d) => `X.remuw(${low(d.rs1)},${low(d.rs2)})`),
  mulh: handler,
  mulhsu: handler,
  mulhu: handler,
  div: handler,
  divu: handler,
  rem: handler,
  remu: handler,
  // Memory ordering holds trivially in a sequential emulator; stores to code are caught exactly, so FENCE.I has nothing to do.
  fence: () => "",
  "fence.i": () => "",
};
