/**
 * The vmscope Debug Adapter Protocol session: one method per request,
 * runtime events turned into DAP events (vscode-mock-debug's mockDebug.ts
 * plays the same part). Threads are harts; each has one frame for now.
 */
import {
  ExitedEvent,
  InitializedEvent,
  LoggingDebugSession,
  OutputEvent,
  Scope,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { UserInputError } from "../vmm-core/machine/errors";
import { displayName, readGuestFile } from "./host-files";
import { LaunchAttributeError, validateLaunchArguments, type VmscopeLaunchArguments } from "./launch-arguments";
import { abiRegisterNames, formatRegister } from "./registers";
import { MachineRuntime, type GuestExit, type StopReason } from "./runtime";
import { Symbolizer } from "./symbolizer";

/** Error ids in error responses (DebugProtocol.Message.id). */
const errorIds = { launch: 1001, notLaunched: 1002, badThread: 1003 } as const;

/** variablesReference of hart h's register scope; frame h+1 is hart h. */
const registerScopeBase = 1000;

export class VmscopeDebugSession extends LoggingDebugSession {
  private runtime: MachineRuntime | undefined;
  private symbolizer = new Symbolizer([]);
  private launched = false;
  private configured = false;
  private stopOnEntry = true;
  private readonly decoder = new TextDecoder();

  constructor() {
    super();
    // The protocol numbers lines from 1; ours have no source lines yet anyway.
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      ...response.body,
      supportsConfigurationDoneRequest: true,
      supportsTerminateRequest: true,
      supportsSteppingGranularity: true,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configured = true;
    this.startWhenReady();
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, args: VmscopeLaunchArguments): void {
    try {
      const config = validateLaunchArguments(args);
      const kernel = readFile(config.program, "program", "kernel");
      const bios = config.bios === undefined ? undefined : readFile(config.bios, "bios", "bios");
      this.runtime = new MachineRuntime(
        {
          memory: config.memory,
          harts: config.harts,
          bios,
          biosName: config.bios === undefined ? undefined : displayName(config.bios),
          kernel,
          kernelName: displayName(config.program),
          append: config.append,
        },
        {
          stopped: (reason, hartId) => this.onStopped(reason, hartId),
          output: (bytes) => this.onOutput(bytes),
          terminated: (exit) => this.onTerminated(exit),
        },
      );
      this.symbolizer = new Symbolizer(this.runtime.machine.symbols);
      this.stopOnEntry = config.stopOnEntry;
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      this.sendErrorResponse(response, { id: errorIds.launch, format: error.message, showUser: true });
      return;
    }
    this.sendResponse(response);
    this.launched = true;
    this.startWhenReady();
  }

  /** Launch and configurationDone may arrive in either order; start after both. */
  private startWhenReady(): void {
    if (!this.launched || !this.configured || !this.runtime) return;
    if (this.stopOnEntry) this.runtime.stopOnEntry();
    else this.runtime.continue();
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const harts = this.runtime?.machine.harts.length ?? 0;
    response.body = { threads: Array.from({ length: harts }, (_, id) => new Thread(id + 1, `hart ${id}`)) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const hart = this.hartOf(response, args.threadId);
    if (!hart) return;
    const pc = BigInt.asUintN(64, hart.pc);
    const frame: DebugProtocol.StackFrame = new StackFrame(args.threadId, this.symbolizer.describe(pc));
    frame.instructionPointerReference = "0x" + pc.toString(16);
    const start = args.startFrame ?? 0;
    const frames = start === 0 ? [frame] : [];
    response.body = { stackFrames: frames, totalFrames: 1 };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const hartId = args.frameId - 1;
    response.body = { scopes: [new Scope("Registers", registerScopeBase + hartId, false)] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const hart = this.hartOf(response, args.variablesReference - registerScopeBase + 1);
    if (!hart) return;
    const variables: DebugProtocol.Variable[] = [
      { name: "pc", value: formatRegister(hart.pc), variablesReference: 0, evaluateName: "$pc" },
    ];
    for (let i = 1; i < 32; i++) {
      variables.push({
        name: abiRegisterNames[i],
        value: formatRegister(hart.x[i]),
        type: `x${i}`,
        variablesReference: 0,
        evaluateName: `$${abiRegisterNames[i]}`,
      });
    }
    response.body = { variables };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    if (!this.requireRuntime(response)) return;
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.runtime?.continue();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    if (!this.requireRuntime(response)) return;
    this.sendResponse(response);
    this.runtime?.pause();
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.stepInstruction(response, args.threadId);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.stepInstruction(response, args.threadId);
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.stepInstruction(response, args.threadId);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.runtime?.dispose();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(
    response: DebugProtocol.DisconnectResponse,
    args: DebugProtocol.DisconnectArguments,
    request?: DebugProtocol.Request,
  ): void {
    this.runtime?.dispose();
    super.disconnectRequest(response, args, request);
  }

  /** Every step is one instruction until source-level stepping exists. */
  private stepInstruction(response: DebugProtocol.Response, threadId: number): void {
    const hart = this.hartOf(response, threadId);
    if (!hart || !this.runtime) return;
    this.sendResponse(response);
    this.runtime.step(threadId - 1);
  }

  private requireRuntime(response: DebugProtocol.Response): boolean {
    if (this.runtime && !this.runtime.hasEnded) return true;
    this.sendErrorResponse(response, { id: errorIds.notLaunched, format: "the guest is not running", showUser: false });
    return false;
  }

  private hartOf(response: DebugProtocol.Response, threadId: number) {
    const hart = this.runtime?.machine.harts[threadId - 1];
    if (!hart) {
      this.sendErrorResponse(response, { id: errorIds.badThread, format: `no hart for thread ${threadId}`, showUser: false });
    }
    return hart;
  }

  private onStopped(reason: StopReason, hartId: number): void {
    const event: DebugProtocol.StoppedEvent = new StoppedEvent(reason, hartId + 1);
    event.body.allThreadsStopped = true;
    this.sendEvent(event);
  }

  private onOutput(bytes: Uint8Array): void {
    const text = this.decoder.decode(bytes, { stream: true });
    if (text.length > 0) this.sendEvent(new OutputEvent(text, "stdout"));
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
