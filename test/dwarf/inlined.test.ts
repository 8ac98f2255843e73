/**
 * Inlined copies (DW_TAG_inlined_subroutine) of the always_inline twice()
 * in every build variant (DWARF 4 with .debug_ranges, DWARF 5 with
 * .debug_rnglists, -O0 and -O2), against binutils and gdb: the entry pcs
 * are where gdb-multiarch's `break twice` binds, each DW_AT_entry_pc
 * readelf prints is used unless it lies outside the copy's code (at -O2
 * GCC names the shared instruction before it; gdb ignores those too), and
 * each copy's call site is the line that calls it.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { needTool } from "../support/reference";
import { readDebugInfo } from "../../vmm-core/loader/dwarf/index";
import { normalize } from "../../vmm-core/loader/dwarf/paths";
import { removeSharedPrograms, run, sharedProgram, toolchain, variantName, variants } from "./guest-program";

after(removeSharedPrograms);

/** Every location of gdb's `break NAME` ("0x… in NAME at …" or "0x… <outer+40>"). */
function gdbBreakLocations(elf: string, name: string): bigint[] {
  const output = execFileSync("gdb-multiarch", ["-q", "-nx", "-batch", "-ex", `break ${name}`, "-ex", "info breakpoints", elf], { encoding: "utf8", timeout: 60_000 });
  return [...output.matchAll(/\b0x([0-9a-f]{8,}) (?:in |<)/g)].map((m) => BigInt("0x" + m[1]));
}

/** DW_AT_entry_pc of each DW_TAG_inlined_subroutine, as readelf prints it. */
function readelfEntryPcs(elf: string): bigint[] {
  const dump = run(toolchain.readelf, ["-W", "--debug-dump=info", elf]);
  return [...dump.matchAll(/DW_TAG_inlined_subroutine\)\n(?:\s+<[0-9a-f]+>\s+DW_AT_(?!entry_pc).*\n)*\s+<[0-9a-f]+>\s+DW_AT_entry_pc\s*:\s*(?:\(\w+\)\s*)?0x([0-9a-f]+)/g)].map((m) => BigInt("0x" + m[1]));
}

const sorted = (values: Iterable<bigint>): bigint[] => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

for (const variant of variants.filter((v) => v.ehFrame)) {
  test(`inlined copies of twice(): entry pcs, call sites, gdb's locations (${variantName(variant)})`, (t) => {
    if (!needTool(t, toolchain.gcc, toolchain.readelf, "gdb-multiarch")) return;
    const program = sharedProgram(variant);
    const info = readDebugInfo(program.bytes);
    assert.deepEqual(info.functionsNamed("twice"), [], "always_inline leaves no out-of-line copy");
    const copies = info.inlinedNamed("twice");
    assert.equal(copies.length, 2, "twice() is called from middle() and from outer()");
    const inside = (pc: bigint, copy: (typeof copies)[number]): boolean => copy.ranges.some((r) => pc >= r.low && pc < r.high);
    const entryPcs = readelfEntryPcs(program.elf);
    // -O2 copies have DW_AT_entry_pc with DW_AT_ranges; -O0 ones low_pc/high_pc.
    if (variant.optimization === "-O2") assert.equal(entryPcs.length, 2);
    for (const entryPc of entryPcs) {
      const owner = copies.find((c) => inside(entryPc, c));
      if (owner) assert.equal(owner.entry, entryPc);
      else assert.ok(copies.some((c) => c.entry === c.ranges[0].low && c.entry > entryPc), `entry pc 0x${entryPc.toString(16)} outside the copy: its code's start instead`);
    }
    for (const copy of copies) {
      assert.ok(inside(copy.entry, copy), "the entry lies in the copy's code");
      assert.equal(info.inlinedAt(copy.entry)[0]?.name, "twice");
    }
    const caller = (name: string) => copies.find((c) => info.functionAt(c.entry)?.name === name);
    assert.equal(caller("middle")?.callFile, normalize(`${program.dir}/src/util.c`));
    assert.equal(caller("middle")?.callLine, program.markerLine("return twice(r) + 1;"));
    assert.equal(caller("outer")?.callFile, normalize(`${program.dir}/src/main.c`));
    assert.deepEqual(sorted(copies.map((c) => c.entry)), sorted(gdbBreakLocations(program.elf, "twice")));
  });
}
