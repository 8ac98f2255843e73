/**
 * The paging sample: Sv39, two user processes, demand paging and a true
 * fault, the same output in every mode. Under trap-and-emulate the monitor
 * reflects exactly the guest's own faults (20 demand-paging faults and the
 * kill) and fills its shadow tables on hidden faults; under
 * hardware-assisted it fills nested (G-stage) tables instead.
 */
import assert from "node:assert/strict";
import { defineSampleTests } from "../testing/sample-harness";
import { exitCount } from "../testing/exit-table";

defineSampleTests({
  name: "paging",
  run: { flags: ["--stats"] },
  check: (run, mode) => {
    if (mode === "trap-and-emulate") {
      assert.equal(exitCount(run.stderr, "guest-page-fault"), 21, run.stderr);
      assert.ok(exitCount(run.stderr, "shadow-fill") > 0, run.stderr);
    } else if (mode === "hardware-assisted") {
      assert.ok(exitCount(run.stderr, "nested-fill") > 0, run.stderr);
      assert.equal(exitCount(run.stderr, "shadow-fill"), 0, run.stderr);
    } else {
      // On the bare machine the kernel takes its page faults itself: 16 + 4 stores, 1 load.
      assert.match(run.stderr, /store\/AMO page fault\s+20\b/);
      assert.match(run.stderr, /load page fault\s+1\b/);
    }
  },
});
