/**
 * The inspection side of the debug session: scopes and variables,
 * setVariable, evaluate, readMemory/writeMemory, disassemble and the
 * vmscope/* custom requests, plus the events they imply (InvalidatedEvent
 * after a change, vmscope/exitsAvailable while running, vmscope/console).
 * The session forwards each request with one line; failures become error
 * responses naming the problem, and the adapter keeps serving.
 */
import { Event, InvalidatedEvent, MemoryEvent } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Machine } from "../../vmm-core/machine/machine";
import { UserInputError } from "../../vmm-core/machine/errors";
import { objdumpSymbolizer } from "../../vmm-core/isa/objdump-symbolizer";
import type { Symbolizer } from "../symbolizer";
import { customEvents } from "../protocol";
import { handleCustomRequest, isCustomRequest, stateChangingRequests } from "../custom/dispatch";
import { ExitStream } from "../custom/exits";
import { PageTableCache } from "../custom/page-tables";
import { Disassembler, type SourceLocation } from "./disassembly";
import { privilegedSpecAt } from "../../vmm-core/loader/riscv-attributes";
import { evaluateRequest, evaluateValue } from "./evaluation";
import { formatMemoryReference, GuestMemoryAccess, InspectionError, parseMemoryReference } from "./guest-memory-access";
import { GuestView } from "./guest-view";
import { forgetStaleShadows } from "./shadow-coherence";
import { VariablesProvider, type UnwoundRegisters } from "./variables";

export interface InspectorHost {
  machine(): Machine | undefined;
  symbolizer(): Symbolizer;
  /** The hart a stack frame belongs to (undefined for an unknown frame). */
  hartOfFrame(frameId: number): number | undefined;
  /**
   * A caller frame's registers as the unwinder recovered them; undefined for
   * the innermost frame (whose registers are the hart's own) or when unknown.
   */
  frameRegisters?(frameId: number): UnwoundRegisters | undefined;
  /** After a vmscope/* request succeeded and its response went out (the session wakes a sleeping guest, reports a new stop location). */
  customRequestDone?(command: string): void;
  /** Source line of a code address from DWARF, when the program has line tables. */
  locate?(address: bigint): SourceLocation | undefined;
  sendResponse(response: DebugProtocol.Response): void;
  sendError(response: DebugProtocol.Response, message: string): void;
  sendEvent(event: DebugProtocol.Event): void;
}

/** Error id of inspection failures (DebugProtocol.Message.id). */
export const inspectionErrorId = 2001;
const maxReadBytes = 16 * 1024 * 1024;
const maxInstructions = 10_000;

/** The capabilities the inspection side adds to the initialize response. */
export const inspectionCapabilities: DebugProtocol.Capabilities = {
  supportsSetVariable: true,
  supportsEvaluateForHovers: true,
  supportsReadMemoryRequest: true,
  supportsWriteMemoryRequest: true,
  supportsDisassembleRequest: true,
  supportsValueFormattingOptions: true,
};

export class Inspector {
  private readonly variablesProvider: VariablesProvider;
  private readonly pageTables = new PageTableCache();
  private readonly exitStream = new ExitStream();
  /** Caller frames' registers handed out as scopes since the guest last changed (by stamp). */
  private readonly callerFrames = new Map<string, UnwoundRegisters[]>();
  /** Bumped by every change the debugger makes, so cached page-table walks are dropped. */
  private edits = 0;
  private cachedSymbols: { from: Symbolizer; objdump: ReturnType<typeof objdumpSymbolizer> } | undefined;

  constructor(private readonly host: InspectorHost) {
    this.variablesProvider = new VariablesProvider(
      (view, text) => evaluateValue(view, view.machine.symbols, text),
      (index) => this.callerFrames.get(this.stamp())?.[index],
    );
  }

  // ---- standard requests ---------------------------------------------------

  scopes(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.answer(response, () => {
      const view = this.frameView(args.frameId);
      const unwound = this.host.frameRegisters?.(args.frameId);
      return { scopes: this.variablesProvider.scopes(view, unwound ? this.rememberCallerFrame(unwound) : undefined) };
    });
  }

