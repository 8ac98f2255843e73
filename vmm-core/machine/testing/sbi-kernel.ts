/**
 * A tiny S-mode kernel for tests, built in memory: it prints through SBI
 * (legacy console_putchar) and shuts down through SRST, so it runs the same
 * under OpenSBI on the bare machine and under vmscope's monitor.
 */
import { buildElf, code, rv } from "../../../test/support/elf-builder";

const a0 = 10;
const a1 = 11;
const a6 = 16;
const a7 = 17;
const t0 = 5;
const ecall = 0x0000_0073;
const csrrs = (rd: number, csr: number) => (csr << 20) | (2 << 12) | (rd << 7) | 0x73;
const srli = (rd: number, rs1: number, shamt: number) => (shamt << 20) | (rs1 << 15) | (5 << 12) | (rd << 7) | 0x13;
const timeCsr = 0xc01;

/** Where fw_jump enters the kernel (QEMU's convention, kernelLoadAddressWithBios). */
export const sbiKernelEntry = 0x8020_0000n;

/** SBI legacy console_putchar of one byte. */
const putchar = (byte: number) => [rv.addi(a0, 0, byte), rv.addi(a7, 0, 1), ecall];
/** SBI SRST system_reset(shutdown, no reason): power off with 0. */
const shutdown = [rv.lui(a7, 0x53525), rv.addi(a7, a7, 0x354), rv.addi(a6, 0, 0), rv.addi(a0, 0, 0), rv.addi(a1, 0, 0), ecall, rv.spin()];

/**
 * Prints `text` (one SBI call per byte) and shuts down (one more). With
 * `withClock`, it first prints a letter A..P from bits 19:16 of the time
 * CSR, which tells a machine that booted firmware first (millions of
 * instructions of guest time) from one that did not.
 */
export function sbiKernel(text: string, withClock = false): Uint8Array {
  const words: number[] = [];
  if (withClock) words.push(csrrs(t0, timeCsr), srli(t0, t0, 16), rv.andi(t0, t0, 15), rv.addi(a0, t0, 0x41), rv.addi(a7, 0, 1), ecall);
  for (const byte of new TextEncoder().encode(text)) words.push(...putchar(byte));
  words.push(...shutdown);
  return buildElf({ entry: sbiKernelEntry, segments: [{ address: sbiKernelEntry, data: code(words) }] });
}
