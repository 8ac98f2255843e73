/**
 * Exception breakpoints: filters for guest traps (by cause), SBI calls, and
 * VM exits grouped by reason, with conditions; and the words that describe
 * such a stop in the stopped event and in exceptionInfo.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Hart } from "../vmm-core/hart/hart";
import { causeName } from "../vmm-core/hart/trap";
import type { ExitRecord } from "../vmm-core/hypervisor/exit-record";
import type { MachineDebugger } from "../vmm-core/debug/machine-debugger";
import type { DebugStop, PendingTrap } from "../vmm-core/debug/debug-stop";
import type { VirtualizationMode } from "../vmm-core/machine/machine";
import { evaluateExpression, ExpressionError, parseExpression, type ExpressionContext } from "./expression";

/** VM exit reasons grouped as the Breakpoints view lists them. */
export const exitGroups: readonly { filter: string; label: string; reasons: readonly string[] }[] = [
  { filter: "exit-csr", label: "VM exit: CSR access", reasons: ["csr-read", "csr-write"] },
  { filter: "exit-privileged", label: "VM exit: privileged instruction (sret, sfence.vma, wfi)", reasons: ["sret", "sfence.vma", "wfi"] },
  { filter: "exit-sbi", label: "VM exit: SBI call", reasons: ["sbi"] },
  { filter: "exit-memory", label: "VM exit: page-table fill or guest page fault", reasons: ["shadow-fill", "nested-fill", "guest-page-fault"] },
  { filter: "exit-mmio", label: "VM exit: device (MMIO) access", reasons: ["mmio-read", "mmio-write"] },
  { filter: "exit-injection", label: "VM exit: trap or interrupt injected into the guest", reasons: ["interrupt-injected", "illegal-instruction-injected", "exception-injected"] },
  { filter: "exit-interrupt", label: "VM exit: timer or external interrupt", reasons: ["timer", "external-interrupt"] },
];

const privilegeNames = ["U", "S", "", "M"];
const sbiExtensions: Record<string, string> = {
  "0x10": "BASE", "0x54494d45": "TIME", "0x735049": "sPI", "0x52464e43": "RFNC", "0x48534d": "HSM", "0x53525354": "SRST", "0x4442434e": "DBCN",
};

/** The filters this machine offers: exits only exist under a monitor. */
export function exceptionFilters(mode: VirtualizationMode): DebugProtocol.ExceptionBreakpointsFilter[] {
  const filters: DebugProtocol.ExceptionBreakpointsFilter[] = [
    {
      filter: "trap",
      label: "Guest traps",
      description: "Stop when a hart is about to take a trap: at the faulting instruction, nothing committed (for an interrupt, where it would be taken); continue or step takes it",
      default: false,
      supportsCondition: true,
      conditionDescription: "causes by number or name, comma-separated: 2, 13, illegal instruction, supervisor timer interrupt",
    },
    {
      filter: "ecall",
      label: "SBI calls (ecall)",
      description: mode === "none" ? "Stop at an ecall from S-mode, before it traps to the firmware" : "Stop after the monitor has served an SBI call",
      default: false,
      supportsCondition: true,
      conditionDescription: mode === "none" ? "an expression over the registers, e.g. a7 == 0x54494d45" : "the SBI extension or function, e.g. TIME or TIME.set_timer",
    },
  ];
  if (mode === "none") return filters;
  return [
    ...filters,
    ...exitGroups.map((group) => ({
      filter: group.filter,
      label: group.label,
      default: false,
      supportsCondition: true,
      conditionDescription: "words the exit's reason or detail must contain, comma-separated: sstatus, set_timer",
    })),
  ];
}

/** "2, 13, illegal instruction" → a trap predicate; throws ExpressionError on an unknown cause. */
function trapCondition(text: string | undefined): (trap: PendingTrap) => boolean {
  const items = (text ?? "").split(",").map((item) => item.trim().toLowerCase()).filter((item) => item !== "");
  if (items.length === 0) return () => true;
  for (const item of items) {
    if (/^\d+$/.test(item)) continue;
    const known = Array.from({ length: 64 }, (_, cause) => [causeName(cause, false), causeName(cause, true)]).flat().map((name) => name.toLowerCase());
    if (!known.includes(item)) throw new ExpressionError(`'${item}' is not a trap cause: give numbers or names such as 'illegal instruction'`);
  }
  return (trap) => items.includes(String(trap.cause)) || items.includes(causeName(trap.cause, trap.interrupt).toLowerCase());
}

/** "sstatus, set_timer" → an exit predicate on reason and detail. */
function exitCondition(text: string | undefined): (exit: ExitRecord) => boolean {
  const words = (text ?? "").split(",").map((word) => word.trim().toLowerCase()).filter((word) => word !== "");
  if (words.length === 0) return () => true;
  return (exit) => words.some((word) => `${exit.reason} ${exit.detail}`.toLowerCase().includes(word));
}

/**
 * Arms the machine debugger for the chosen filters. Returns the problems of
 * filters that could not be armed, one per filter (for setExceptionBreakpoints' breakpoints).
 */
