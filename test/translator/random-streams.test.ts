/**
 * Randomized differential test of the two engines: random guests (random
 * valid instruction streams, self-modifying stores with and without
 * FENCE.I, traps of every kind; test/translator/random-program.ts) run
 * under the interpreter and under the translator in the same random
 * budget slices; the architectural state must be identical after every
 * slice: registers, pc, CSRs, instret and cycles, traps taken, memory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Machine } from "../../vmm-core/machine/machine";
import type { Engine } from "../../vmm-core/hart/hart";
import { randomProgram, type Gene } from "./random-program";
import { engineState } from "./engine-state";

function machine(elf: Uint8Array, engine: Engine, output: string[]): Machine {
  const m = new Machine({
    memory: 8 * 1024 * 1024,
    kernel: elf,
    kernelName: "random.elf",
    engine,
    console: { write: (bytes) => output.push(Buffer.from(bytes).toString("latin1")) },
  });
  // Translate every block on first sight, so the random code runs translated from its first pass.
  if (engine === "translator") m.harts[0].translator!.hotThreshold = 1;
  return m;
}

/** Runs both engines slice by slice; returns the translator's counters for the caller to check coverage. */
function compareEngines(elf: Uint8Array, slices: readonly number[]): { regionsRun: number; codeDrops: number } {
  const outputs: [string[], string[]] = [[], []];
  const reference = machine(elf, "interpreter", outputs[0]);
  const translated = machine(elf, "translator", outputs[1]);
  for (const [n, slice] of slices.entries()) {
    const a = reference.run(slice);
    const b = translated.run(slice);
    assert.deepEqual(b, a, `slice ${n}: run result`);
    assert.deepEqual(engineState(translated), engineState(reference), `slice ${n} (${slice} instructions): state`);
    if (a.reason !== "budget") break;
  }
  assert.equal(outputs[1].join(""), outputs[0].join(""));
  return translated.harts[0].translator!.counters;
}

const gene: fc.Arbitrary<Gene> = fc.record({ kind: fc.nat(), bits: fc.integer(), extra: fc.nat() });

test("random instruction streams: the translator's state equals the interpreter's after every budget slice", () => {
  let regions = 0;
  let drops = 0;
  fc.assert(
    fc.property(
      fc.array(gene, { minLength: 1, maxLength: 120 }),
      fc.array(fc.integer(), { minLength: 1, maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 4, maxLength: 12 }),
      (genes, seeds, slices) => {
        const { elf } = randomProgram(genes, seeds, 6);
        const counters = compareEngines(elf, slices);
        regions += counters.regionsRun;
        drops += counters.codeDrops;
      },
    ),
    { numRuns: Number(process.env.VMSCOPE_RANDOM_RUNS ?? 150) },
  );
  // The comparison means something only if translated regions ran and self-modifying stores dropped code.
  assert.ok(regions > 1000, `calls into translated regions: ${regions}`);
  assert.ok(drops > 10, `code drops by self-modifying stores: ${drops}`);
});

test("self-modifying code only: every pass patches the instructions ahead of it", () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ kind: fc.constantFrom(0, 10, 22), bits: fc.integer(), extra: fc.nat() }), { minLength: 4, maxLength: 60 }),
      fc.array(fc.integer(), { minLength: 1, maxLength: 4 }),
      (genes, seeds) => {
        const { elf } = randomProgram(genes, seeds, 12);
        const counters = compareEngines(elf, [500, 1, 777, 5000, 20_000]);
        // (A draw of only computational genes has no patch to drop anything.)
        if (genes.some((gene) => gene.kind % 12 === 10)) assert.ok(counters.codeDrops > 0, "a patch dropped translated code");
      },
    ),
    { numRuns: 60 },
  );
});
