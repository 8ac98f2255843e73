/**
 * Line tables and subprograms of programs built by the real toolchain in
 * every variant (DWARF 4/5, -O0/-O2), compared with binutils: every
 * decoded row against locate(), every instruction against addr2line.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { needTool } from "../support/reference";
import { readDebugInfo } from "../../vmm-core/loader/dwarf/index";
import { normalize } from "../../vmm-core/loader/dwarf/paths";
import { removeSharedPrograms, sharedProgram, toolchain, variantName, variants } from "./guest-program";
import { compareLineRows, compareWithAddr2line, hex } from "./comparisons";
import { decodedLineSequences } from "./reference-output";

after(removeSharedPrograms);

for (const variant of variants.filter((v) => v.ehFrame)) {
  test(`line rows match readelf's decoded line table (${variantName(variant)})`, (t) => {
    if (!needTool(t, toolchain.gcc, toolchain.readelf)) return;
    const program = sharedProgram(variant);
    const info = readDebugInfo(program.bytes);
    assert.ok(info.hasLineInfo);
    const checked = compareLineRows(program.elf, info);
    assert.ok(checked > 10, `only ${checked} rows`);
    const files = info.files();
    for (const name of ["src/main.c", "src/util.c", "src/include/util.h"]) {
      assert.ok(files.includes(normalize(`${program.dir}/${name}`)), `${name} missing from ${files.join(", ")}`);
    }
  });
}

for (const variant of variants.filter((v) => v.ehFrame)) {
  test(`every instruction's location and function agree with addr2line (${variantName(variant)})`, (t) => {
    if (!needTool(t, toolchain.gcc, toolchain.objdump, toolchain.addr2line)) return;
    const program = sharedProgram(variant);
    const info = readDebugInfo(program.bytes);
    const { checked } = compareWithAddr2line(program.elf, info, ["_start"]);
    assert.ok(checked > 20);
    // At -O2 checked() is split in two (DW_AT_ranges via .debug_rnglists in DWARF 5, .debug_ranges in DWARF 4).
    const parts = info.functionsNamed("checked");
    assert.equal(parts.length, variant.optimization === "-O2" ? 2 : 1);
  });
}

for (const variant of variants.filter((v) => v.ehFrame)) {
  test(`breakpoint addresses for source lines (${variantName(variant)})`, (t) => {
    if (!needTool(t, toolchain.gcc, toolchain.readelf)) return;
    const program = sharedProgram(variant);
    const info = readDebugInfo(program.bytes);
    const body = program.markerLine("LEAF BODY");
    const leaf = info.functionsNamed("leaf");
    assert.equal(leaf.length, 1);
    // By suffix and by full path, the same answer.
    const bySuffix = info.addressesForLine("util.c", body);
    const byPath = info.addressesForLine(`${program.dir}/src/util.c`, body);
    const byDirectory = info.addressesForLine("src/util.c", body);
    assert.ok(bySuffix && bySuffix.addresses.length >= 1, "no address for the leaf body");
    assert.deepEqual(byPath, bySuffix);
    assert.deepEqual(byDirectory, bySuffix);
    assert.equal(bySuffix.line, body);
    for (const address of bySuffix.addresses) {
      assert.ok(leaf[0].low <= address && address < leaf[0].high);
      // At -O2 later rows at the same address (non-stmt) may name another line.
      if (variant.optimization === "-O0") assert.equal(info.locate(address)?.line, body);
    }
    // Every address is an is_stmt row of that line in readelf's table.
    const stmt = decodedLineSequences(program.elf).flatMap((s) => s.rows).filter((r) => r.file === "util.c" && r.line === body && r.isStatement);
    for (const address of bySuffix.addresses) assert.ok(stmt.some((r) => r.address === address), `${hex(address)} is not an is_stmt row`);
    // A line without code inside a function moves to the next line with code.
    const blank = program.markerLine("NO CODE");
    const moved = info.addressesForLine("util.c", blank);
    assert.ok(moved && moved.line > blank && moved.addresses.length > 0, `line ${blank} did not move: ${JSON.stringify(moved, (_, v) => (typeof v === "bigint" ? hex(v) : v))}`);
    // "til.c" is not a path-component suffix; a file outside the program is unknown.
    assert.equal(info.addressesForLine("til.c", body), undefined);
    assert.equal(info.addressesForLine("other.c", 1), undefined);
  });
}
