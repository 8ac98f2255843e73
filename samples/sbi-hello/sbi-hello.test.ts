/**
 * The sbi-hello sample: prints through SBI and shuts down through SRST,
 * under OpenSBI (mode none) and under the monitor (both virtualized
 * modes), where every SBI call is a VM exit the monitor serves.
 */
import assert from "node:assert/strict";
import { defineSampleTests } from "../testing/sample-harness";

defineSampleTests({
  name: "sbi-hello",
  run: { flags: ["--stats"] },
  check: (run, mode) => {
    if (mode === "none") return;
    // --stats lists the exits by detail: the console and SRST calls are SBI exits.
    assert.match(run.stderr, /sbi/i, run.stderr);
  },
});
