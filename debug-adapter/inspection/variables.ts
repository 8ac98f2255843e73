/**
 * The Scopes and Variables of a stopped hart: general registers (ABI names,
 * hex, a memory reference when the value points at guest memory), the CSRs
 * as the guest sees them, the real machine CSRs under a monitor, and the
 * hypervisor counters. CSRs expand into their decoded fields. setVariable
 * writes registers and CSRs (CSRs through their WARL write path).
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import { abiRegisterNames, formatRegister } from "../registers";
import { decodeCsr, summarizeCsr } from "./csr-fields";
import { csrEntries, type CsrEntry, type CsrViewKind } from "./csr-views";
import { GuestView } from "./guest-view";
import { groupCounters, topCounters } from "./hypervisor-counters";
import { InspectionError } from "./guest-memory-access";
import { ContainerKind, decodeReference, encodeReference } from "./variable-references";

/** How a value typed into the Variables view becomes a number (the evaluator, given by the inspector). */
export type ValueParser = (view: GuestView, text: string) => bigint;

/** A caller frame's registers as the unwinder recovered them (x-register number → value). */
export interface UnwoundRegisters {
  pc: bigint;
  registers: ReadonlyMap<number, bigint>;
}

export class VariablesProvider {
  constructor(
    private readonly parse: ValueParser,
    /** The unwound registers of a caller frame by the index `scopes` was given. */
    private readonly callerFrame: (index: number) => UnwoundRegisters | undefined = () => undefined,
  ) {}

  /** `callerIndex`: the frame is a caller frame with unwound registers (the innermost frame shows the hart's own). */
  scopes(view: GuestView, callerIndex?: number): DebugProtocol.Scope[] {
    const hart = view.hartId;
    const scope = (name: string, kind: ContainerKind, presentationHint?: string, item = 0): DebugProtocol.Scope => ({
      name,
      variablesReference: encodeReference({ hart, kind, item }),
      expensive: false,
      ...(presentationHint ? { presentationHint } : {}),
    });
    const registers =
      callerIndex === undefined ? scope("Registers", ContainerKind.Registers, "registers") : scope("Registers", ContainerKind.CallerRegisters, "registers", callerIndex);
    const scopes = [registers, scope("CSRs", ContainerKind.GuestCsrs, "registers")];
    if (view.virtualized) scopes.push(scope("Machine (real)", ContainerKind.MachineCsrs, "registers"));
    scopes.push(scope("Hypervisor", ContainerKind.Hypervisor));
    return scopes;
  }

  /** Undefined when the reference is not one of ours (the session may have others). */
  variables(reference: number, viewOf: (hart: number) => GuestView | undefined): DebugProtocol.Variable[] | undefined {
    const container = decodeReference(reference);
    if (!container) return undefined;
    const view = viewOf(container.hart);
    if (!view) return undefined;
    switch (container.kind) {
      case ContainerKind.Registers:
        return this.registers(view);
      case ContainerKind.CallerRegisters: {
        const frame = this.callerFrame(container.item);
        return frame ? this.unwound(view, frame) : undefined;
      }
      case ContainerKind.GuestCsrs:
        return csrEntries(view, "guest").map((entry) => this.csrVariable(view, entry, ContainerKind.GuestCsrFields));
      case ContainerKind.MachineCsrs:
        return [
          { name: "privilege", value: view.realPrivilege(), variablesReference: 0 },
          ...csrEntries(view, "machine").map((entry) => this.csrVariable(view, entry, ContainerKind.MachineCsrFields)),
        ];
      case ContainerKind.GuestCsrFields:
      case ContainerKind.MachineCsrFields: {
        const entry = this.csr(view, container.kind === ContainerKind.GuestCsrFields ? "guest" : "machine", container.item);
        return (decodeCsr(entry.layoutName, entry.read()) ?? []).map((field) => ({ name: field.name, value: field.value, type: field.type, variablesReference: 0 }));
      }
      case ContainerKind.Hypervisor:
        return topCounters(view).map((counter) => ({
          name: counter.name,
          value: counter.value,
          variablesReference: counter.group === undefined ? 0 : encodeReference({ hart: view.hartId, kind: ContainerKind.HypervisorGroup, item: counter.group }),
        }));
      case ContainerKind.HypervisorGroup:
        return groupCounters(view, container.item).map((counter) => ({ name: counter.name, value: counter.value, variablesReference: 0 }));
    }
  }

  private registers(view: GuestView): DebugProtocol.Variable[] {
    const hart = view.hart;
    const variables: DebugProtocol.Variable[] = [this.register(view, "pc", hart.pc, "$pc", "pc")];
    for (let i = 1; i < 32; i++) variables.push(this.register(view, abiRegisterNames[i], hart.x[i], `$${abiRegisterNames[i]}`, `x${i}`));
    return variables;
  }

