/**
 * The interrupts sample: ten timer ticks and three lines of UART input
 * (stdin) echoed back, the same in every mode. Under trap-and-emulate the
 * monitor injects every virtual interrupt itself (interrupt-injected
 * exits); under hardware-assisted the hart delivers them in VS-mode.
 */
import assert from "node:assert/strict";
import { defineSampleTests } from "../testing/sample-harness";
import { exitCount } from "../testing/exit-table";

defineSampleTests({
  name: "interrupts",
  run: { input: "hello\nvirtual interrupts\nquit\n", flags: ["--stats"] },
  check: (run, mode) => {
    if (mode === "none") {
      assert.match(run.stderr, /supervisor timer interrupt\s+10\b/, run.stderr);
      assert.match(run.stderr, /supervisor external interrupt\s+[1-9]/, run.stderr);
      return;
    }
    // The UART's interrupts reach the monitor through the PLIC.
    assert.ok(exitCount(run.stderr, "external-interrupt") >= 1, run.stderr);
    assert.ok(exitCount(run.stderr, "mmio-read", "plic.claim[1]") >= 1, run.stderr);
    if (mode === "trap-and-emulate") {
      // The guest's timer is the monitor's CLINT comparator: ten timer exits, each injected once.
      assert.equal(exitCount(run.stderr, "timer", "supervisor timer"), 10, run.stderr);
      assert.equal(exitCount(run.stderr, "interrupt-injected", "supervisor timer"), 10, run.stderr);
      assert.ok(exitCount(run.stderr, "interrupt-injected", "supervisor external") >= 1, run.stderr);
    } else {
      // VS-mode has Sstc: SBI set_timer and stimecmp both set vstimecmp, the hart raises VSTIP, no exit.
      assert.equal(exitCount(run.stderr, "timer"), 0, run.stderr);
      assert.equal(exitCount(run.stderr, "csr-write"), 0, run.stderr);
      assert.match(run.stderr, /virtual supervisor timer interrupt\s+10\b/, run.stderr);
      assert.equal(exitCount(run.stderr, "interrupt-injected"), 0, run.stderr);
    }
  },
});
