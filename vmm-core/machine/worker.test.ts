/**
 * The machine worker (dist/worker.js, built from worker.ts) driven through
 * its message protocol, as a host thread would.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { WorkerRequest, WorkerResponse } from "./worker-protocol";
import { spinningGuest } from "../../test/support/elf-builder";

const root = resolve(import.meta.dirname, "..", "..");
const workerPath = join(root, "dist", "worker.js");
const hello = join(root, "samples", "hello", "hello.elf");

before(() => {
  assert.ok(existsSync(workerPath), "dist/worker.js is missing: run npm run build");
});

/** A worker plus a queue of its messages, awaited by type. */
class Host {
  readonly worker = new Worker(workerPath);
  private readonly messages: WorkerResponse[] = [];
  private waiting: (() => void) | undefined;

  constructor() {
    this.worker.on("message", (message: WorkerResponse) => {
      this.messages.push(message);
      this.waiting?.();
    });
  }

  send(request: WorkerRequest): void {
    this.worker.postMessage(request);
  }

  /** Removes and returns the first message of that type, waiting for it; other messages stay queued. */
  async next<T extends WorkerResponse["type"]>(type: T, timeoutMs = 10_000): Promise<Extract<WorkerResponse, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex((m) => m.type === type);
      if (index >= 0) return this.messages.splice(index, 1)[0] as Extract<WorkerResponse, { type: T }>;
      if (Date.now() > deadline) throw new Error(`no '${type}' message; got ${JSON.stringify(this.messages.map((m) => (m.type === "error" ? m.message : m.type)))}`);
      await new Promise<void>((r) => {
        this.waiting = r;
        setTimeout(r, 50);
      });
    }
  }

  /** Every output message received so far, as text. */
  takeOutput(): string {
    const text = this.messages
      .filter((m): m is Extract<WorkerResponse, { type: "output" }> => m.type === "output")
      .map((m) => new TextDecoder().decode(m.bytes))
      .join("");
    return text;
  }
}

test("start, step, run to power-off, stats", async () => {
  const host = new Host();
  try {
    host.send({ type: "start", options: { memory: 16 * 1024 * 1024, kernel: new Uint8Array(readFileSync(hello)), kernelName: "hello.elf" } });
    assert.equal((await host.next("started")).harts, 1);

    host.send({ type: "step", hart: 0 });
    const stepped = await host.next("stopped");
    assert.equal(stepped.reason, "step");
    assert.equal(stepped.harts[0].instret, 1);
    assert.equal(stepped.harts[0].priv, 3, "M-mode from reset");

    host.send({ type: "registers", hart: 0 });
    const regs = await host.next("registers");
    assert.equal(regs.x.length, 32);
    assert.equal(regs.pc, stepped.harts[0].pc);

    host.send({ type: "run" });
    const exited = await host.next("exited");
    assert.deepEqual([exited.reason, exited.exitCode], ["poweroff", 0]);
    assert.match(host.takeOutput(), /Hello from a bare RISC-V machine!/);

    host.send({ type: "stats" });
    const { stats } = await host.next("stats");
    assert.ok(Number((stats as { instructions: number | bigint }).instructions) > 100);
  } finally {
    await host.worker.terminate();
  }
});

test("a budget stops the run; bad input is a user error", async () => {
  const host = new Host();
  try {
    host.send({ type: "run" });
    const early = await host.next("error");
    assert.equal(early.user, true);
    assert.match(early.message, /start message first/);

    host.send({ type: "start", options: { memory: 0, kernel: new Uint8Array(readFileSync(hello)), kernelName: "hello.elf" } });
    assert.equal((await host.next("error")).user, true, "zero memory is rejected as bad input");

    host.send({ type: "start", options: { memory: 16 * 1024 * 1024, kernel: new Uint8Array(readFileSync(hello)), kernelName: "hello.elf" } });
    await host.next("started");
    host.send({ type: "run", maxInstructions: 10 });
    const stopped = await host.next("stopped");
    assert.equal(stopped.reason, "budget");
    assert.equal(stopped.harts[0].instret, 10);
  } finally {
    await host.worker.terminate();
  }
});

test("pause stops a guest that never ends, and input is accepted meanwhile", async () => {
  const host = new Host();
  try {
    host.send({ type: "start", options: { memory: 16 * 1024 * 1024, kernel: spinningGuest(), kernelName: "spin.elf" } });
    await host.next("started");
    host.send({ type: "run" });
    await new Promise((r) => setTimeout(r, 100));
    host.send({ type: "input", bytes: new TextEncoder().encode("x") });
    host.send({ type: "pause" });
    const stopped = await host.next("stopped", 2000);
    assert.equal(stopped.reason, "pause");
    assert.equal(stopped.harts[0].pc, 0x8000_0000n, "spinning in place");
    assert.ok(stopped.harts[0].instret > 1000, "it ran before the pause");
  } finally {
    await host.worker.terminate();
  }
});
