/**
 * The hello sample: the committed ELF runs in vmscope and prints
 * expected-output.txt, it is what the Makefile builds, and QEMU (the
 * reference machine) prints the same thing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Machine } from "../../vmm-core/machine/machine";
import { needTool } from "../../test/support/reference";
import { qemuBinary, runQemu } from "../../test/reference/qemu";

const here = dirname(fileURLToPath(import.meta.url));
const elfPath = join(here, "hello.elf");
const expected = readFileSync(join(here, "expected-output.txt"), "latin1");
const sources = ["hello.c", "start.S", "link.ld", "Makefile"];

/** misa's letters as the guest prints them: bit 0 = A … bit 25 = Z. */
function misaLetters(misa: bigint): string {
  let letters = "";
  for (let bit = 0; bit < 26; bit++) if ((misa >> BigInt(bit)) & 1n) letters += String.fromCharCode(65 + bit);
  return letters;
}

test("hello.elf prints expected-output.txt in vmscope and powers off with 0", () => {
  const chunks: Buffer[] = [];
  const machine = new Machine({
    memory: 128 * 1024 * 1024,
    bios: undefined,
    biosName: "none",
    kernel: new Uint8Array(readFileSync(elfPath)),
    kernelName: "hello.elf",
    console: { write: (bytes: Uint8Array) => chunks.push(Buffer.from(bytes)) },
  });
  const result = machine.run(1_000_000);
  assert.equal(result.reason, "poweroff");
  assert.equal(machine.power.state, "off");
  assert.equal(machine.power.exitCode, 0);
  const output = Buffer.concat(chunks).toString("latin1");
  assert.equal(output, expected);
  // The letters the guest printed are the ones the hart's misa holds.
  const misa = machine.harts[0].readCsr(0x301);
  assert.notEqual(misa, undefined);
  assert.match(output, new RegExp(`misa: RV64${misaLetters(misa ?? 0n)}\\r\\n`));
  // A bare program in M-mode from reset: no trap was needed to get here.
  assert.equal(machine.harts[0].priv, 3);
});

test("the committed hello.elf is what the Makefile builds", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-gcc", "make")) return;
  const dir = mkdtempSync(join(tmpdir(), "vmscope-hello-"));
  try {
    for (const file of sources) copyFileSync(join(here, file), join(dir, file));
    execFileSync("make", ["-s", "-C", dir, "hello.elf"], { stdio: "pipe" });
    const rebuilt = readFileSync(join(dir, "hello.elf"));
    assert.ok(rebuilt.equals(readFileSync(elfPath)), "rebuilt hello.elf differs from the committed one: run make in samples/hello");
    // The temporary path must not leak into the ELF (DWARF comp_dir, file symbols).
    assert.equal(rebuilt.includes(dir), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("QEMU virt prints the same expected-output.txt", async (t) => {
  if (!needTool(t, qemuBinary)) return;
  const result = await runQemu(elfPath, { timeoutMs: 20_000 });
  assert.equal(result.timedOut, false, result.stderr.toString());
  assert.equal(result.exitCode, 0, result.stderr.toString());
  assert.equal(result.stdout.toString("latin1"), expected);
});
