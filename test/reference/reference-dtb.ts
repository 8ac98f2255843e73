/**
 * The device tree both machines boot with in a lockstep run: QEMU's own
 * (dumped with `-machine virt,dumpdtb=FILE`, same -cpu and memory), with its
 * random parts taken out. QEMU 7.2 writes a fresh /chosen/rng-seed on every
 * reset (qemu_fdt_randomize_seeds), and firmware copies device tree bytes
 * through registers, so a random property would show up as a register
 * difference. Removing it (rather than editing values) also stops QEMU from
 * re-randomising it when the blob comes back through `-dtb`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { qemuArgs, qemuBinary, type QemuMachineOptions } from "./qemu";

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;

/** Properties whose value QEMU draws at random. */
export const randomProperties = ["rng-seed", "kaslr-seed"];

/**
 * Replace every property named in `names` with FDT_NOP tokens, in place
 * (the blob keeps its size and layout). Returns how many were removed.
 */
export function nopProperties(blob: Uint8Array, names: readonly string[]): number {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (view.getUint32(0) !== FDT_MAGIC) throw new Error("not a flattened device tree (bad magic)");
  const structOffset = view.getUint32(8);
  const stringsOffset = view.getUint32(12);
  const structSize = view.getUint32(36);
  const decoder = new TextDecoder();
  const stringAt = (offset: number): string => {
    let end = offset;
    while (blob[end] !== 0) end++;
    return decoder.decode(blob.subarray(offset, end));
  };
  let removed = 0;
  let p = structOffset;
  const end = structOffset + structSize;
  while (p < end) {
    const token = view.getUint32(p);
    if (token === FDT_BEGIN_NODE) {
      let q = p + 4;
      while (blob[q] !== 0) q++;
      p = (q + 1 + 3) & ~3;
    } else if (token === FDT_PROP) {
      const length = view.getUint32(p + 4);
      const name = stringAt(stringsOffset + view.getUint32(p + 8));
      const next = (p + 12 + length + 3) & ~3;
      if (names.includes(name)) {
        for (let q = p; q < next; q += 4) view.setUint32(q, FDT_NOP);
        removed++;
      }
      p = next;
    } else if (token === FDT_END_NODE || token === FDT_NOP) {
      p += 4;
    } else if (token === FDT_END) {
      break;
    } else {
      throw new Error(`bad device tree token ${token} at offset ${p}`);
    }
  }
  return removed;
}

/**
 * QEMU's device tree for `options` (bios, kernel, memory, -cpu as qemu.ts
 * sets them), dumped and made deterministic.
 */
export function referenceDeviceTree(options: QemuMachineOptions): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "vmscope-dtb-"));
  try {
    const file = join(dir, "virt.dtb");
    const args = qemuArgs(options).map((a) => (a === "virt" ? `virt,dumpdtb=${file}` : a));
    execFileSync(qemuBinary, args, { stdio: "ignore", timeout: 20_000 });
    const contents = readFileSync(file);
    // QEMU writes its whole buffer; the blob proper is totalsize bytes, and
    // QEMU places a -dtb file by its file size, so pass only the blob.
    const blob = new Uint8Array(contents.subarray(0, contents.readUInt32BE(4)));
    nopProperties(blob, randomProperties);
    return blob;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
