/**
 * DWARF 5 as LLVM writes it (strx/addrx forms through .debug_str_offsets
 * and .debug_addr, MD5 checksums in the line table, file index 0), built
 * from llvm-forms.ll by llc and linked by GNU ld, compared with binutils.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { needTool } from "../support/reference";
import { readDebugInfo } from "../../vmm-core/loader/dwarf/index";
import { compareFrameRows, compareLineRows, compareWithAddr2line } from "./comparisons";
import { run, toolchain } from "./guest-program";

const here = dirname(fileURLToPath(import.meta.url));

test("LLVM's DWARF 5 forms: strx1, addrx, data16 MD5, line_strp", (t) => {
  if (!needTool(t, "llc", "riscv64-unknown-elf-ld", toolchain.readelf, toolchain.addr2line, toolchain.objdump)) return;
  const dir = mkdtempSync(join(tmpdir(), "vmscope-llvm-"));
  try {
    copyFileSync(join(here, "llvm-forms.ll"), join(dir, "llvm-forms.ll"));
    run("llc", ["-mtriple=riscv64-unknown-elf", "-mattr=+m,+a,+c", "-code-model=medium", "-filetype=obj", "-o", "llvm-forms.o", "llvm-forms.ll"], dir);
    run("riscv64-unknown-elf-ld", ["-Ttext=0x80000000", "-e", "_start", "-o", "llvm-forms.elf", "llvm-forms.o"], dir);
    const elfPath = join(dir, "llvm-forms.elf");
    // The forms this test is about are really there.
    const dump = run(toolchain.readelf, ["-W", "--debug-dump=info,rawline", elfPath]);
    for (const form of ["(strx1)", "(addrx)", "DW_AT_str_offsets_base", "DW_AT_addr_base", "(data16)"]) assert.ok(dump.includes(form), `${form} missing`);

    const info = readDebugInfo(new Uint8Array(readFileSync(elfPath)));
    assert.deepEqual(info.files(), ["/work/llvm/src/llvm.c"]);
    assert.deepEqual(
      info.functionsNamed("leaf").map((f) => f.low),
      [0x8000_0000n],
    );
    assert.equal(info.functionAt(0x8000_0016n)?.name, "_start");
    assert.ok(compareLineRows(elfPath, info) >= 4);
    assert.ok(compareWithAddr2line(elfPath, info, []).checked >= 8);
    assert.ok(compareFrameRows(elfPath, ".eh_frame") >= 2);
    const line = info.addressesForLine("llvm.c", 11);
    assert.ok(line && line.addresses.length === 1 && line.line === 11);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