export function armExceptionFilters(
  debug: MachineDebugger,
  mode: VirtualizationMode,
  options: readonly DebugProtocol.ExceptionFilterOptions[],
  context: (hart: Hart) => ExpressionContext,
): DebugProtocol.Breakpoint[] {
  const results: DebugProtocol.Breakpoint[] = [];
  let trap: ((trap: PendingTrap) => boolean) | undefined;
  let ecall: ((hart: Hart) => boolean) | undefined;
  const exitPredicates: ((exit: ExitRecord) => boolean)[] = [];
  const offered = new Set(exceptionFilters(mode).map((f) => f.filter));
  for (const option of options) {
    try {
      if (!offered.has(option.filterId)) throw new ExpressionError(`no exception filter '${option.filterId}' in mode ${mode}`);
      if (option.filterId === "trap") {
        trap = trapCondition(option.condition);
      } else if (option.filterId === "ecall" && mode === "none") {
        const condition = option.condition?.trim() ? parseExpression(option.condition) : undefined;
        // An SBI call is an ecall made in S-mode (or VS-mode); M-mode ecalls are the firmware's own business.
        ecall = (hart) => hart.priv === 1 && (!condition || evaluateExpression(condition, context(hart)) !== 0n);
      } else if (option.filterId === "ecall") {
        const matches = exitCondition(option.condition);
        exitPredicates.push((exit) => exit.reason === "sbi" && matches(exit));
      } else {
        const group = exitGroups.find((g) => g.filter === option.filterId);
        const matches = exitCondition(option.condition);
        if (group) exitPredicates.push((exit) => group.reasons.includes(exit.reason) && matches(exit));
      }
      results.push({ verified: true });
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      results.push({ verified: false, message: error.message, reason: "failed" });
    }
  }
  debug.setCatchTrap(trap);
  debug.setCatchEcall(ecall);
  debug.setCatchExit(exitPredicates.length === 0 ? undefined : (exit) => exitPredicates.some((p) => p(exit)));
  return results;
}

const mode = (privilege: number, virtual: boolean): string => `${virtual ? "V" : ""}${privilegeNames[privilege]}-mode`;
const hex = (value: bigint | number): string => "0x" + BigInt.asUintN(64, BigInt(value)).toString(16);

function sbiCall(hart: Hart): string {
  const extension = hex(hart.x[17]);
  return `${sbiExtensions[extension] ?? `extension ${extension}`} function ${BigInt.asUintN(64, hart.x[16])}`;
}

/** One line for the stopped event ("Trap: illegal instruction"). */
export function stopDescription(stop: DebugStop, hart: Hart | undefined): string | undefined {
  switch (stop.kind) {
    case "trap":
      return `Trap: ${causeName(stop.trap.cause, stop.trap.interrupt)}`;
    case "ecall":
      return `SBI call: ${hart ? sbiCall(hart) : "ecall"}`;
    case "exit":
      return `VM exit: ${stop.exit.reason} ${stop.exit.detail}`.trim();
    case "watchpoint":
      return `Data breakpoint: ${stop.access} of ${stop.size} bytes at ${hex(stop.address)}`;
    default:
      return undefined;
  }
}

/** exceptionInfo's body for a trap, ecall or exit stop. */
export function exceptionInfo(stop: DebugStop, hart: Hart | undefined): DebugProtocol.ExceptionInfoResponse["body"] | undefined {
  switch (stop.kind) {
    case "trap": {
      const t = stop.trap;
      const name = causeName(t.cause, t.interrupt);
      return {
        exceptionId: `trap-${t.interrupt ? "interrupt" : "exception"}-${t.cause}`,
        description: `${name} (cause ${t.cause}${t.interrupt ? ", interrupt" : ""}) ${t.interrupt ? "before" : "at"} ${hex(t.pc)}, tval ${hex(t.tval)}: ${mode(t.from, t.fromVirtual)} → ${mode(t.to, t.toVirtual)}, not taken yet (continue or step takes it)`,
        breakMode: "always",
        details: { typeName: t.interrupt ? "interrupt" : "exception", message: name, evaluateName: "pc" },
      };
    }
    case "ecall": {
      const call = hart ? sbiCall(hart) : "ecall";
      return {
        exceptionId: "ecall",
        description: `ecall from ${stop.virt ? "V" : ""}${privilegeNames[stop.privilege]}-mode at ${hex(stop.pc)}: SBI ${call}${hart ? `, a0=${hex(hart.x[10])} a1=${hex(hart.x[11])}` : ""}`,
        breakMode: "always",
        details: { typeName: "SBI call", message: call },
      };
    }
    case "exit": {
      const e = stop.exit;
      return {
        exceptionId: `exit-${e.reason}`,
        description: `VM exit #${e.sequence} on vCPU ${e.vcpu}: ${e.reason} ${e.detail} at ${hex(e.pc)}${e.disassembly ? ` (${e.disassembly})` : ""}; the monitor ${e.handling}`,
        breakMode: "always",
        details: { typeName: e.reason, message: `${e.reason} ${e.detail}`.trim(), stackTrace: e.handling },
      };
    }
    default:
      return undefined;
  }
}
