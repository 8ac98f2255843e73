import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { ResetRom, dynamicInfoOffset } from "./reset-rom";
import { needTool } from "../../test/support/reference";

// Register numbers from the RISC-V ABI.
const t0 = 5, a0 = 10, a1 = 11, a2 = 12, zero = 0;
const MHARTID = 0xf14;

// Independent encoders (RISC-V unprivileged spec, chapter 2 base formats).
const uType = (imm20: number, rd: number, opcode: number) => ((imm20 << 12) | (rd << 7) | opcode) >>> 0;
const iType = (imm12: number, rs1: number, funct3: number, rd: number, opcode: number) =>
  (((imm12 & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;

const expected = [
  uType(0, t0, 0x17), // auipc t0, 0
  iType(40, t0, 0, a2, 0x13), // addi a2, t0, 40 (= &fw_dynamic_info)
  iType(MHARTID, zero, 2, a0, 0x73), // csrrs a0, mhartid, zero
  iType(32, t0, 3, a1, 0x03), // ld a1, 32(t0)
  iType(24, t0, 3, t0, 0x03), // ld t0, 24(t0)
  iType(0, t0, 0, zero, 0x67), // jalr zero, 0(t0)
];

test("reset vector instructions encode as the spec says", () => {
  const rom = new ResetRom(0x8000_0000n, 0x87e0_0000n, { nextAddress: 0x8020_0000n, nextMode: 1 });
  expected.forEach((word, i) => assert.equal(rom.word(4 * i), word, `word ${i}`));
  // The loads read the two .dwords after the vector; addi points at fw_dynamic_info.
  assert.equal(rom.read(24, 8), 0x8000_0000n);
  assert.equal(rom.read(32, 8), 0x87e0_0000n);
  assert.equal(dynamicInfoOffset, 40);
});

test("fw_dynamic_info follows at 0x1028 and the ROM ignores writes", () => {
  const rom = new ResetRom(0x8000_0000n, 0x8220_0000n, { nextAddress: 0x8020_0000n, nextMode: 1 });
  const info = [0x4942534fn, 2n, 0x8020_0000n, 1n, 0n, 0n];
  info.forEach((v, i) => assert.equal(rom.read(0x28 + 8 * i, 8), v));
  rom.write(0, 4, 0n);
  assert.equal(rom.read(0, 4), 0x297n);
  assert.equal(rom.read(0x28, 1), 0x4fn);
  assert.equal(rom.read(0x28, 2), 0x534fn);
  assert.equal(rom.read(0xeffc, 8), 0n, "accesses past the end read 0");
  assert.equal(rom.registerName(0x38, false), "fw_dynamic_info.next_addr");
});

test("ROM words equal QEMU 7.2's mask ROM (qemu-system-riscv64 -M virt)", (t) => {
  if (!needTool(t, "qemu-system-riscv64")) return;
  // QEMU with -bios none and no kernel: start 0x80000000, FDT at the top of
  // the default 128 MiB minus 2 MiB aligned (0x87e00000), next_addr 0, S-mode.
  const out = execFileSync(
    "sh",
    ["-c", "(sleep 1; echo 'xp /22wx 0x1000'; sleep 1; echo quit) | qemu-system-riscv64 -M virt -m 128M -display none -bios none -monitor stdio -serial null -S"],
    { encoding: "latin1", timeout: 20_000 },
  );
  const words: number[] = [];
  for (const m of out.matchAll(/^0{8}0000(1[0-9a-f]{3}):((?: 0x[0-9a-f]{8})+)/gm)) {
    for (const w of m[2].trim().split(/\s+/)) words.push(parseInt(w, 16));
  }
  assert.equal(words.length, 22, `parsed QEMU monitor output:\n${out}`);
  const rom = new ResetRom(0x8000_0000n, 0x87e0_0000n, { nextAddress: 0n, nextMode: 1 });
  words.forEach((w, i) => assert.equal(rom.word(4 * i), w, `word at 0x${(0x1000 + 4 * i).toString(16)}`));
});
