import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { debianFirmware, needTool } from "../../test/support/reference";
import { LoadError } from "../machine/errors";
import { isElf, parseElf, type ElfImage, type ElfSymbol } from "./elf";
import { READELF, readelf, type ReadelfReport, type ReadelfSymbol } from "./readelf-reference";

const GCC = "riscv64-unknown-elf-gcc";
const OBJCOPY = "riscv64-unknown-elf-objcopy";

const readelfTypes: Record<string, ElfSymbol["type"]> = {
  NOTYPE: "notype",
  OBJECT: "object",
  FUNC: "func",
  SECTION: "section",
  FILE: "file",
};
const readelfBinds: Record<string, ElfSymbol["bind"]> = { LOCAL: "local", GLOBAL: "global", WEAK: "weak" };
const readelfNdx: Record<string, number> = { UND: 0, ABS: 0xfff1, COM: 0xfff2 };

function flagLetters(flags: number): string {
  return `${flags & 4 ? "R" : " "}${flags & 2 ? "W" : " "}${flags & 1 ? "E" : " "}`;
}

function expectSymbol(actual: ElfSymbol, expected: ReadelfSymbol): void {
  // readelf shows section symbols by their section's name; st_name is empty.
  if (expected.type !== "SECTION") assert.equal(actual.name, expected.name);
  assert.equal(actual.value, expected.value, actual.name);
  assert.equal(actual.size, expected.size, actual.name);
  assert.equal(actual.type, readelfTypes[expected.type] ?? "other", actual.name);
  assert.equal(actual.bind, readelfBinds[expected.bind] ?? "other", actual.name);
  assert.equal(actual.sectionIndex, readelfNdx[expected.ndx] ?? Number(expected.ndx), actual.name);
}

/** Checks entry, PT_LOAD segments and every symbol against readelf. */
function compareWithReadelf(elf: ElfImage, bytes: Uint8Array, reference: ReadelfReport): void {
  assert.equal(elf.entry, reference.entry);
  assert.equal(elf.fileType, reference.type === "EXEC" ? "exec" : "dyn");
  const loads = reference.segments.filter((s) => s.type === "LOAD");
  assert.ok(loads.length > 0);
  assert.equal(elf.segments.length, loads.length);
  elf.segments.forEach((segment, i) => {
    const ref = loads[i]!;
    assert.equal(segment.physicalAddress, ref.physicalAddress);
    assert.equal(segment.virtualAddress, ref.virtualAddress);
    assert.equal(BigInt(segment.data.length), ref.fileSize);
    assert.equal(BigInt(segment.memorySize), ref.memorySize);
    assert.equal(flagLetters(segment.flags), ref.flags);
    const offset = Number(ref.offset);
    assert.deepEqual(segment.data, bytes.subarray(offset, offset + Number(ref.fileSize)));
  });
  const table = reference.symbolTables.get(".symtab") ?? reference.symbolTables.get(".dynsym") ?? [];
  assert.equal(elf.symbols.length, Math.max(0, table.length - 1), "symbol count (without the null entry)");
  elf.symbols.forEach((symbol, i) => expectSymbol(symbol, table[i + 1]!));
}

/** Bytes at a guest address, read through the PT_LOAD segments (zero past p_filesz). */
function readGuest(elf: ElfImage, address: bigint, length: number): Uint8Array {
  const segment = elf.segments.find((s) => address >= s.physicalAddress && address + BigInt(length) <= s.physicalAddress + BigInt(s.memorySize));
  assert.ok(segment, `no segment holds 0x${address.toString(16)}`);
  const out = new Uint8Array(length);
  const start = Number(address - segment.physicalAddress);
  out.set(segment.data.subarray(start, Math.min(start + length, segment.data.length)));
  return out;
}

