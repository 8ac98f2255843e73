/**
 * The smp sample on two harts: HSM hart_start, a spinlock-protected
 * counter, IPI ping-pong and a remote fence, the same in every mode.
 * Under a monitor the HSM, IPI and RFENCE calls are SBI exits it carries
 * out on the other vCPU.
 */
import assert from "node:assert/strict";
import { defineSampleTests } from "../testing/sample-harness";
import { exitCount } from "../testing/exit-table";

defineSampleTests({
  name: "smp",
  run: { harts: 2, flags: ["--stats"] },
  check: (run, mode) => {
    if (mode === "none") return;
    assert.equal(exitCount(run.stderr, "sbi", "HSM.hart_start"), 1, run.stderr);
    assert.equal(exitCount(run.stderr, "sbi", "IPI.send_ipi"), 6, run.stderr);
    assert.equal(exitCount(run.stderr, "sbi", "RFENCE.remote_sfence_vma"), 1, run.stderr);
  },
});
