/**
 * evaluate (watch, hover, REPL) and the values typed into setVariable, in
 * expression.ts's safe language over one hart: registers ("a0", "x10",
 * "$pc"), CSRs as the guest sees them ("$sstatus", or "sstatus" when no
 * symbol has that name), ELF symbols (their address), and memory through
 * the guest's translation ("*(u64*)ADDR", "*(u32*)(sp+8)").
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { ElfSymbol } from "../../vmm-core/loader/elf";
import { evaluate, ExpressionError, hartContext, type ExpressionContext } from "../expression";
import { formatRegister } from "../registers";
import { findCsr } from "./csr-views";
import { GuestMemoryAccess, InspectionError } from "./guest-memory-access";
import type { GuestView } from "./guest-view";
import { pointerReference } from "./variables";

export function expressionContext(view: GuestView, symbols: readonly ElfSymbol[]): ExpressionContext {
  const memory = new GuestMemoryAccess(view);
  const symbolValue = (name: string): bigint | undefined => symbols.find((symbol) => symbol.name === name && symbol.type !== "file" && symbol.type !== "section")?.value;
  const csrValue = (name: string): bigint | undefined => findCsr(view, name)?.read();
  return hartContext(
    view.hart,
    (name) => (name.startsWith("$") ? csrValue(name) : (symbolValue(name) ?? csrValue(name))),
    (address, size) => {
      const value = memory.readValue({ space: "virtual", address }, size);
      return typeof value === "string" ? undefined : value;
    },
  );
}

/** The number an expression stands for; InspectionError when it cannot be evaluated. */
export function evaluateValue(view: GuestView, symbols: readonly ElfSymbol[], text: string): bigint {
  try {
    return evaluate(text, expressionContext(view, symbols));
  } catch (error) {
    if (error instanceof ExpressionError) throw new InspectionError(error.message);
    throw error;
  }
}

export function evaluateRequest(view: GuestView, symbols: readonly ElfSymbol[], args: DebugProtocol.EvaluateArguments): DebugProtocol.EvaluateResponse["body"] {
  if (typeof args.expression !== "string") throw new InspectionError("expression must be a string");
  const value = evaluateValue(view, symbols, args.expression);
  const decimal = args.format?.hex === false;
  const body: DebugProtocol.EvaluateResponse["body"] = {
    result: decimal ? BigInt.asUintN(64, value).toString() : formatRegister(value),
    type: "u64",
    variablesReference: 0,
  };
  const reference = pointerReference(view, value);
  if (reference) body.memoryReference = reference;
  return body;
}
