/**
 * The ELF loader under damaged files: random byte flips, overwritten header
 * fields and truncations of the real sample ELFs. Every outcome is either a
 * loaded image or a LoadError/UserInputError with a message; nothing else
 * may escape (RangeError from a DataView, TypeError, out-of-memory), and
 * nothing may take long (a hostile count or size must not make it loop).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { loadImage, checkPlacement } from "../../../vmm-core/loader/image";
import { UserInputError } from "../../../vmm-core/machine/errors";
import { memoryMap } from "../../../vmm-core/machine/memory-map";
import { tally } from "../tally";

const root = join(import.meta.dirname, "..", "..", "..");
const samples = ["hello", "sbi-hello", "paging", "minikernel", "devices"].map((name) => ({
  name,
  bytes: new Uint8Array(readFileSync(join(root, "samples", name, `${name}.elf`))),
}));
const runsPerSample = 300;
/** One load of a damaged file must stay far below this (the intact ones take a few milliseconds). */
const slowMs = 2000;

/** Offsets of the fields a mutation hurts most: the ELF header, then the program and section header tables. */
function headerOffsets(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = Number(view.getBigUint64(32, true));
  const shoff = Number(view.getBigUint64(40, true));
  const offsets: number[] = [];
  for (let i = 0; i < 64; i++) offsets.push(i);
  for (let i = 0; i < 56 * 4 && phoff + i < bytes.length; i++) offsets.push(phoff + i);
  for (let i = 0; i < 64 * 8 && shoff + i < bytes.length; i++) offsets.push(shoff + i);
  return offsets;
}

type Mutation =
  | { kind: "flip"; at: number; value: number }
  | { kind: "header"; pick: number; width: 1 | 2 | 4 | 8; value: bigint }
  | { kind: "truncate"; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant("header" as const),
    pick: fc.nat(),
    width: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    value: fc.oneof(fc.constantFrom(0n, 1n, 0xffffn, 0xffff_ffffn, (1n << 63n) - 1n, (1n << 64n) - 1n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
  }),
  fc.record({ kind: fc.constant("truncate" as const), length: fc.nat() }),
);

function apply(original: Uint8Array, offsets: number[], mutations: Mutation[]): Uint8Array {
  let bytes = original.slice();
  for (const m of mutations) {
    if (m.kind === "flip") {
      bytes[m.at % bytes.length] = m.value;
    } else if (m.kind === "header") {
      const at = offsets[m.pick % offsets.length];
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < m.width && at + i < bytes.length; i++) view.setUint8(at + i, Number((m.value >> BigInt(8 * i)) & 0xffn));
    } else {
      bytes = bytes.slice(0, m.length % (bytes.length + 1));
    }
  }
  return bytes;
}

describe("ELF loader under damaged files", () => {
  for (const sample of samples) {
    test(`${sample.name}.elf: ${runsPerSample} mutations load or fail with a LoadError`, (t) => {
      const offsets = headerOffsets(sample.bytes);
      let loaded = 0;
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
          const bytes = apply(sample.bytes, offsets, mutations);
          const started = performance.now();
          try {
            const image = loadImage(bytes, `${sample.name}.elf`, memoryMap.dram.base);
            checkPlacement([image], { base: memoryMap.dram.base, size: 128n * 1024n * 1024n });
            loaded++;
          } catch (error) {
            assert.ok(error instanceof UserInputError, `${(error as Error)?.name}: ${(error as Error)?.message} — not a LoadError/UserInputError`);
            assert.ok(error.message.startsWith(`${sample.name}.elf`) || error.message.length > 10, `an unhelpful message: ${error.message}`);
            assert.doesNotMatch(error.message, /undefined|NaN|\[object/, `a message with a programming artefact: ${error.message}`);
          }
          const took = performance.now() - started;
          assert.ok(took < slowMs, `a damaged file took ${Math.round(took)} ms to load`);
        }),
        { numRuns: runsPerSample, seed: 0xe1f + sample.name.length },
      );
      t.diagnostic(`${loaded} of ${runsPerSample} damaged files still loaded`);
      tally.malformedInputs += runsPerSample;
    });
  }
});
