/**
 * The vmscope Debug Adapter Protocol session: one method per request,
 * runtime events turned into DAP events (vscode-mock-debug's mockDebug.ts
 * plays the same part). Threads are harts; frames come from stack.ts,
 * breakpoints from breakpoints*.ts, steps from stepping.ts, and the
 * inspection side (debug-adapter/inspection) answers scopes, variables,
 * memory, disassembly, evaluate and the vmscope/* requests.
 */
import { dirname } from "node:path";
import {
  DebugSession,
  Event,
  ExitedEvent,
  InitializedEvent,
  Logger,
  logger,
  LoggingDebugSession,
  OutputEvent,
  TerminatedEvent,
  Thread,
} from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { PC, type Hart } from "../vmm-core/hart/hart";
import { UserInputError } from "../vmm-core/machine/errors";
import type { VirtualizationMode } from "../vmm-core/machine/machine";
import { peekVirtual } from "../vmm-core/debug/checked-loop";
import { displayName, readGuestFile } from "./host-files";
import { LaunchAttributeError, validateLaunchArguments, type LaunchConfiguration, type VmscopeLaunchArguments } from "./launch-arguments";
import { MachineRuntime, type GuestExit, type RuntimeStop } from "./runtime";
import { Inspector, inspectionCapabilities, inspectionErrorId } from "./inspection/inspector";
import { hartContext, type ExpressionContext } from "./expression";
import { BreakpointTable, type BreakpointHost } from "./breakpoints";
import { dataBreakpointInfo, watchpointsFor } from "./breakpoints-data";
import { armExceptionFilters, exceptionFilters, exceptionInfo } from "./breakpoints-exceptions";
import { DisassemblySources } from "./disassembly-source";
import { loadProgramDebugInfo, ProgramDebugInfo, type DebugInfoSource } from "./stack-debug-info";
import { CallStacks, hartOfFrame } from "./stack";
import { stopEvents } from "./stop-events";
import { snapshotLoadedEvents } from "./snapshot-events";
import { instructionStep, lineStep, type StepKind } from "./stepping";

/** Error ids in error responses (DebugProtocol.Message.id). */
const errorIds = { launch: 1001, notLaunched: 1002, badThread: 1003, running: 1004, badRequest: 1005 } as const;

export class VmscopeDebugSession extends LoggingDebugSession {
  private runtime: MachineRuntime | undefined;
  private config: LaunchConfiguration | undefined;
  private info = new ProgramDebugInfo([], []);
  private launched = false;
  private configured = false;
  private readonly decoder = new TextDecoder();
  private readonly breakpointHost: BreakpointHost = {
    context: (hart) => this.expressionContext(hart),
    log: (text) => this.sendEvent(new OutputEvent(text, "console")),
  };
  private readonly breakpoints = new BreakpointTable(this.breakpointHost);
  private nextDataBreakpointId = 100_000;
  /** Harts before a custom request (a snapshot load tells the client about any change). */
  private threadsBefore = 0;
  /** Scopes, variables, memory, disassembly, evaluate and the vmscope/* requests (debug-adapter/inspection). */
  private readonly listings: DisassemblySources = new DisassemblySources((hartId, address, before, count) => this.inspector.listing(hartId, address, before, count));
  private readonly stacks: CallStacks = new CallStacks(() => this.info, this.listings);
  private readonly inspector = new Inspector({
    machine: () => this.runtime?.machine,
    symbolizer: () => this.info.symbolizer,
    hartOfFrame,
    frameRegisters: (frameId) => this.stacks.frameRegisters(this.runtime?.machine.harts ?? [], frameId),
    customRequestDone: (command) => this.afterCustomRequest(command),
    locate: (address) => {
      const location = this.info.locate(address);
      return location && { path: location.file, line: location.line, column: location.column };
    },
    sendResponse: (response) => this.sendResponse(response),
    // Only "_"-prefixed variables are substituted into the message (the rest counts as personal data).
    sendError: (response, message) => this.sendErrorResponse(response, { id: inspectionErrorId, format: "{_message}", variables: { _message: message }, showUser: false }),
    sendEvent: (event) => this.sendEvent(event),
  });

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  // LoggingDebugSession turns every response and event into JSON for its log even when logging is
  // off (Logger.LogLevel.Stop, set in initializeRequest): a vmscope/exits answer of a thousand
  // records was serialized twice. Nothing here logs, so messages go straight to the protocol.
  override sendResponse(response: DebugProtocol.Response): void {
    DebugSession.prototype.sendResponse.call(this, response);
  }

