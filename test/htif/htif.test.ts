/**
 * HTIF (riscv-tests' tohost/fromhost): a guest with a `tohost` symbol
 * prints and ends its run through it. QEMU's `spike` board is the
 * reference for putchar and the exit code; SYS_write through a magic_mem
 * block is spike's own extension, which QEMU does not implement.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needTool } from "../support/reference";
import { qemuBinary } from "../reference/qemu";

const cli = join(__dirname, "..", "..", "bin", "vmscope.js");
const guests = { pass: join(__dirname, "htif-pass.elf"), fail: join(__dirname, "htif-fail.elf") };

function vmscope(elf: string) {
  return spawnSync(process.execPath, [cli, "run", elf], { encoding: "utf8", timeout: 60_000 });
}

function qemuSpike(elf: string) {
  return spawnSync(qemuBinary, ["-M", "spike", "-bios", "none", "-nographic", "-monitor", "none", "-kernel", elf], { encoding: "utf8", timeout: 30_000 });
}

for (const [name, code] of [["pass", 0], ["fail", 3]] as const) {
  test(`an HTIF guest that ends with code ${code} exits with status ${code}`, () => {
    const run = vmscope(guests[name]);
    assert.equal(run.stdout, "HTIF putchar works\nHTIF SYS_write works\n");
    assert.equal(run.status, code, run.stderr);
  });

  test(`the HTIF ${name} guest agrees with QEMU's spike board (putchar, exit code)`, (t) => {
    if (!needTool(t, qemuBinary)) return;
    const reference = qemuSpike(guests[name]);
    assert.equal(reference.status, code);
    const ours = vmscope(guests[name]);
    assert.equal(ours.status, reference.status);
    assert.ok(ours.stdout.startsWith(reference.stdout), `QEMU printed ${JSON.stringify(reference.stdout)}`);
  });
}

test("the committed HTIF guests are what their sources build", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "make")) return;
  const build = mkdtempSync(join(tmpdir(), "vmscope-htif-"));
  try {
    const make = spawnSync("make", ["-s", "-C", __dirname, `BUILD=${build}`], { encoding: "utf8" });
    assert.equal(make.status, 0, make.stderr);
    for (const name of ["htif-pass.elf", "htif-fail.elf"]) {
      assert.ok(readFileSync(join(build, name)).equals(readFileSync(join(__dirname, name))), `${name} differs from a fresh build`);
    }
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
});
