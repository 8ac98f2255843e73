/**
 * The contract between the extension's server mode and `vmscope dap --port 0`:
 * the CLI names the port it got on stderr, the extension reads it from there.
 * No vscode import: tested against the real CLI in plain Node.
 */
const listening = /debug adapter listening on ([\d.]+):(\d+)/;

/** The address in `vmscope dap`'s stderr so far, once it has printed it. */
export function parseListeningLine(stderr: string): { host: string; port: number } | undefined {
  const match = listening.exec(stderr);
  return match ? { host: match[1], port: Number(match[2]) } : undefined;
}
