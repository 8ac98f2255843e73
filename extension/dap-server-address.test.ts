// Server mode's contract with the CLI: `vmscope dap --port 0` names its port on stderr, and a
// DAP client can talk to it there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { parseListeningLine } from "./dap-server-address";

const cli = join(resolve(import.meta.dirname, ".."), "dist", "cli.js");

test("the extension finds the port `vmscope dap --port 0` listens on, and the adapter answers there", async () => {
  assert.ok(existsSync(cli), `${cli} is missing: run node scripts/build.mjs`);
  const child = spawn(process.execPath, [cli, "dap", "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  try {
    let stderr = "";
    const address = await new Promise<{ host: string; port: number }>((resolveAddress, reject) => {
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        stderr += chunk;
        const found = parseListeningLine(stderr);
        if (found) resolveAddress(found);
      });
      child.once("exit", (code) => reject(new Error(`vmscope dap exited (${code}): ${stderr}`)));
    });
    assert.equal(address.host, "127.0.0.1");
    assert.ok(address.port > 0);
    const reply = await new Promise<string>((resolveReply, reject) => {
      const socket = connect(address.port, address.host, () => {
        const body = JSON.stringify({ seq: 1, type: "request", command: "initialize", arguments: { adapterID: "vmscope", pathFormat: "path", linesStartAt1: true, columnsStartAt1: true } });
        socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      });
      let data = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        data += chunk;
        if (/"command":"initialize"/.test(data)) {
          socket.destroy();
          resolveReply(data);
        }
      });
      socket.on("error", reject);
    });
    assert.match(reply, /"success":true/);
  } finally {
    child.kill();
  }
  assert.equal(parseListeningLine("vmscope: something else"), undefined);
});
