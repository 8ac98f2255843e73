// Runs test/e2e/e2e.js (vmscope in a real VS Code: code-server + chromium) on a freshly packaged
// .vsix. Needs the harness that test/e2e/setup.sh installs into .vscode-test-cs/: skipped
// visibly when it is missing, a failure with VMSCOPE_REQUIRE_REFERENCE=1 (as .ci/run sets).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireReference } from "../support/reference";
import { packageVsix, root } from "./package-vsix";

const { missingTools } = createRequire(import.meta.url)("./code-server.js") as { missingTools(): string[] };

test("vmscope in a real VS Code: Open Sample, hover, breakpoint, step, registers, CSRs, views, webviews, status bar, console", { timeout: 30 * 60_000 }, async (t) => {
  const missing = missingTools();
  if (missing.length) {
    const message = `the VS Code e2e harness is not installed (missing ${missing.join(", ")}): run bash test/e2e/setup.sh`;
    if (requireReference) throw new Error(`${message}; VMSCOPE_REQUIRE_REFERENCE=1 makes this a failure`);
    t.skip(message);
    return;
  }
  const out = mkdtempSync(join(tmpdir(), "vmscope-e2e-vsix-"));
  try {
    const vsix = packageVsix(out);
    const output: string[] = [];
    const status = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(root, "test", "e2e", "e2e.js")], {
        cwd: root,
        env: { ...process.env, VSIX: vsix, OUT_DIR: join(root, "e2e-out") },
        stdio: ["ignore", "pipe", "pipe"],
      });
      for (const stream of [child.stdout, child.stderr]) {
        stream.setEncoding("utf8");
        stream.on("data", (chunk: string) => output.push(chunk));
      }
      child.on("close", resolve);
    });
    const text = output.join("");
    assert.equal(status, 0, `e2e failed:\n${text.slice(-4000)}`);
    assert.match(text, /E2E PASS/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
