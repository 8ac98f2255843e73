/**
 * The SBI hart list parameter (SBI v2.0 "Binary Encoding", "Hart list
 * parameter"): bit i of hart_mask names hart hart_mask_base + i, and a base
 * of -1 means "every hart", whatever the mask says.
 */
import { allOnes64 } from "./sbi-extension";

/**
 * The hart ids the pair names, in ascending order, or undefined when a named
 * hart does not exist (the caller answers SBI_ERR_INVALID_PARAM). An empty
 * mask with an ordinary base names no hart, which is not an error (OpenSBI
 * agrees: it only fails when a set bit names an invalid hart).
 */
export function decodeHartMask(hartMask: bigint, hartMaskBase: bigint, hartCount: number): number[] | undefined {
  const mask = BigInt.asUintN(64, hartMask);
  const base = BigInt.asUintN(64, hartMaskBase);
  if (base === allOnes64) return Array.from({ length: hartCount }, (_, id) => id);
  const harts: number[] = [];
  for (let bit = 0n; bit < 64n; bit++) {
    if (((mask >> bit) & 1n) === 0n) continue;
    const id = base + bit;
    if (id >= BigInt(hartCount)) return undefined;
    harts.push(Number(id));
  }
  return harts;
}

/** "harts 0,2" / "no hart" for the exit log. */
export function describeHarts(harts: readonly number[]): string {
  if (harts.length === 0) return "no hart";
  return `${harts.length === 1 ? "hart" : "harts"} ${harts.join(",")}`;
}
