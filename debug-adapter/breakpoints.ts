/**
 * Source, function and instruction breakpoints as DAP sees them, turned
 * into the machine debugger's address breakpoints. Each carries its
 * condition (parsed once, evaluated over the hart's registers), hit
 * condition and log message; none of them patch guest memory.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Hart } from "../vmm-core/hart/hart";
import type { Breakpoint as MachineBreakpoint } from "../vmm-core/debug/machine-debugger";
import { evaluateExpression, ExpressionError, interpolate, parseExpression, type Expression, type ExpressionContext } from "./expression";
import type { ProgramDebugInfo } from "./stack-debug-info";

/** A hit condition: ">= 5" (also plain "5"), "> 5", "== 5", "< 5", "<= 5", "% 5" (every fifth). */
export interface HitCondition {
  operator: ">=" | ">" | "==" | "<" | "<=" | "%";
  count: number;
}

export function parseHitCondition(text: string): HitCondition {
  const match = /^\s*(>=|>|==|=|<=|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!match) throw new ExpressionError(`hit condition '${text}' is not a count: write 5, >= 5, == 5 or % 5`);
  const operator = (match[1] === "=" ? "==" : match[1] ?? ">=") as HitCondition["operator"];
  const count = Number(match[2]);
  if (operator === "%" && count === 0) throw new ExpressionError("hit condition '% 0' divides by zero");
  return { operator, count };
}

export function hitConditionMet(condition: HitCondition, hits: number): boolean {
  switch (condition.operator) {
    case ">=": return hits >= condition.count;
    case ">": return hits > condition.count;
    case "==": return hits === condition.count;
    case "<": return hits < condition.count;
    case "<=": return hits <= condition.count;
    case "%": return hits % condition.count === 0;
  }
}

/** Condition, hit count and log point: what every kind of breakpoint shares. */
export interface BreakpointBehaviour {
  condition?: Expression;
  hitCondition?: HitCondition;
  logMessage?: string;
  hits: number;
}

export interface BreakpointHost {
  /** Registers, symbols and memory for conditions and log messages. */
  context(hart: Hart): ExpressionContext;
  /** A log point's message or a condition's failure, shown in the Debug Console. */
  log(text: string): void;
}

/** Parses the DAP fields; a bad one throws ExpressionError with the reason. */
export function behaviourOf(spec: { condition?: string; hitCondition?: string; logMessage?: string }): BreakpointBehaviour {
  return {
    condition: spec.condition !== undefined && spec.condition.trim() !== "" ? parseExpression(spec.condition) : undefined,
    hitCondition: spec.hitCondition !== undefined && spec.hitCondition.trim() !== "" ? parseHitCondition(spec.hitCondition) : undefined,
    logMessage: spec.logMessage !== undefined && spec.logMessage !== "" ? spec.logMessage : undefined,
    hits: 0,
  };
}

/** The machine-side test: false lets the hart run on (condition false, hit count not reached, log point). */
export function breakpointTest(behaviour: BreakpointBehaviour, host: BreakpointHost): ((hart: Hart) => boolean) | undefined {
  if (!behaviour.condition && !behaviour.hitCondition && !behaviour.logMessage) return undefined;
  return (hart) => {
    const context = host.context(hart);
    if (behaviour.condition) {
      try {
        if (evaluateExpression(behaviour.condition, context) === 0n) return false;
      } catch (error) {
        // As gdb: a condition that cannot be evaluated stops, and says why.
        host.log(`vmscope: breakpoint condition failed on hart ${hart.hartId}: ${(error as Error).message}\n`);
        return true;
      }
    }
    behaviour.hits++;
    if (behaviour.hitCondition && !hitConditionMet(behaviour.hitCondition, behaviour.hits)) return false;
    if (behaviour.logMessage) {
      host.log(interpolate(behaviour.logMessage, context, (value) => value.toString()) + "\n");
      return false;
    }
    return true;
  };
}

interface Entry {
  id: number;
  addresses: bigint[];
  behaviour: BreakpointBehaviour;
  /** The DAP breakpoint reported back (verified, line, message). */
  reported: DebugProtocol.Breakpoint;
}

export type BreakpointKind = "source" | "function" | "instruction";

