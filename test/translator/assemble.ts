/**
 * Assembles a bare M-mode test guest with the RISC-V toolchain (callers
 * check `assemblerTools` with needTool first): `_start` at 0x8000_0000,
 * no compressed instructions (a trap handler may step over a faulting
 * instruction with mepc + 4).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const assemblerTools = ["riscv64-unknown-elf-as", "riscv64-unknown-elf-ld"];

export function assemble(source: string): Uint8Array {
  const directory = mkdtempSync(join(tmpdir(), "vmscope-translator-"));
  try {
    const assembly = join(directory, "guest.S");
    const object = join(directory, "guest.o");
    const linked = join(directory, "guest.elf");
    writeFileSync(assembly, `.option norvc\n${source}\n`);
    execFileSync("riscv64-unknown-elf-as", ["-march=rv64imac_zicsr_zifencei", "-mabi=lp64", assembly, "-o", object], { stdio: "pipe" });
    execFileSync("riscv64-unknown-elf-ld", ["-N", "-Ttext=0x80000000", "--no-relax", "-e", "_start", object, "-o", linked], { stdio: "pipe" });
    return new Uint8Array(readFileSync(linked));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