  /** A caller frame: pc is its return address; registers the unwinder could not recover read "<not saved>". */
  private unwound(view: GuestView, frame: UnwoundRegisters): DebugProtocol.Variable[] {
    const variables: DebugProtocol.Variable[] = [this.register(view, "pc", frame.pc, "$pc", "pc")];
    for (let i = 1; i < 32; i++) {
      const value = frame.registers.get(i);
      if (value === undefined) variables.push({ name: abiRegisterNames[i], value: "<not saved>", type: `x${i}`, variablesReference: 0 });
      else variables.push(this.register(view, abiRegisterNames[i], value, `$${abiRegisterNames[i]}`, `x${i}`));
    }
    for (const variable of variables) variable.presentationHint = { attributes: ["readOnly"] };
    return variables;
  }

  private register(view: GuestView, name: string, value: bigint, evaluateName: string, type: string): DebugProtocol.Variable {
    const variable: DebugProtocol.Variable = { name, value: formatRegister(value), type, variablesReference: 0, evaluateName };
    const reference = pointerReference(view, value);
    if (reference) variable.memoryReference = reference;
    return variable;
  }

  private csrVariable(view: GuestView, entry: CsrEntry, fieldsKind: ContainerKind): DebugProtocol.Variable {
    const value = entry.read();
    const summary = summarizeCsr(entry.layoutName, value);
    const fields = decodeCsr(entry.layoutName, value) !== undefined;
    return {
      name: entry.name,
      value: formatRegister(value) + (summary ? ` (${summary})` : ""),
      type: `csr 0x${entry.address.toString(16)}`,
      evaluateName: `$${entry.name}`,
      variablesReference: fields ? encodeReference({ hart: view.hartId, kind: fieldsKind, item: entry.address }) : 0,
      ...(entry.write ? {} : { presentationHint: { attributes: ["readOnly"] } }),
    };
  }

  private csr(view: GuestView, kind: CsrViewKind, address: number): CsrEntry {
    const entry = csrEntries(view, kind).find((candidate) => candidate.address === address);
    if (!entry) throw new InspectionError(`CSR 0x${address.toString(16)} is not in this view`);
    return entry;
  }

  /** Writes a register or CSR; returns the variable as it reads back (WARL may change the value). */
  setVariable(reference: number, name: string, text: string, viewOf: (hart: number) => GuestView | undefined): DebugProtocol.SetVariableResponse["body"] | undefined {
    const container = decodeReference(reference);
    if (!container) return undefined;
    const view = viewOf(container.hart);
    if (!view) return undefined;
    const value = this.parse(view, text);
    switch (container.kind) {
      case ContainerKind.Registers: {
        if (name === "pc") {
          view.hart.pc = BigInt.asUintN(64, value);
          return this.readBack(this.registers(view), name);
        }
        const index = abiRegisterNames.indexOf(name);
        if (index < 1) throw new InspectionError(index === 0 ? "zero (x0) is hard-wired to 0" : `no register '${name}'`);
        view.hart.x[index] = BigInt.asIntN(64, value);
        return this.readBack(this.registers(view), name);
      }
      case ContainerKind.GuestCsrs:
      case ContainerKind.MachineCsrs: {
        const kind: CsrViewKind = container.kind === ContainerKind.GuestCsrs ? "guest" : "machine";
        const entry = csrEntries(view, kind).find((candidate) => candidate.name === name);
        if (!entry) throw new InspectionError(`no CSR '${name}' in this scope`);
        if (!entry.write) throw new InspectionError(`${name} is read-only`);
        entry.write(BigInt.asUintN(64, value));
        return this.readBack(this.variables(reference, viewOf) ?? [], name);
      }
      case ContainerKind.CallerRegisters:
        throw new InspectionError("a caller frame's registers are read-only: set them in the innermost frame");
      default:
        throw new InspectionError(`'${name}' cannot be set here: set the register or the whole CSR`);
    }
  }

  private readBack(variables: DebugProtocol.Variable[], name: string): DebugProtocol.SetVariableResponse["body"] {
    const variable = variables.find((candidate) => candidate.name === name);
    if (!variable) throw new InspectionError(`no variable '${name}'`);
    return {
      value: variable.value,
      ...(variable.type ? { type: variable.type } : {}),
      variablesReference: variable.variablesReference,
      ...(variable.memoryReference ? { memoryReference: variable.memoryReference } : {}),
    };
  }
}

/**
 * "v:0x…" when a register's value is a guest-virtual address the guest maps
 * to RAM now, "p:0x…" when it is only a guest-physical RAM address; small
 * numbers and anything unmapped get none.
 */
export function pointerReference(view: GuestView, value: bigint): string | undefined {
  const address = BigInt.asUintN(64, value);
  if (address < 0x1000n) return undefined;
  const translated = view.translateMapped(address);
  if (translated.ok && view.toHost(translated.physical, 1) !== undefined) return `v:0x${address.toString(16)}`;
  if (view.toHost(address, 1) !== undefined) return `p:0x${address.toString(16)}`;
  return undefined;
}
