/**
 * The privileged sample: every supervisor CSR, SRET, SFENCE.VMA, WFI and
 * ECALL, the same output under OpenSBI and under both monitors. Under
 * trap-and-emulate each CSR access is a VM exit; under hardware-assisted
 * none is (the hart has VS copies). samples/walkthrough-figures.test.ts
 * checks the figures the README quotes.
 */
import assert from "node:assert/strict";
import { defineSampleTests } from "../testing/sample-harness";
import { exitCount } from "../testing/exit-table";

defineSampleTests({
  name: "privileged",
  run: { flags: ["--stats"] },
  check: (run, mode) => {
    if (mode === "none") return;
    const csrExits = exitCount(run.stderr, "csr-write") + exitCount(run.stderr, "csr-read");
    if (mode === "trap-and-emulate") {
      // 200 workload rounds of at least six CSR accesses each, every one trapped.
      assert.ok(csrExits > 1200, `trap-and-emulate: ${csrExits} CSR exits\n${run.stderr}`);
      for (const csr of ["sstatus", "sscratch", "sepc", "scause", "stval", "sie", "sip", "scounteren", "senvcfg", "satp"]) {
        assert.ok(exitCount(run.stderr, "csr-write", csr) + exitCount(run.stderr, "csr-read", csr) > 0, `no exit for ${csr}`);
      }
      assert.ok(exitCount(run.stderr, "wfi") > 0 && exitCount(run.stderr, "sret") > 0 && exitCount(run.stderr, "sfence.vma") > 0);
    } else {
      assert.equal(csrExits, 0, `hardware-assisted: the CSRs are the hart's VS copies\n${run.stderr}`);
    }
  },
});