  variables(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.answer(response, () => {
      const variables = this.variablesProvider.variables(args.variablesReference, (hart) => this.existingView(hart));
      if (variables === undefined) throw new InspectionError(`variablesReference ${args.variablesReference} names nothing`);
      const start = args.start ?? 0;
      return { variables: args.count ? variables.slice(start, start + args.count) : variables.slice(start) };
    });
  }

  setVariable(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.answer(response, () => {
      const body = this.variablesProvider.setVariable(args.variablesReference, args.name, args.value, (hart) => this.existingView(hart));
      if (body === undefined) throw new InspectionError(`variablesReference ${args.variablesReference} names nothing settable`);
      this.changed(["variables"]);
      return body;
    });
  }

  evaluate(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.answer(response, () => {
      const hart = args.frameId === undefined ? 0 : this.host.hartOfFrame(args.frameId);
      if (hart === undefined) throw new InspectionError(`no frame ${args.frameId}`);
      return evaluateRequest(this.view(hart), this.machine().symbols, args);
    });
  }

  readMemory(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    this.answer(response, () => {
      const reference = parseMemoryReference(args.memoryReference, args.offset);
      if (!Number.isInteger(args.count) || args.count < 0 || args.count > maxReadBytes) throw new InspectionError(`count must be 0 to ${maxReadBytes} bytes`);
      const { data, unreadable } = new GuestMemoryAccess(this.view(0)).read(reference, args.count);
      return {
        address: "0x" + reference.address.toString(16),
        ...(data.length > 0 ? { data: Buffer.from(data).toString("base64") } : {}),
        ...(unreadable > 0 ? { unreadableBytes: unreadable } : {}),
      };
    });
  }

  writeMemory(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    this.answer(response, () => {
      const reference = parseMemoryReference(args.memoryReference, args.offset);
      if (typeof args.data !== "string") throw new InspectionError("data must be base64 text");
      const data = Buffer.from(args.data, "base64");
      const memory = new GuestMemoryAccess(this.view(0));
      const writable = memory.write(reference, data, true);
      if (writable.written < data.length && !args.allowPartial) throw new InspectionError(`cannot write ${data.length} bytes: ${writable.problem}`);
      if (writable.written === 0 && data.length > 0) throw new InspectionError(`cannot write: ${writable.problem}`);
      const view = this.view(0);
      const done = new GuestMemoryAccess(view).write(reference, data.subarray(0, writable.written));
      forgetStaleShadows(view, done.pages);
      this.host.sendEvent(new MemoryEvent(formatMemoryReference(reference), 0, done.written));
      this.changed(["variables"]);
      return { offset: 0, bytesWritten: done.written };
    });
  }

  disassemble(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    this.answer(response, () => {
      const reference = parseMemoryReference(args.memoryReference, args.offset ?? 0);
      const count = args.instructionCount;
      if (!Number.isInteger(count) || count < 0 || count > maxInstructions) throw new InspectionError(`instructionCount must be 0 to ${maxInstructions}`);
      const offset = args.instructionOffset ?? 0;
      if (!Number.isInteger(offset) || Math.abs(offset) > 1_000_000) throw new InspectionError("instructionOffset must be a whole number");
      const disassembler = this.disassembler(0, reference.address);
      return { instructions: disassembler.disassemble(reference, offset, count, args.resolveSymbols ?? true) };
    });
  }

  /**
   * `count` instructions from `before` instructions ahead of a guest-virtual
   * `address`, as hart `hartId` sees memory: the listing that stands in as
   * the source of a frame without DWARF.
   */
  listing(hartId: number, address: bigint, before: number, count: number): DebugProtocol.DisassembledInstruction[] {
    return this.disassembler(hartId, address).disassemble({ space: "virtual", address }, -before, count, true);
  }