export class BreakpointTable {
  private nextId = 1;
  private readonly bySource = new Map<string, Entry[]>();
  private functions: Entry[] = [];
  private instructions: Entry[] = [];
  /** Breakpoint id → kind, for the stopped event's reason. */
  private readonly kinds = new Map<number, BreakpointKind>();

  constructor(private readonly host: BreakpointHost) {}

  setSourceBreakpoints(info: ProgramDebugInfo, source: DebugProtocol.Source, specs: readonly DebugProtocol.SourceBreakpoint[]): DebugProtocol.Breakpoint[] {
    const path = source.path ?? source.name ?? "";
    for (const old of this.bySource.get(path) ?? []) this.kinds.delete(old.id);
    const entries = specs.map((spec) => {
      const entry = this.entry("source", spec, (id) => {
        const found = path === "" ? undefined : info.addressesForLine(path, spec.line);
        if (!found) {
          const why = !info.hasLineInfo
            ? "the guest has no DWARF line information: build it with -g"
            : `no code at or after line ${spec.line} of ${path}`;
          return { addresses: [], reported: { id, verified: false, line: spec.line, message: why, reason: "failed" } };
        }
        return { addresses: found.addresses, reported: { id, verified: true, line: found.line, source, instructionReference: hex(found.addresses[0]) } };
      });
      return entry;
    });
    this.bySource.set(path, entries);
    return entries.map((entry) => entry.reported);
  }

  setFunctionBreakpoints(info: ProgramDebugInfo, specs: readonly DebugProtocol.FunctionBreakpoint[]): DebugProtocol.Breakpoint[] {
    for (const old of this.functions) this.kinds.delete(old.id);
    this.functions = specs.map((spec) =>
      this.entry("function", spec, (id) => {
        const addresses = info.functionAddresses(spec.name.trim());
        if (addresses.length === 0) {
          return { addresses, reported: { id, verified: false, message: `no function named '${spec.name}' in the symbols or DWARF`, reason: "failed" } };
        }
        const location = info.locate(addresses[0]);
        return {
          addresses,
          reported: {
            id,
            verified: true,
            instructionReference: hex(addresses[0]),
            ...(location ? { line: location.line, source: { name: baseName(location.file), path: location.file } } : {}),
          },
        };
      }),
    );
    return this.functions.map((entry) => entry.reported);
  }

  setInstructionBreakpoints(specs: readonly DebugProtocol.InstructionBreakpoint[]): DebugProtocol.Breakpoint[] {
    for (const old of this.instructions) this.kinds.delete(old.id);
    this.instructions = specs.map((spec) =>
      this.entry("instruction", spec, (id) => {
        let base: bigint;
        try {
          base = BigInt(spec.instructionReference);
        } catch {
          return { addresses: [], reported: { id, verified: false, message: `'${spec.instructionReference}' is not an address`, reason: "failed" } };
        }
        const address = BigInt.asUintN(64, base + BigInt(spec.offset ?? 0));
        return { addresses: [address], reported: { id, verified: true, instructionReference: hex(address) } };
      }),
    );
    return this.instructions.map((entry) => entry.reported);
  }

  /** Everything, as the machine debugger takes it. */
  machineBreakpoints(): MachineBreakpoint[] {
    const all = [...[...this.bySource.values()].flat(), ...this.functions, ...this.instructions];
    return all.flatMap((entry) => {
      const test = breakpointTest(entry.behaviour, this.host);
      return entry.addresses.map((address) => ({ id: entry.id, address, test }));
    });
  }

  kindOf(id: number): BreakpointKind | undefined {
    return this.kinds.get(id);
  }

  private entry(
    kind: BreakpointKind,
    spec: { condition?: string; hitCondition?: string; logMessage?: string },
    locate: (id: number) => { addresses: bigint[]; reported: DebugProtocol.Breakpoint },
  ): Entry {
    const id = this.nextId++;
    let behaviour: BreakpointBehaviour;
    try {
      behaviour = behaviourOf(spec);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      const { reported } = locate(id);
      return { id, addresses: [], behaviour: { hits: 0 }, reported: { ...reported, verified: false, message: error.message, reason: "failed" } };
    }
    const { addresses, reported } = locate(id);
    this.kinds.set(id, kind);
    return { id, addresses, behaviour, reported };
  }
}

function hex(value: bigint): string {
  return "0x" + value.toString(16);
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