  override sendEvent(event: DebugProtocol.Event): void {
    DebugSession.prototype.sendEvent.call(this, event);
  }

  // ---- lifecycle ---------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    // LoggingDebugSession queues every message (JSON) in its global logger until setup() is called:
    // without this the queue grows for the whole session (bench/soak.ts measured ~24 bytes per VM exit).
    logger.setup(Logger.LogLevel.Stop, false);
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsTerminateRequest: true,
      supportsSteppingGranularity: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsExceptionInfoRequest: true,
      supportsExceptionFilterOptions: true,
      supportsStepBack: false,
      supportsGotoTargetsRequest: false,
      // The filters depend on the mode, which launch names: these are the bare machine's, refreshed by a capabilities event.
      exceptionBreakpointFilters: exceptionFilters("none"),
      ...inspectionCapabilities,
    };
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: VmscopeLaunchArguments): void {
    try {
      const config = validateLaunchArguments(args);
      const kernel = readFile(config.program, "program", "kernel");
      const bios = config.bios === undefined ? undefined : readFile(config.bios, "bios", "bios");
      const symbolFiles = config.symbolFiles.map((file, index) => ({ ...file, bytes: readFile(file.path, `symbolFiles[${index}]`, "symbol") }));
      this.runtime = new MachineRuntime(
        {
          memory: config.memory,
          harts: config.harts,
          mode: config.mode,
          drives: config.drives,
          bios,
          biosName: config.bios === undefined ? undefined : displayName(config.bios),
          kernel,
          kernelName: displayName(config.program),
          append: config.append,
          balloon: config.balloon,
        },
        {
          stopped: (stop) => this.onStopped(stop),
          output: (bytes) => this.onOutput(bytes),
          terminated: (exit) => this.onTerminated(exit),
          slice: () => this.inspector.onSlice(),
        },
      );
      this.config = config;
      const sources: DebugInfoSource[] = [
        { name: displayName(config.program), bytes: kernel, offset: 0n, addSymbols: false, folder: dirname(config.program) },
        ...(bios && config.bios ? [{ name: displayName(config.bios), bytes: bios, offset: 0n, addSymbols: false, folder: dirname(config.bios) }] : []),
        ...symbolFiles.map((file) => ({ name: displayName(file.path), bytes: file.bytes, offset: file.offset, addSymbols: true, folder: dirname(file.path) })),
      ];
      this.info = loadProgramDebugInfo(sources, this.runtime.machine.symbols);
      for (const file of this.info.files) {
        if (file.problem && file.name !== displayName(config.bios ?? "")) {
          this.sendEvent(new OutputEvent(`vmscope: no source-level debugging for ${file.name}: ${file.problem}\n`, "console"));
        }
      }
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      this.sendErrorResponse(response, { id: errorIds.launch, format: error.message, showUser: true });
      return;
    }
    this.sendResponse(response);
    this.launched = true;
    if (this.config.mode !== "none") {
      this.sendEvent(new Event("capabilities", { capabilities: { exceptionBreakpointFilters: exceptionFilters(this.config.mode) } }));
    }
    // Configuration (breakpoints, filters) comes now that there is a machine to apply it to.
    this.sendEvent(new InitializedEvent());
    this.startWhenReady();
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configured = true;
    this.startWhenReady();
  }

  /** Launch and configurationDone may arrive in either order; start after both. */
  private startWhenReady(): void {
    if (!this.launched || !this.configured || !this.runtime || !this.config) return;
    if (this.config.stopOnEntry) this.runtime.stopOnEntry();
    else this.runtime.continue();
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.runtime?.dispose();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  /** The connection is gone (or the process ends): no guest may keep running. */
  override shutdown(): void {
    this.runtime?.dispose();
    super.shutdown();
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments, request?: DebugProtocol.Request): void {
    this.runtime?.dispose();
    super.disconnectRequest(response, args, request);
  }

  // ---- threads and frames ------------------------------------------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const harts = this.runtime?.machine.harts.length ?? 0;
    response.body = { threads: Array.from({ length: harts }, (_, id) => new Thread(id + 1, `hart ${id}`)) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const hart = this.hartOf(response, args.threadId);
    if (!hart) return;
    response.body = this.stacks.stackTrace(hart, args.startFrame, args.levels);
    this.sendResponse(response);
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const content = this.listings.content(args?.sourceReference ?? args?.source?.sourceReference ?? 0);
    if (content === undefined) return this.badRequest(response, "no such source: only listings of guest memory have a sourceReference");
    response.body = { content, mimeType: "text/x-riscv-asm" };
    this.sendResponse(response);
  }

  // ---- inspection (debug-adapter/inspection) -----------------------------

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.inspector.scopes(response, args);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.inspector.variables(response, args);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.inspector.setVariable(response, args);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.inspector.evaluate(response, args);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    this.inspector.readMemory(response, args);
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    this.inspector.writeMemory(response, args);
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    this.inspector.disassemble(response, args);
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown, request?: DebugProtocol.Request): void {
    this.threadsBefore = this.runtime?.machine.harts.length ?? 0;
    if (!this.inspector.custom(command, response, args)) super.customRequest(command, response, args, request);
  }

  /** Console input, a balloon or a snapshot may wake a halted guest; a loaded snapshot moves every hart. */
  private afterCustomRequest(command: string): void {
    const runtime = this.runtime;
    if (!runtime || runtime.hasEnded) return;
    if (command !== "vmscope/loadSnapshot") return runtime.wake();
    runtime.snapshotLoaded();
    for (const event of snapshotLoadedEvents(this.threadsBefore, runtime.machine.harts.length, !runtime.isRunning)) this.sendEvent(event);
  }

  // ---- breakpoints -------------------------------------------------------

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const specs = args?.breakpoints ?? (args?.lines ?? []).map((line) => ({ line }));
    if (!args?.source || !Array.isArray(specs) || specs.some((spec) => typeof spec?.line !== "number")) {
      return this.badRequest(response, "setBreakpoints needs a source and breakpoints with a line each");
    }
    response.body = { breakpoints: this.breakpoints.setSourceBreakpoints(this.info, args.source, specs) };
    this.applyBreakpoints();
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    if (!Array.isArray(args?.breakpoints) || args.breakpoints.some((b) => typeof b?.name !== "string")) {
      return this.badRequest(response, "setFunctionBreakpoints needs breakpoints with a name each");
    }
    response.body = { breakpoints: this.breakpoints.setFunctionBreakpoints(this.info, args.breakpoints) };
    this.applyBreakpoints();
    this.sendResponse(response);
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    if (!Array.isArray(args?.breakpoints) || args.breakpoints.some((b) => typeof b?.instructionReference !== "string")) {
      return this.badRequest(response, "setInstructionBreakpoints needs breakpoints with an instructionReference each");
    }
    response.body = { breakpoints: this.breakpoints.setInstructionBreakpoints(args.breakpoints) };
    this.applyBreakpoints();
    this.sendResponse(response);
  }

  private applyBreakpoints(): void {
    this.runtime?.debugger.setBreakpoints(this.breakpoints.machineBreakpoints());
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    if (typeof args?.name !== "string") return this.badRequest(response, "dataBreakpointInfo needs a name");
    const hartId = args.frameId === undefined ? 0 : hartOfFrame(args.frameId);
    const hart = this.runtime?.machine.harts[hartId];
    response.body = dataBreakpointInfo(args, this.info, hart ? this.expressionContext(hart) : undefined);
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    if (!Array.isArray(args?.breakpoints)) return this.badRequest(response, "setDataBreakpoints needs a breakpoints list");
    const { watchpoints, reported } = watchpointsFor(args.breakpoints, this.breakpointHost, this.nextDataBreakpointId);
    this.nextDataBreakpointId += args.breakpoints.length;
    this.runtime?.debugger.setWatchpoints(watchpoints);
    response.body = { breakpoints: reported };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    if (!this.runtime) return this.notLaunched(response);
    const options = [...(args?.filterOptions ?? []), ...(args?.filters ?? []).map((filterId) => ({ filterId }))];
    response.body = { breakpoints: armExceptionFilters(this.runtime.debugger, this.mode, options, (hart) => this.expressionContext(hart)) };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): void {
    const stop = this.runtime?.lastStop;
    const body = stop && stop.kind !== "entry" && stop.kind !== "pause" ? exceptionInfo(stop, this.runtime?.machine.harts[stop.hart]) : undefined;
    if (!body || stop?.hart !== (args?.threadId ?? 0) - 1) return this.badRequest(response, `thread ${args?.threadId} did not stop on a trap, SBI call or VM exit`);
    response.body = body;
    this.sendResponse(response);
  }

  // ---- execution ----------------------------------------------------------

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    if (!this.requireStopped(response)) return;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.runtime?.continue();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    if (!this.runtime || this.runtime.hasEnded) return this.notLaunched(response);
    this.sendResponse(response);
    this.runtime.pause();
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.step(response, "next", args);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.step(response, "stepIn", args);
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.step(response, "stepOut", args);
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.badRequest(response, "stepping back is not supported: vmscope does not record execution");
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.badRequest(response, "reverse execution is not supported: vmscope does not record execution");
  }

  private step(response: DebugProtocol.Response, kind: StepKind, args: { threadId: number; granularity?: DebugProtocol.SteppingGranularity }): void {
    if (!this.requireStopped(response)) return;
    const hart = this.hartOf(response, args?.threadId);
    const runtime = this.runtime;
    if (!hart || !runtime) return;
    this.sendResponse(response);
    const frames = kind === "stepOut" ? this.stacks.frames(hart) : [];
    const returnPoint = frames.length > 1 && frames[0].cfa !== undefined ? { address: frames[1].pc, cfa: frames[0].cfa } : undefined;
    if (args.granularity !== "instruction") {
      const predicate = lineStep(kind, hart, this.info, returnPoint);
      if (predicate) return runtime.stepUntil(hart.hartId, predicate);
    }
    const instruction = hart.tlb.fetch(hart.r32[PC * 2], hart.r32[PC * 2 + 1]);
    const plan = instructionStep(kind, hart, instruction, returnPoint);
    if (plan === "single") runtime.stepInstruction(hart.hartId);
    else runtime.stepUntil(hart.hartId, plan);
  }

  // ---- helpers -------------------------------------------------------------

  private get mode(): VirtualizationMode {
    return this.config?.mode ?? "none";
  }

  /** Registers, then ELF symbols; memory through the hart's current translation. */
  private expressionContext(hart: Hart): ExpressionContext {
    return hartContext(hart, (name) => this.info.symbolValue(name), (address, size) => peekVirtual(hart, address, size));
  }

  private requireStopped(response: DebugProtocol.Response): boolean {
    if (!this.runtime || this.runtime.hasEnded) {
      this.notLaunched(response);
      return false;
    }
    if (this.runtime.isRunning) {
      this.sendErrorResponse(response, { id: errorIds.running, format: "the guest is running: pause it first", showUser: false });
      return false;
    }
    return true;
  }

  private notLaunched(response: DebugProtocol.Response): void {
    this.sendErrorResponse(response, { id: errorIds.notLaunched, format: "the guest is not running", showUser: false });
  }

  private badRequest(response: DebugProtocol.Response, message: string): void {
    // DebugSession leaves {placeholders} without a leading underscore unformatted (PII rule): the text goes as it is.
    this.sendErrorResponse(response, { id: errorIds.badRequest, format: message, showUser: false });
  }

  private hartOf(response: DebugProtocol.Response, threadId: number | undefined): Hart | undefined {
    const hart = typeof threadId === "number" ? this.runtime?.machine.harts[threadId - 1] : undefined;
    if (!hart) this.sendErrorResponse(response, { id: errorIds.badThread, format: `no hart for thread ${threadId}`, showUser: false });
    return hart;
  }

  private onStopped(stop: RuntimeStop): void {
    const hart = this.runtime?.machine.harts[stop.hart];
    for (const event of stopEvents(stop, hart, (id) => this.breakpoints.kindOf(id))) this.sendEvent(event);
  }

  private onOutput(bytes: Uint8Array): void {
    const text = this.decoder.decode(bytes, { stream: true });
    if (text.length > 0) this.sendEvent(new OutputEvent(text, "stdout"));
    this.inspector.onConsole(text);
  }

  private onTerminated(exit: GuestExit): void {
    const how = exit.reason === "poweroff" ? `powered off through ${exit.source}` : `requested a reset through ${exit.source}`;
    this.sendEvent(new OutputEvent(`vmscope: the guest ${how}, exit code ${exit.exitCode}\n`, "console"));
    this.sendEvent(new ExitedEvent(exit.exitCode));
    this.sendEvent(new TerminatedEvent());
  }
}

/** Reads a launch file; a failure names the launch attribute it came from. */
function readFile(path: string, attribute: string, role: string): Uint8Array {
  try {
    return readGuestFile(path, role);
  } catch (error) {
    if (error instanceof UserInputError) throw new LaunchAttributeError(attribute, `is unusable: ${error.message}`);
    throw error;
  }
}
