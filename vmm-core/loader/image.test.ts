import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { debianFirmware, needTool } from "../../test/support/reference";
import { LoadError } from "../machine/errors";
import { kernelLoadAddressWithBios, memoryMap } from "../machine/memory-map";
import { checkPlacement, loadImage, type LoadableImage } from "./image";

/** One-segment ELF64 RISC-V executable at `address` with `code` and `memorySize`. */
function elfAt(address: bigint, code: number[], memorySize: number): Uint8Array {
  const bytes = new Uint8Array(64 + 56 + code.length);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  view.setUint16(16, 2, true);
  view.setUint16(18, 243, true);
  view.setBigUint64(24, address + 4n, true);
  view.setBigUint64(32, 64n, true);
  view.setUint16(54, 56, true);
  view.setUint16(56, 1, true);
  view.setUint32(64, 1, true);
  view.setUint32(68, 7, true);
  view.setBigUint64(72, 120n, true);
  view.setBigUint64(80, 0xffff_ffff_8000_0000n, true); // a kernel's virtual address
  view.setBigUint64(88, address, true);
  view.setBigUint64(96, BigInt(code.length), true);
  view.setBigUint64(104, BigInt(memorySize), true);
  bytes.set(code, 120);
  return bytes;
}

const ram = { base: memoryMap.dram.base, size: 128n << 20n };

function rejects(images: LoadableImage[], pattern: RegExp): void {
  assert.throws(
    () => checkPlacement(images, ram),
    (error: unknown) => error instanceof LoadError && pattern.test(error.message),
  );
}

describe("loadImage", () => {
  test("an ELF loads at its physical addresses and starts at e_entry", () => {
    const image = loadImage(elfAt(0x8020_0000n, [1, 2, 3, 4], 0x2000), "kernel.elf", 0x8000_0000n);
    assert.equal(image.kind, "elf");
    assert.equal(image.fileName, "kernel.elf");
    assert.equal(image.entry, 0x8020_0004n);
    assert.equal(image.segments.length, 1);
    assert.equal(image.segments[0]!.address, 0x8020_0000n);
    assert.deepEqual(Array.from(image.segments[0]!.data), [1, 2, 3, 4]);
    assert.equal(image.segments[0]!.memorySize, 0x2000);
    assert.ok(image.elf);
  });

  test("anything else is a raw image at the raw load address", () => {
    const bytes = new Uint8Array([0x97, 0x02, 0x00, 0x00, 0x6f, 0x00, 0x00, 0x00]);
    const image = loadImage(bytes, "kernel.bin", kernelLoadAddressWithBios);
    assert.equal(image.kind, "raw");
    assert.equal(image.entry, kernelLoadAddressWithBios);
    assert.deepEqual(image.segments, [{ address: kernelLoadAddressWithBios, data: bytes, memorySize: 8 }]);
    assert.deepEqual(image.symbols, []);
    assert.equal(image.elf, undefined);
  });

  test("a file shorter than the magic is a raw image", () => {
    const image = loadImage(new Uint8Array([0x7f, 0x45]), "tiny.bin", 0x8000_0000n);
    assert.equal(image.kind, "raw");
    assert.equal(image.segments[0]!.memorySize, 2);
  });

  test("a broken ELF is an error, not a raw image", () => {
    const broken = elfAt(0x8000_0000n, [1, 2, 3, 4], 0x10).subarray(0, 100);
    assert.throws(() => loadImage(broken, "broken.elf", 0x8000_0000n), (e: unknown) => e instanceof LoadError && /^broken\.elf: truncated ELF file/.test(e.message));
  });

  test("an empty file is an error", () => {
    assert.throws(() => loadImage(new Uint8Array(0), "empty.bin", 0x8000_0000n), (e: unknown) => e instanceof LoadError && /^empty\.bin: the file is empty/.test(e.message));
  });

  test("Debian's fw_jump.elf loads at 0x80000000", (t) => {
    if (!needTool(t, debianFirmware.openSbiFwJump)) return;
    const image = loadImage(new Uint8Array(readFileSync(debianFirmware.openSbiFwJump)), "fw_jump.elf", 0n);
    assert.equal(image.kind, "elf");
    assert.equal(image.entry, 0x8000_0000n);
    assert.equal(image.segments[0]!.address, 0x8000_0000n);
    assert.ok(image.symbols.length > 0);
  });
});

describe("checkPlacement", () => {
  const firmware = loadImage(elfAt(0x8000_0000n, [1, 2, 3, 4], 0x4_0000), "fw.elf", 0n);
  const kernel = loadImage(new Uint8Array(0x1000).fill(0x13), "kernel.bin", kernelLoadAddressWithBios);

  test("firmware and kernel side by side fit", () => {
    checkPlacement([firmware, kernel], ram);
  });

  test("a segment that touches the last byte of RAM fits", () => {
    const last = loadImage(new Uint8Array(0x1000), "top.bin", ram.base + ram.size - 0x1000n);
    checkPlacement([last], ram);
  });

  test("a segment past the end of RAM names file, ranges and --memory", () => {
    const big = loadImage(elfAt(0x8000_0000n, [1], 0x900_0000), "big.elf", 0n);
    rejects([big], /^big\.elf: segment 0x80000000-0x88ffffff lies outside RAM 0x80000000-0x87ffffff; give the guest more memory with --memory \(at least --memory 144M\)$/);
  });

  test("a segment that straddles the end of RAM is refused", () => {
    const straddle = loadImage(new Uint8Array(0x2000), "edge.bin", ram.base + ram.size - 0x1000n);
    rejects([straddle], /^edge\.bin: segment 0x87fff000-0x88000fff lies outside RAM/);
  });

  test("a segment below RAM is refused with a link hint", () => {
    const low = loadImage(elfAt(0x1000n, [1, 2], 0x100), "low.elf", 0n);
    rejects([low], /^low\.elf: segment 0x1000-0x10ff lies outside RAM 0x80000000-0x87ffffff; link it at or above 0x80000000/);
  });

  test("overlapping images name both files and ranges", () => {
    const clash = loadImage(new Uint8Array(0x100), "kernel.bin", 0x8003_ff00n);
    rejects([firmware, clash], /^kernel\.bin: segment 0x8003ff00-0x8003ffff overlaps fw\.elf segment 0x80000000-0x8003ffff/);
  });

  test("the .bss of one image counts for overlap", () => {
    const inBss = loadImage(new Uint8Array(4), "k.bin", 0x8000_1000n);
    rejects([inBss, firmware], /overlaps fw\.elf segment 0x80000000-0x8003ffff/);
  });
});
