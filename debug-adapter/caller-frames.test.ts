/**
 * Caller frames show their own registers: samples/minikernel (C, -Og,
 * DWARF CFI in .debug_frame) stopped in sbi_console_write, four calls deep
 * (main → kprintf → console_putc → flush_line → sbi_console_write). Every
 * caller frame's pc, sp, ra, s0 and s1 in the Registers scope must be what
 * gdb-multiarch unwinds on the same kernel stopped at the same place under
 * QEMU; the caller-saved registers a callee may clobber show as not saved.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve, join } from "node:path";
import { promisify } from "node:util";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { debianFirmware, needTool } from "../test/support/reference";
import { launchConfigured, startHarness } from "./inspection/testing/dap-harness";

const root = resolve(import.meta.dirname, "..");
const kernel = join(root, "samples", "minikernel", "minikernel.elf");
const stopAt = "sbi_console_write";
const compared = ["pc", "sp", "ra", "s0", "s1"] as const;
const frameCount = 4;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  return port;
}

/** gdb's view of frames 0..frameCount-1 at the first stop in `stopAt`: register name → value, per frame. */
async function gdbFrames(): Promise<Map<string, bigint>[]> {
  const port = await freePort();
  const qemu = spawn("qemu-system-riscv64", [
    "-M", "virt", "-m", "128M", "-nographic", "-monitor", "none", "-serial", "null",
    "-bios", debianFirmware.openSbiFwJump, "-kernel", kernel, "-gdb", `tcp:127.0.0.1:${port}`, "-S",
  ], { stdio: "ignore" });
  try {
    const commands = ["set pagination off", `target remote 127.0.0.1:${port}`, `break ${stopAt}`, "continue"];
    for (let frame = 0; frame < frameCount; frame++) {
      commands.push(`frame ${frame}`, `printf "FRAME ${frame} ${compared.map(() => "%lx").join(" ")}\\n", ${compared.map((r) => "$" + r).join(", ")}`);
    }
    // QEMU needs a moment to open its gdb port.
    let output = "";
    for (let attempt = 0; attempt < 20 && !output.includes("FRAME"); attempt++) {
      if (attempt > 0) await new Promise((done) => setTimeout(done, 250));
      const result = await promisify(execFile)("gdb-multiarch", ["-q", "-nx", "-batch", ...commands.flatMap((c) => ["-ex", c]), kernel], { timeout: 30_000 }).catch((error) => error);
      output = String(result.stdout ?? "");
    }
    return [...output.matchAll(/^FRAME (\d+) (.*)$/gm)].map((match) => new Map(match[2].split(" ").map((value, i) => [compared[i], BigInt("0x" + value)])));
  } finally {
    qemu.kill("SIGKILL");
  }
}

test("caller frames show the registers gdb unwinds from the CFI; clobberable ones are not saved", async (t) => {
  if (!needTool(t, "qemu-system-riscv64", "gdb-multiarch", debianFirmware.openSbiFwJump)) return;
  const expected = await gdbFrames();
  assert.equal(expected.length, frameCount, "gdb printed every frame");
  const harness = await startHarness();
  t.after(() => harness.close());
  const dc = harness.client;
  await launchConfigured(dc, { program: kernel, bios: debianFirmware.openSbiFwJump }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: stopAt }] }));
  const hit = dc.waitForEvent("stopped");
  await dc.continueRequest({ threadId: 1 });
  assert.equal(((await hit) as DebugProtocol.StoppedEvent).body.reason, "function breakpoint");
  const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  assert.deepEqual(frames.slice(0, 5).map((f) => f.name), [stopAt, "flush_line", "console_putc", "kprintf", "main"]);
  // Not the hart's own values: the frames' stack pointers and return addresses differ.
  assert.equal(new Set(expected.map((frame) => frame.get("sp"))).size >= 3, true, "sp differs between frames");
  assert.ok(new Set(expected.map((frame) => frame.get("ra"))).size >= frameCount - 1, "ra differs between callers");
  let innermostGp: string | undefined;
  for (let depth = 0; depth < frameCount; depth++) {
    const scopes = (await dc.scopesRequest({ frameId: frames[depth].id })).body.scopes;
    const registers = scopes.find((scope) => scope.name === "Registers")!;
    const variables = (await dc.variablesRequest({ variablesReference: registers.variablesReference })).body.variables;
    const value = (name: string) => variables.find((v) => v.name === name)?.value;
    for (const name of compared) {
      assert.equal(BigInt(value(name) ?? "-1"), expected[depth].get(name), `frame ${depth} (${frames[depth].name}): ${name}`);
    }
    assert.equal(BigInt(frames[depth].instructionPointerReference!), expected[depth].get("pc"));
    if (depth === 0) {
      assert.match(value("a0") ?? "", /^0x/, "the innermost frame shows the hart's own registers");
      innermostGp = value("gp");
    } else {
      for (const name of ["a0", "a7", "t0", "t6"]) assert.equal(value(name), "<not saved>", `frame ${depth}: ${name} is caller-saved`);
      assert.equal(value("gp"), innermostGp, "gp passes through every frame");
      assert.ok(variables.every((v) => v.presentationHint?.attributes?.includes("readOnly")), "a caller's registers are read-only");
    }
  }
});
