/**
 * Serves debug sessions outside VS Code: one session on stdio, or one
 * session per TCP connection (vscode-mock-debug's debugAdapter.ts).
 */
import { createServer } from "node:net";
import { UserInputError } from "../vmm-core/machine/errors";
import { VmscopeDebugSession } from "./session";

export interface ServeOptions {
  /** TCP port (0 = any free port); undefined serves one session on stdio. */
  port: number | undefined;
  /** Interface to listen on; loopback unless the user asks otherwise. */
  host: string;
}

/** Resolves once serving has begun; the sessions keep the process alive. */
export function serveDebugAdapter(options: ServeOptions): Promise<void> {
  if (options.port === undefined) {
    // stdout carries the protocol: anything logged must go to stderr.
    console.log = console.error;
    console.info = console.error;
    const session = new VmscopeDebugSession();
    process.on("SIGTERM", () => session.shutdown());
    session.start(process.stdin, process.stdout);
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      const session = new VmscopeDebugSession();
      session.setRunAsServer(true);
      session.start(socket, socket);
      socket.on("error", () => socket.destroy());
      // A client that vanishes without disconnecting must not leave its guest running.
      socket.on("close", () => session.shutdown());
    });
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(new UserInputError(`cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`));
    });
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      // Clients (and tests using --port 0) read the port from this line.
      process.stderr.write(`vmscope: debug adapter listening on ${options.host}:${port}\n`);
      resolve();
    });
  });
}
