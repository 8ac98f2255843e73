/**
 * A guest that waits for input under the adapter: samples/interrupts takes
 * its ten timer ticks (guest time skips to each deadline), then every hart
 * waits in WFI with no timer armed — only console input can wake it. The
 * runtime then sleeps instead of polling, wakes as soon as
 * vmscope/consoleInput arrives, and answers pause while asleep.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { custom, launchStopped, startHarness } from "./inspection/testing/dap-harness";
import type { MachineRuntime } from "./runtime";

const root = resolve(import.meta.dirname, "..");
const interrupts = join(root, "samples", "interrupts", "interrupts.elf");

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

test("halted on input: the runtime sleeps, wakes on console input at once, answers pause while asleep", async (t) => {
  const harness = await startHarness();
  t.after(() => harness.close());
  const dc = harness.client;
  let output = "";
  dc.on("output", (event: DebugProtocol.OutputEvent) => {
    if (event.body.category === "stdout") output += event.body.output;
  });
  await launchStopped(dc, { program: interrupts, mode: "trap-and-emulate", stopOnEntry: true });
  const runtime = harness.runtime() as MachineRuntime;
  const machine = harness.machine();
  await dc.continueRequest({ threadId: 1 });
  await until(() => output.includes('type lines; "quit" ends'), "the prompt");
  await until(() => runtime.sleeping, "the runtime to sleep");

  // Asleep: no slice runs unasked (a 10 ms poll would have run about 30 in this time).
  let runs = 0;
  const run = machine.run.bind(machine);
  machine.run = (budget) => (runs++, run(budget));
  await delay(300);
  assert.ok(runs <= 5, `${runs} machine runs in 300 ms of sleep`);

  // Input wakes it before the request's response has even reached the client.
  await custom(dc, "vmscope/consoleInput", { text: "hello\n" });
  assert.ok(runs > 0 || !runtime.sleeping, "woken by the input");
  await until(() => /echo: hello\r?\n/.test(output), "the echo");
  await until(() => runtime.sleeping, "the runtime to sleep again");

  const stopped = dc.waitForEvent("stopped") as Promise<DebugProtocol.StoppedEvent>;
  await dc.pauseRequest({ threadId: 1 });
  assert.equal((await stopped).body.reason, "pause", "pause answers while asleep");
  assert.equal(runtime.sleeping, false);

  const terminated = dc.waitForEvent("terminated");
  await dc.continueRequest({ threadId: 1 });
  await custom(dc, "vmscope/consoleInput", { text: "quit\n" });
  await terminated;
  assert.match(output, /echo: quit\r?\ndone: 10 timer ticks/);
});