  private disassembler(hartId: number, address: bigint): Disassembler {
    const machine = this.machine();
    const symbols = this.host.symbolizer();
    return new Disassembler({
      memory: new GuestMemoryAccess(this.view(hartId)),
      symbols,
      operandSymbols: this.objdumpNames(symbols, machine),
      globalPointer: machine.symbols.find((symbol) => symbol.name === "__global_pointer$")?.value,
      privilegedSpec: privilegedSpecAt(machine.images, address),
      ...(this.host.locate ? { locate: (at: bigint) => this.host.locate!(at) } : {}),
    });
  }

  /** Handles a vmscope/* request; false when the command is not one of them. */
  custom(command: string, response: DebugProtocol.Response, args: unknown): boolean {
    if (!isCustomRequest(command)) return false;
    const done = this.answer(response, () => {
      const body = handleCustomRequest(command, { machine: this.machine(), pageTables: this.pageTables, stamp: this.stamp() }, args);
      const areas = stateChangingRequests.get(command);
      if (areas) this.changed(areas);
      return body;
    });
    if (done) this.host.customRequestDone?.(command);
    return true;
  }

  // ---- events ----------------------------------------------------------

  /** After every run slice: a vmscope/exitsAvailable batch when one is due. */
  onSlice(): void {
    const machine = this.host.machine();
    if (!machine) return;
    const body = this.exitStream.poll(machine);
    if (body) this.host.sendEvent(new Event(customEvents.exitsAvailable, body));
  }

  /** Guest console text for the extension's terminal (next to the output events). */
  onConsole(text: string): void {
    if (text.length > 0) this.host.sendEvent(new Event(customEvents.console, { text }));
  }

  // ---- helpers ---------------------------------------------------------

  private machine(): Machine {
    const machine = this.host.machine();
    if (!machine) throw new InspectionError("no guest: launch one first");
    return machine;
  }

  private view(hart: number): GuestView {
    const machine = this.machine();
    if (!machine.harts[hart]) throw new InspectionError(`no hart ${hart}`);
    return new GuestView(machine, hart);
  }

  private existingView(hart: number): GuestView | undefined {
    const machine = this.machine();
    return machine.harts[hart] ? new GuestView(machine, hart) : undefined;
  }

  private frameView(frameId: number): GuestView {
    const hart = this.host.hartOfFrame(frameId);
    if (hart === undefined) throw new InspectionError(`no frame ${frameId}`);
    return this.view(hart);
  }

  /** Index of a caller frame's registers for its scope's reference; valid until the guest changes. */
  private rememberCallerFrame(unwound: UnwoundRegisters): number {
    const stamp = this.stamp();
    if (!this.callerFrames.has(stamp)) {
      this.callerFrames.clear();
      this.callerFrames.set(stamp, []);
    }
    const frames = this.callerFrames.get(stamp)!;
    // Item numbers are 12 bits; a client asking for thousands of frames without the guest moving wraps around.
    if (frames.length >= 4096) frames.length = 0;
    frames.push(unwound);
    return frames.length - 1;
  }

  private objdumpNames(symbols: Symbolizer, machine: Machine) {
    if (this.cachedSymbols?.from !== symbols) this.cachedSymbols = { from: symbols, objdump: objdumpSymbolizer(machine.symbols) };
    return this.cachedSymbols.objdump;
  }

  /** Guest time plus debugger edits: equal stamps mean nothing can have changed. */
  private stamp(): string {
    const machine = this.machine();
    return `${machine.harts.map((hart) => hart.cycles).join(",")}/${this.edits}`;
  }

  private changed(areas: DebugProtocol.InvalidatedAreas[]): void {
    this.edits++;
    this.host.sendEvent(new InvalidatedEvent(areas));
  }

  /** Sends the response, or an error response; true when it succeeded. */
  private answer<R extends DebugProtocol.Response>(response: R, produce: () => R["body"]): boolean {
    try {
      response.body = produce();
    } catch (error) {
      // Bad input gets its message; anything else is our bug, reported as one line rather than a stack trace.
      const known = error instanceof InspectionError || error instanceof UserInputError;
      this.host.sendError(response, known ? (error as Error).message : `internal error in ${response.command}: ${(error as Error).message ?? String(error)}`);
      return false;
    }
    this.host.sendResponse(response);
    return true;
  }
}
