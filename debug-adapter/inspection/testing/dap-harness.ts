/**
 * A debug session served in this process over a loopback socket, driven by
 * DebugClient over the real protocol. Being in-process, a test can also
 * reach the session's machine and call vmm-core's API on it directly, to
 * check that the adapter's answers are the same data.
 */
import { createServer, type AddressInfo, type Server } from "node:net";
import { DebugClient } from "@vscode/debugadapter-testsupport";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Machine } from "../../../vmm-core/machine/machine";
import { VmscopeDebugSession } from "../../session";

export interface Harness {
  client: DebugClient;
  /** The machine of the launched guest (the session's runtime). */
  machine(): Machine;
  /** The session's runtime (its debugger, for breakpoints set through vmm-core's API). */
  runtime(): unknown;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const sessions: VmscopeDebugSession[] = [];
  const server: Server = createServer((socket) => {
    const session = new VmscopeDebugSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
    sessions.push(session);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const client = new DebugClient(process.execPath, "in-process", "vmscope");
  client.defaultTimeout = 20_000;
  await client.start(port);
  return {
    client,
    machine: () => {
      const runtime = (sessions[0] as unknown as { runtime?: { machine: Machine } }).runtime;
      if (!runtime) throw new Error("no guest launched");
      return runtime.machine;
    },
    runtime: () => (sessions[0] as unknown as { runtime?: unknown }).runtime,
    close: async () => {
      await client.stop().catch(() => {});
      for (const session of sessions) (session as unknown as { runtime?: { dispose(): void } }).runtime?.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** initialize + launch + configurationDone; resolves with the first stopped event. */
export async function launchStopped(client: DebugClient, args: Record<string, unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = client.waitForEvent("stopped");
  await Promise.all([client.configurationSequence(), client.launch(args)]);
  return (await stopped) as DebugProtocol.StoppedEvent;
}

/**
 * Launches stopped on entry with `configure` run between launch and
 * configurationDone (where a client sets its breakpoints); returns what
 * `configure` returned once the entry stop has arrived.
 */
export async function launchConfigured<T>(client: DebugClient, args: Record<string, unknown>, configure: () => Promise<T>): Promise<T> {
  await client.initializeRequest();
  const entry = client.waitForEvent("stopped");
  await client.launchRequest({ ...args, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments);
  const configured = await configure();
  await client.configurationDoneRequest();
  await entry;
  return configured;
}

/** The custom request's body (throws with the adapter's message when it fails). */
export async function custom<T>(client: DebugClient, command: string, args: object = {}): Promise<T> {
  const response = await client.customRequest(command, args);
  return response.body as T;
}

/** The error message of a request that must fail. */
export async function failure(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the request succeeded but should have failed");
}

export async function scopeVariables(client: DebugClient, frameId: number, scopeName: string): Promise<DebugProtocol.Variable[]> {
  const scopes = await client.scopesRequest({ frameId });
  const scope = scopes.body.scopes.find((s) => s.name === scopeName);
  if (!scope) throw new Error(`no scope ${scopeName}: ${scopes.body.scopes.map((s) => s.name).join(", ")}`);
  return (await client.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
}

export async function topFrameId(client: DebugClient, threadId = 1): Promise<number> {
  const stack = await client.stackTraceRequest({ threadId });
  return stack.body.stackFrames[0].id;
}
