/** Integer register names from the RISC-V psABI, indexed by register number. */
export const abiRegisterNames: readonly string[] = [
  "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
  "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
  "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
  "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
];

/** A 64-bit register value as the Variables view shows it: 0x and 16 hex digits. */
export function formatRegister(value: bigint): string {
  return "0x" + BigInt.asUintN(64, value).toString(16).padStart(16, "0");
}
