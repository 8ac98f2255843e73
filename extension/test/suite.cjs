// Loaded by VS Code's extension test host (see run-electron.mjs): launches
// the hello sample through the real debug UI plumbing and waits for its end.
"use strict";
const assert = require("node:assert");
const path = require("node:path");
const vscode = require("vscode");

async function run() {
  const root = path.join(__dirname, "..", "..");
  const extension = vscode.extensions.all.find((e) => e.extensionPath === root);
  assert.ok(extension, "the vmscope extension is loaded");
  await extension.activate();

  const ended = new Promise((resolve) => {
    const listener = vscode.debug.onDidTerminateDebugSession((session) => {
      listener.dispose();
      resolve(session);
    });
  });
  const started = await vscode.debug.startDebugging(undefined, {
    type: "vmscope",
    request: "launch",
    name: "hello",
    program: path.join(root, "samples", "hello", "hello.elf"),
    stopOnEntry: false,
  });
  assert.strictEqual(started, true, "the vmscope session starts");
  const session = await ended;
  assert.strictEqual(session.type, "vmscope");
}

module.exports = { run };
