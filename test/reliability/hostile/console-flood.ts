/**
 * A guest that prints as fast as it can. Its output is bounded on every
 * path (the debug adapter's runtime, `vmscope run`), and what cannot be
 * kept is never lost silently: the count of dropped bytes plus what was
 * delivered is exactly what the guest wrote to the UART.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MachineRuntime } from "../../../debug-adapter/runtime";
import { consoleFlood } from "./programs";
import { runCli } from "../cli-runner";
import { tally } from "../tally";

const markerPattern = /\n\[vmscope: (\d+) bytes of console output dropped\]\n/g;

/** Splits delivered output into guest bytes and the dropped counts the markers announce. */
function account(chunks: Uint8Array[]): { delivered: number; dropped: number; markers: number } {
  let delivered = 0;
  let dropped = 0;
  let markers = 0;
  for (const chunk of chunks) {
    const text = Buffer.from(chunk).toString("latin1");
    let rest = text.length;
    for (const match of text.matchAll(markerPattern)) {
      dropped += Number(match[1]);
      rest -= match[0].length;
      markers++;
    }
    delivered += rest;
  }
  return { delivered, dropped, markers };
}

describe("console flood", () => {
  test("under the debug adapter's runtime: batches stay within the console buffer, drops are announced", async () => {
    const capacity = 4096;
    const chunks: Uint8Array[] = [];
    const runtime: MachineRuntime = new MachineRuntime(
      { memory: 4 * 1024 * 1024, kernel: consoleFlood() },
      {
        stopped: () => {},
        output: (bytes) => chunks.push(bytes),
        terminated: () => assert.fail("the flood never ends by itself"),
      },
      capacity,
    );
    const heapBefore = process.memoryUsage().heapUsed;
    runtime.continue();
    await new Promise((resolve) => setTimeout(resolve, 400));
    await new Promise<void>((resolve) => {
      runtime.pause();
      const wait = () => (runtime.isRunning ? setTimeout(wait, 5) : resolve());
      wait();
    });
    const written = runtime.machine.uart.traffic.bytesOut;
    runtime.dispose();
    const { delivered, dropped, markers } = account(chunks);
    for (const chunk of chunks) assert.ok(chunk.length <= capacity + 64, `a batch of ${chunk.length} bytes for a ${capacity}-byte buffer`);
    assert.ok(written > 100_000, `the guest wrote only ${written} bytes`);
    assert.ok(markers > 0, "a flood beyond the buffer must be announced");
    assert.equal(delivered + dropped, written, "delivered + announced drops = what the guest wrote");
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, "the heap stayed bounded");
    tally.hostilePrograms++;
  });

  test("vmscope run: a reader that keeps up gets every byte, the instruction limit ends the run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vmscope-flood-"));
    try {
      const image = join(dir, "flood.bin");
      writeFileSync(image, consoleFlood());
      const limit = 1_500_000;
      const result = await runCli(["run", image, "--max-instructions", String(limit), "--console-buffer", "64K"]);
      assert.equal(result.status, 124, result.stderr);
      assert.match(result.stderr, /instruction limit reached \(1500000 instructions\)/);
      // Three instructions a byte (sb, addi, j) after a four-instruction prologue.
      const { delivered, dropped } = account([result.stdout]);
      assert.equal(dropped, 0, "stdout kept up: nothing may be dropped");
      assert.ok(Math.abs(delivered - limit / 3) < 10, `${delivered} bytes for ${limit} instructions`);
      tally.hostilePrograms++;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
