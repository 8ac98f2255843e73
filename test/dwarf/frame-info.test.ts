/**
 * Call frame information from .eh_frame (-fasynchronous-unwind-tables)
 * and .debug_frame, compared row by row with readelf's interpreted tables
 * (--debug-dump=frames-interp): CFA rule and every register column.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { needTool } from "../support/reference";
import { readDebugInfo } from "../../vmm-core/loader/dwarf/index";
import { removeSharedPrograms, run, sharedProgram, toolchain, variantName, variants } from "./guest-program";
import { compareFrameRows } from "./comparisons";
import { framesInterp } from "./reference-output";

after(removeSharedPrograms);

for (const variant of variants) {
  test(`CFI rows match readelf --debug-dump=frames-interp (${variantName(variant)})`, (t) => {
    if (!needTool(t, toolchain.gcc, toolchain.readelf)) return;
    const program = sharedProgram(variant);
    const sectionName = variant.ehFrame ? ".eh_frame" : ".debug_frame";
    assert.ok(compareFrameRows(program.elf, sectionName) > 10);
    assert.equal(readDebugInfo(program.bytes).hasFrameInfo, true);
  });
}

test("unwind applies the row: CFA, saved ra and s0 read from the stack", (t) => {
  if (!needTool(t, toolchain.gcc, toolchain.readelf)) return;
  const program = sharedProgram({ optimization: "-O0", dwarf: 5, ehFrame: true });
  const info = readDebugInfo(program.bytes);
  const middle = info.functionsNamed("middle")[0];
  // Find middle's row after its prologue (CFA = s0 + 0, ra at CFA-8, s0 at CFA-16), as readelf shows it.
  const fde = framesInterp(program.elf).find((f) => f.low === middle.low)!;
  const body = fde.rows.find((r) => r.cfa === "s0+0")!;
  assert.equal(body.registers.get("ra"), "c-8");
  const memory = new Map<bigint, bigint>([
    [0x8000_1000n - 8n, 0x8000_0042n],
    [0x8000_1000n - 16n, 0x8000_2000n],
  ]);
  const registers = new Map<number, bigint>([
    [2, 0x8000_0fc0n],
    [8, 0x8000_1000n],
    [1, 0x1234n],
    [10, 7n],
  ]);
  const frame = info.unwind(body.address, (n) => registers.get(n) ?? 0n, (a) => memory.get(a));
  assert.ok(frame);
  assert.equal(frame.cfa, 0x8000_1000n);
  assert.equal(frame.pc, 0x8000_0042n);
  assert.equal(frame.registers.get(1), 0x8000_0042n);
  assert.equal(frame.registers.get(2), 0x8000_1000n);
  assert.equal(frame.registers.get(8), 0x8000_2000n);
  assert.equal(frame.registers.get(10), 7n, "registers without a rule keep their value");
  // Unreadable saved ra: no frame, no exception.
  assert.equal(info.unwind(body.address, (n) => registers.get(n) ?? 0n, () => undefined), undefined);
  // No FDE covers the bare entry code.
  assert.equal(info.unwind(0x8000_0000n, () => 0n, () => 0n), undefined);
});

for (const sectionName of [".eh_frame", ".debug_frame"] as const) {
  test(`every CFA instruction GAS writes matches readelf (cfi-ops.S in ${sectionName})`, (t) => {
    if (!needTool(t, toolchain.gcc, toolchain.readelf)) return;
    const dir = mkdtempSync(join(tmpdir(), "vmscope-cfi-"));
    try {
      // remember/restore_state, register, same_value, undefined, val_offset, restore, def_cfa*, advance_loc1/2, an expression.
      writeFileSync(join(dir, "sections.S"), `\t.cfi_sections ${sectionName}\n`);
      copyFileSync(join(dirname(fileURLToPath(import.meta.url)), "cfi-ops.S"), join(dir, "cfi-ops.S"));
      writeFileSync(join(dir, "all.S"), `#include "sections.S"\n#include "cfi-ops.S"\n`);
      run(toolchain.gcc, ["-march=rv64imac", "-mabi=lp64", "-nostdlib", "-Wl,-Ttext=0x80000000", "-o", "cfi.elf", "all.S"], dir);
      assert.ok(compareFrameRows(join(dir, "cfi.elf"), sectionName) >= 12);
      // The expression rule for s2 is not evaluated: unwinding there gives up instead of guessing.
      const info = readDebugInfo(new Uint8Array(readFileSync(join(dir, "cfi.elf"))));
      assert.equal(info.unwind(0x8000_02f0n, () => 0x8000_1000n, () => 0x8000_0100n), undefined);
      assert.ok(info.unwind(0x8000_0098n, () => 0x8000_1000n, () => 0x8000_0100n));
      // ra lives in t0 (DW_CFA_register) at 0x8000000a.
      const viaRegister = info.unwind(0x8000_000an, (n) => (n === 5 ? 0x8000_0abcn : 0x8000_1000n), () => 0n);
      assert.equal(viaRegister?.pc, 0x8000_0abcn);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