describe("parseElf on real files", () => {
  test("a program built with riscv64-unknown-elf-gcc matches readelf", (t) => {
    if (!needTool(t, GCC, READELF)) return;
    const dir = mkdtempSync(join(tmpdir(), "vmscope-elf-"));
    try {
      const source = join(dir, "guest.c");
      const program = join(dir, "guest.elf");
      writeFileSync(
        source,
        [
          'const char greeting[] = "hello from vmscope";',
          "long counter = 42;",
          "static volatile char scratch[4096];",
          "static long bump(long x) { return x + counter; }",
          "void _start(void) { scratch[0] = (char)bump(1); for (;;) counter++; }",
        ].join("\n"),
      );
      execFileSync(GCC, ["-march=rv64imac_zicsr_zifencei", "-mabi=lp64", "-mcmodel=medany", "-O1", "-nostdlib", "-static", "-Wl,-Ttext=0x80000000", "-o", program, source]);
      const bytes = new Uint8Array(readFileSync(program));
      const elf = parseElf(bytes, "guest.elf");
      compareWithReadelf(elf, bytes, readelf(program));

      const start = elf.findSymbol("_start");
      assert.equal(start?.type, "func");
      assert.equal(start?.bind, "global");
      assert.equal(elf.entry, start?.value, "entry is _start");
      const greeting = elf.findSymbol("greeting");
      assert.equal(greeting?.type, "object");
      assert.equal(greeting?.size, "hello from vmscope".length + 1);
      const text = new TextDecoder().decode(readGuest(elf, greeting!.value, greeting!.size));
      assert.equal(text, "hello from vmscope\0");
      const counter = elf.findSymbol("counter")!;
      assert.equal(new DataView(readGuest(elf, counter.value, 8).buffer).getBigInt64(0, true), 42n);
      const scratch = elf.findSymbol("scratch");
      assert.equal(scratch?.bind, "local");
      assert.equal(scratch?.size, 4096);
      assert.ok(elf.sections.some((s) => s.name === ".text" && s.address === 0x8000_0000n));
      assert.ok(elf.sections.some((s) => s.name === ".bss"));
      assert.equal(elf.findSymbol("no_such_symbol"), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const firmware = [
    { path: debianFirmware.openSbiFwJump, symbol: "sbi_tlb_local_fence_i" },
    { path: debianFirmware.uBootSmode, symbol: "version_string" },
    { path: debianFirmware.uBootMmode, symbol: "version_string" },
  ];
  for (const { path, symbol } of firmware) {
    test(`${path} matches readelf and objcopy`, (t) => {
      if (!needTool(t, path, READELF, OBJCOPY)) return;
      const bytes = new Uint8Array(readFileSync(path));
      const elf = parseElf(bytes, path);
      const reference = readelf(path);
      compareWithReadelf(elf, bytes, reference);
      // Stripped firmware: only the dynamic symbols remain.
      assert.ok(!reference.symbolTables.has(".symtab"));
      const known = reference.symbolTables.get(".dynsym")!.find((s) => s.name === symbol)!;
      expectSymbol(elf.findSymbol(symbol)!, known);

      // objcopy -O binary writes the loadable bytes from the lowest address.
      const dir = mkdtempSync(join(tmpdir(), "vmscope-objcopy-"));
      try {
        execFileSync(OBJCOPY, ["-O", "binary", path, join(dir, "image.bin")]);
        const flat = new Uint8Array(readFileSync(join(dir, "image.bin")));
        assert.equal(elf.segments.length, 1);
        assert.deepEqual(elf.segments[0]!.data, flat);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      if (symbol === "version_string") {
        const version = new TextDecoder().decode(readGuest(elf, known.value, known.size));
        assert.match(version, /^U-Boot 20\d\d/);
      }
    });
  }
});

/** A minimal valid ELF64 RISC-V executable: header, one PT_LOAD, 8 bytes of code. */
function syntheticElf(): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(64 + 56 + 8);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 243, true); // EM_RISCV
  view.setUint32(20, 1, true);
  view.setBigUint64(24, 0x8000_0000n, true); // e_entry
  view.setBigUint64(32, 64n, true); // e_phoff
  view.setUint16(52, 64, true);
  view.setUint16(54, 56, true);
  view.setUint16(56, 1, true); // e_phnum
  view.setUint32(64, 1, true); // PT_LOAD
  view.setUint32(68, 5, true); // R X
  view.setBigUint64(72, 120n, true); // p_offset
  view.setBigUint64(80, 0x8000_0000n, true);
  view.setBigUint64(88, 0x8000_0000n, true);
  view.setBigUint64(96, 8n, true); // p_filesz
  view.setBigUint64(104, 0x1000n, true); // p_memsz
  bytes.set([0x13, 0, 0, 0, 0x6f, 0, 0, 0], 120); // nop; j .
  return { bytes, view };
}

function refusal(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => parseElf(bytes, "bad.elf"),
    (error: unknown) => {
      assert.ok(error instanceof LoadError, `LoadError expected, got ${String(error)}`);
      assert.match(error.message, /^bad\.elf: /);
      assert.doesNotMatch(error.message, /\n/);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe("parseElf refusals", () => {
  test("the synthetic file itself is accepted", () => {
    const { bytes } = syntheticElf();
    assert.ok(isElf(bytes));
    const elf = parseElf(bytes, "ok.elf");
    assert.equal(elf.entry, 0x8000_0000n);
    assert.equal(elf.segments.length, 1);
    assert.deepEqual(Array.from(elf.segments[0]!.data), [0x13, 0, 0, 0, 0x6f, 0, 0, 0]);
    assert.equal(elf.segments[0]!.memorySize, 0x1000);
    assert.deepEqual(elf.sections, []);
    assert.deepEqual(elf.symbols, []);
  });

  test("ET_DYN is accepted", () => {
    const { bytes, view } = syntheticElf();
    view.setUint16(16, 3, true);
    assert.equal(parseElf(bytes, "pie.elf").fileType, "dyn");
  });

  test("empty file", () => refusal(new Uint8Array(0), /empty/));

  test("bad magic", () => {
    const bytes = new TextEncoder().encode("#!/bin/sh\necho hi\n");
    assert.equal(isElf(bytes), false);
    refusal(bytes, /not an ELF file \(starts with 23 21 2f 62, expected 7f 45 4c 46\)/);
  });

  test("ELF32", () => {
    const { bytes } = syntheticElf();
    bytes[4] = 1;
    refusal(bytes, /32-bit ELF: vmscope runs RV64 guests; build with -march=rv64/);
  });

  test("big-endian", () => {
    const { bytes } = syntheticElf();
    bytes[5] = 2;
    refusal(bytes, /big-endian/);
  });

  test("x86-64 machine", () => {
    const { bytes, view } = syntheticElf();
    view.setUint16(18, 62, true);
    refusal(bytes, /built for x86-64, not RISC-V \(e_machine 62, expected 243\)/);
  });

  test("unknown machine number", () => {
    const { bytes, view } = syntheticElf();
    view.setUint16(18, 9999, true);
    refusal(bytes, /unknown machine 9999, not RISC-V/);
  });

  test("relocatable object", () => {
    const { bytes, view } = syntheticElf();
    view.setUint16(16, 1, true);
    refusal(bytes, /relocatable object \(\.o\), not an executable; link it/);
  });

  test("core dump", () => {
    const { bytes, view } = syntheticElf();
    view.setUint16(16, 4, true);
    refusal(bytes, /core dump, not an executable/);
  });

  test("truncated header", () => {
    refusal(syntheticElf().bytes.subarray(0, 40), /truncated ELF file \(40 bytes, shorter than the 64-byte ELF header\)/);
  });

  test("program header table beyond the end", () => {
    const { bytes, view } = syntheticElf();
    view.setUint16(56, 3, true);
    refusal(bytes, /truncated ELF file: program header table at offset 0x40 \(168 bytes\) runs past the end of the file \(128 bytes\)/);
  });

  test("segment data beyond the end", () => {
    const { bytes, view } = syntheticElf();
    view.setBigUint64(96, 0x100n, true);
    refusal(bytes, /truncated ELF file: segment 0 data at offset 0x78 \(256 bytes\) runs past the end/);
  });

  test("p_filesz > p_memsz", () => {
    const { bytes, view } = syntheticElf();
    view.setBigUint64(104, 4n, true);
    refusal(bytes, /segment 0 has p_filesz 0x8 larger than p_memsz 0x4/);
  });

  test("no PT_LOAD segment", () => {
    const { bytes, view } = syntheticElf();
    view.setUint32(64, 4, true); // PT_NOTE
    refusal(bytes, /no loadable \(PT_LOAD\) segments/);
  });

  test("no program headers at all", () => {
    const { bytes, view } = syntheticElf();
    view.setUint16(56, 0, true);
    refusal(bytes, /no program headers/);
  });

  test("section header table beyond the end", () => {
    const { bytes, view } = syntheticElf();
    view.setBigUint64(40, 0x1000n, true); // e_shoff
    view.setUint16(58, 64, true);
    view.setUint16(60, 4, true);
    refusal(bytes, /truncated ELF file: section header 0 at offset 0x1000/);
  });
});
