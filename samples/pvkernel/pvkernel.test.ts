/**
 * The pvkernel sample: privileged's kernel paravirtualized. Same output in
 * every mode; under trap-and-emulate its CSR exits are (almost) only the
 * satp writes it could not replace, where privileged's are thousands.
 */
import assert from "node:assert/strict";
import { defineSampleTests } from "../testing/sample-harness";
import { exitCount } from "../testing/exit-table";

defineSampleTests({
  name: "pvkernel",
  run: { flags: ["--stats"] },
  check: (run, mode) => {
    if (mode !== "trap-and-emulate") return;
    const satp = exitCount(run.stderr, "csr-write", "satp");
    assert.ok(satp >= 200, `the workload's satp writes still exit: ${satp}\n${run.stderr}`);
    // Masking, per-CPU pointer and return address live in memory: no sstatus/sscratch/sepc traffic per round.
    for (const csr of ["sstatus", "sscratch", "sepc"]) {
      assert.ok(exitCount(run.stderr, "csr-write", csr) < 50, `${csr} writes: ${exitCount(run.stderr, "csr-write", csr)}\n${run.stderr}`);
    }
    // The timer is re-armed by hypercall only when the deadline moves earlier.
    assert.ok(exitCount(run.stderr, "sbi", "TIME.set_timer") < 20, run.stderr);
  },
});
