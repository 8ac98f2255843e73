/**
 * Builds the small C program the DWARF tests read, with the real RISC-V
 * toolchain, in every variant that changes what the debug sections hold:
 * -O0/-O2, DWARF 4/5, .eh_frame (asynchronous unwind tables) or
 * .debug_frame. Two units, a header in an include directory with an
 * always-inline function, a recursion and a call chain to unwind.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const toolchain = {
  gcc: "riscv64-unknown-elf-gcc",
  objdump: "riscv64-unknown-elf-objdump",
  readelf: "riscv64-unknown-elf-readelf",
  addr2line: "riscv64-unknown-elf-addr2line",
} as const;

const header = `#ifndef UTIL_H
#define UTIL_H
extern volatile long sink;
static inline __attribute__((always_inline)) long twice(long v)
{
	sink = v;
	return v * 2;
}
long middle(long depth, long x);
long checked(long v);
#endif
`;

const util = `#include "util.h"

__attribute__((noipa)) long leaf(long x)
{
	sink = x; /* LEAF BODY */
	return x * 3 + sink;
}

__attribute__((noipa)) long middle(long depth, long x)
{
	long r;
	/* NO CODE */
	if (depth > 0)
		r = middle(depth - 1, x + 1);
	else
		r = leaf(x);
	return twice(r) + 1;
}

__attribute__((cold, noinline)) void report(long v)
{
	sink = v;
}

/* At -O2 (-freorder-blocks-and-partition) the unlikely path becomes checked.cold: a subprogram with DW_AT_ranges. */
__attribute__((noipa)) long checked(long v)
{
	if (__builtin_expect(v > 1000, 0)) {
		report(v);
		sink = v * 7;
		return -1;
	}
	return v + 1;
}
`;

const main = `#include "util.h"

volatile long sink;
long stack[1024] __attribute__((aligned(16), used));

/* Bare entry: a stack, no frame (s0 = ra = 0 ends every unwind), then main. */
__asm__(".section .text.start, \\"ax\\"\\n"
	".globl _start\\n"
	"_start:\\n"
	"	la sp, stack + 8192\\n"
	"	li s0, 0\\n"
	"	li ra, 0\\n"
	"	call main\\n"
	"1:	wfi\\n"
	"	j 1b\\n");

__attribute__((noipa)) long outer(long x)
{
	long total = 0;

	for (int i = 0; i < 2; i++)
		total += middle(2, x + i);
	return twice(checked(total)) - 1;
}

int main(void)
{
	sink = outer(5);
	for (;;)
		;
}
`;

const linkerScript = `OUTPUT_ARCH(riscv)
ENTRY(_start)
SECTIONS
{
	. = 0x80000000;
	.text : { KEEP(*(.text.start)) *(.text .text.*) }
	.rodata : { *(.rodata .rodata.* .srodata .srodata.*) }
	.eh_frame : { KEEP(*(.eh_frame)) }
	.data : { *(.data .data.* .sdata .sdata.*) }
	.bss : { *(.sbss .sbss.* .bss .bss.* COMMON) }
}
`;

export interface Variant {
  optimization: "-O0" | "-O2";
  dwarf: 4 | 5;
  /** true: .eh_frame (-fasynchronous-unwind-tables); false: .debug_frame only. */
  ehFrame: boolean;
}

export const variants: Variant[] = (["-O0", "-O2"] as const).flatMap((optimization) =>
  ([4, 5] as const).flatMap((dwarf) => [true, false].map((ehFrame) => ({ optimization, dwarf, ehFrame }))),
);

export function variantName(v: Variant): string {
  return `${v.optimization} DWARF ${v.dwarf} ${v.ehFrame ? ".eh_frame" : ".debug_frame"}`;
}

export interface BuiltProgram {
  dir: string;
  elf: string;
  bytes: Uint8Array;
  /** Source line of a marker comment in src/util.c. */
  markerLine(marker: string): number;
  remove(): void;
}

/** Compiles and links the program; `extra` adds flags (e.g. -g0). */
export function buildProgram(variant: Variant, extra: string[] = []): BuiltProgram {
  const dir = mkdtempSync(join(tmpdir(), "vmscope-dwarf-"));
  mkdirSync(join(dir, "src", "include"), { recursive: true });
  writeFileSync(join(dir, "src", "include", "util.h"), header);
  writeFileSync(join(dir, "src", "util.c"), util);
  writeFileSync(join(dir, "src", "main.c"), main);
  writeFileSync(join(dir, "link.ld"), linkerScript);
  const flags = [
    "-g",
    `-gdwarf-${variant.dwarf}`,
    variant.optimization,
    variant.ehFrame ? "-fasynchronous-unwind-tables" : "-fno-asynchronous-unwind-tables",
    // -O0 keeps a frame-pointer chain; -O2 drops it, so only CFI can unwind.
    variant.optimization === "-O0" ? "-fno-omit-frame-pointer" : "-fomit-frame-pointer",
    ...(variant.optimization === "-O2" ? ["-freorder-blocks-and-partition"] : []),
    "-march=rv64imac_zicsr",
    "-mabi=lp64",
    "-mcmodel=medany",
    "-nostdlib",
    "-ffreestanding",
    "-Isrc/include",
    ...extra,
  ];
  for (const unit of ["main", "util"]) run(toolchain.gcc, [...flags, "-c", "-o", `${unit}.o`, `src/${unit}.c`], dir);
  run(toolchain.gcc, [...flags, "-T", "link.ld", "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments", "-o", "program.elf", "main.o", "util.o"], dir);
  const elf = join(dir, "program.elf");
  return {
    dir,
    elf,
    bytes: new Uint8Array(readFileSync(elf)),
    markerLine: (marker) => util.split("\n").findIndex((l) => l.includes(marker)) + 1,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a tool; a failure throws with the tool's own error output. */
const built = new Map<string, BuiltProgram>();

/** One build per variant for a whole test file; call removeSharedPrograms() in after(). */
export function sharedProgram(variant: Variant): BuiltProgram {
  const key = variantName(variant);
  let program = built.get(key);
  if (!program) {
    program = buildProgram(variant);
    built.set(key, program);
  }
  return program;
}

export function removeSharedPrograms(): void {
  for (const program of built.values()) program.remove();
  built.clear();
}

export function run(tool: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(tool, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`${tool} ${args.join(" ")} failed:\n${stderr}`);
  }
}
