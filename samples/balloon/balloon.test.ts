/**
 * The balloon sample: `vmscope run --balloon 16` prints expected-output.txt
 * in every mode. And the acceptance test of ballooning, through the
 * machine's API as the debugger drives it: the host asks for 16 MiB, the
 * guest inflates, the host's accounting and the process's own memory
 * (ArrayBuffer bytes after a full GC) drop by 16 MiB; a lower target
 * deflates, and the guest's reuse brings the memory back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Machine, type VirtualizationMode } from "../../vmm-core/machine/machine";
import { defineSampleTests, samplePaths } from "../testing/sample-harness";
import { debianFirmware, needTool } from "../../test/support/reference";

defineSampleTests({ name: "balloon", run: { flags: ["--balloon", "16"] } });

// A full collection on demand, so freed pages show in the process's figures.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const mib = 1024 * 1024;

function processBytes(): { arrayBuffers: number; rss: number } {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return { arrayBuffers: usage.arrayBuffers, rss: usage.rss };
}

for (const mode of ["none", "trap-and-emulate", "hardware-assisted"] as VirtualizationMode[]) {
  test(`host asks 16 MiB (mode ${mode}): the guest inflates, accounting and process memory drop by 16 MiB; deflate gives it back`, (t) => {
    if (mode === "none" && !needTool(t, debianFirmware.openSbiFwJump)) return;
    let output = "";
    const machine = new Machine({
      memory: 128 * mib,
      mode,
      bios: mode === "none" ? new Uint8Array(readFileSync(debianFirmware.openSbiFwJump)) : undefined,
      kernel: new Uint8Array(readFileSync(samplePaths("balloon").elf)),
      console: { write: (bytes) => (output += Buffer.from(bytes).toString("latin1")) },
    });
    /** Runs until the console shows `text`; small slices, so the host acts while the guest waits. */
    const runUntil = (text: string) => {
      for (let slices = 0; !output.includes(text); slices++) {
        assert.ok(slices < 2000 && machine.power.state === "running", `the guest never printed ${JSON.stringify(text)}: ${output.slice(-300)}`);
        machine.run(100_000);
      }
    };
    runUntil("balloon unchanged, holds 0 pages");
    const start = { accounting: machine.memoryAccounting(), process: processBytes() };
    assert.equal(start.accounting.balloonedPages, 0);
    assert.ok(start.accounting.residentPages >= 8192, "the 32 MiB workload is resident");

    assert.deepEqual(machine.setBalloonTarget(16), { present: true, targetPages: 4096, actualPages: 0 });
    runUntil("balloon inflated, holds 4096 pages");
    const inflated = { accounting: machine.memoryAccounting(), process: processBytes() };
    assert.equal(inflated.accounting.balloonedPages, 4096);
    assert.equal(machine.balloonInfo().actualPages, 4096, "the driver reported it in config actual");
    assert.equal(start.accounting.residentPages - inflated.accounting.residentPages, 4096, "accounting: 16 MiB fewer resident pages");
    const freed = start.process.arrayBuffers - inflated.process.arrayBuffers;
    assert.ok(freed >= 15.5 * mib, `the process's ArrayBuffer memory dropped by ${(freed / mib).toFixed(1)} MiB`);
    t.diagnostic(`inflate: ArrayBuffers -${(freed / mib).toFixed(1)} MiB, rss ${((inflated.process.rss - start.process.rss) / mib).toFixed(1)} MiB`);

    machine.setBalloonTarget(4);
    runUntil("balloon deflated, holds 1024 pages");
    // The guest checks the pages it got back are zero and writes them, so they are resident again.
    runUntil("3072 pages back: read zero yes, written again");
    const deflated = { accounting: machine.memoryAccounting(), process: processBytes() };
    assert.equal(deflated.accounting.balloonedPages, 1024);
    assert.equal(deflated.accounting.residentPages - inflated.accounting.residentPages, 3072, "12 MiB back in use");
    const regained = deflated.process.arrayBuffers - inflated.process.arrayBuffers;
    assert.ok(regained >= 11.5 * mib, `the process's ArrayBuffer memory grew by ${(regained / mib).toFixed(1)} MiB`);

    while (machine.power.state === "running") machine.run(1_000_000);
    assert.equal(machine.power.exitCode, 0, output);
    assert.match(output, /config-change interrupts: taken/);
    assert.match(output, /deflate-on-oom took 256 pages back, balloon holds 768/);
  });
}
