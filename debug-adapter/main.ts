/**
 * Standalone debug adapter: `node dist/debug-adapter.js` serves stdio,
 * `--port N [--host ADDR]` serves TCP (`--server=N` as vscode-mock-debug).
 */
import { parseArgs } from "node:util";
import { UserInputError } from "../vmm-core/machine/errors";
import { serveDebugAdapter } from "./server";

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UserInputError(`--port: '${text}' is not a port number`);
  return port;
}

try {
  const { values } = parseArgs({
    options: { port: { type: "string" }, server: { type: "string" }, host: { type: "string" } },
  });
  const port = parsePort(values.port ?? values.server);
  serveDebugAdapter({ port, host: values.host ?? "127.0.0.1" }).catch((error: Error) => {
    process.stderr.write(`vmscope debug adapter: ${error.message}\n`);
    process.exit(2);
  });
} catch (error) {
  process.stderr.write(`vmscope debug adapter: ${(error as Error).message}\n`);
  process.exit(2);
}
