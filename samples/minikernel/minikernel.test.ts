/**
 * The minikernel sample: a shell on the UART (stdin) runs U-mode programs;
 * spin can only finish if the timer preempts it. Same output in every
 * mode. Its DWARF names the functions the debug adapter's tests set
 * breakpoints on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { defineSampleTests, samplePaths } from "../testing/sample-harness";
import { exitCount } from "../testing/exit-table";
import { needTool } from "../../test/support/reference";

export const minikernelInput = "help\nps\nrun hello\nrun count\nrun spin\nrun nosuch\nbogus\nexit\n";

defineSampleTests({
  name: "minikernel",
  run: { input: minikernelInput, flags: ["--stats"] },
  check: (run, mode) => {
    if (mode === "none") {
      assert.match(run.stderr, /supervisor timer interrupt\s+[1-9]/, run.stderr);
      assert.match(run.stderr, /environment call from U-mode\s+[1-9]/, run.stderr);
      return;
    }
    if (mode === "trap-and-emulate") {
      // The guest's timer is the monitor's; every system call is an ecall from (virtual) U-mode the monitor reflects to the guest kernel.
      assert.ok(exitCount(run.stderr, "timer") > 0, run.stderr);
      assert.ok(exitCount(run.stderr, "exception-injected", "ecall from U-mode") > 20, run.stderr);
    } else {
      // VS-mode has Sstc: the deadline is vstimecmp and the hart delivers the ticks without exits.
      assert.equal(exitCount(run.stderr, "timer"), 0, run.stderr);
      assert.match(run.stderr, /virtual supervisor timer interrupt\s+[1-9]/, run.stderr);
    }
  },
});

test("minikernel.elf has line information for the functions to step through", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-objdump")) return;
  const lines = execFileSync("riscv64-unknown-elf-objdump", ["--dwarf=decodedline", samplePaths("minikernel").elf], { encoding: "utf8", maxBuffer: 16 << 20 });
  for (const file of ["syscall.c", "proc.c", "shell-user.c", "trap.c"]) assert.match(lines, new RegExp(`^${file.replace(".", "\\.")}\\s+\\d+\\s+0x`, "m"), file);
  const symbols = execFileSync("riscv64-unknown-elf-nm", [samplePaths("minikernel").elf], { encoding: "utf8" });
  for (const name of ["syscall_dispatch", "schedule", "shell_main", "timer_tick", "main"]) assert.match(symbols, new RegExp(` T ${name}$`, "m"), name);
});
