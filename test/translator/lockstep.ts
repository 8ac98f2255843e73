/**
 * Lockstep runs of a small assembled M-mode guest on both engines: the
 * same irregular budget slices (many ending mid-block or mid-loop), the
 * whole architectural state compared after each. The guests share a
 * prologue (a trap handler that counts exceptions in s11 and timer
 * interrupts in s10) and an epilogue (power-off, and a data page).
 */
import assert from "node:assert/strict";
import { Machine } from "../../vmm-core/machine/machine";
import type { Engine } from "../../vmm-core/hart/hart";
import { engineState } from "./engine-state";
import { assemble } from "./assemble";

/** mtvec handler: counts exceptions in s11 and steps over the instruction; counts timer interrupts in s10 and re-arms the timer. */
const handler = `
.align 4
handler:
  csrr t5, mcause
  bltz t5, interrupt
  addi s11, s11, 1
  csrr t5, mepc
  addi t5, t5, 4
  csrw mepc, t5
  mret
interrupt:
  addi s10, s10, 1
  li t5, 0x2004000
  ld t6, 0(t5)
  addi t6, t6, 37
  sd t6, 0(t5)
  mret
`;

export const prologue = `
.globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  li s11, 0
  li s10, 0
  la s3, data
`;

export const epilogue = `
finish:
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
1: j 1b
${handler}
.data
# A page of its own: stores into a code page drop its translations.
.align 12
data: .zero 1024
`;

/** Deterministic irregular slices: many short ones (budgets ending inside loop passes), some long. */
function* slices(seed: number): Generator<number> {
  for (;;) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    yield 1 + (seed % (seed & 1 ? 5000 : 61));
  }
}

function machine(elf: Uint8Array, engine: Engine, hotThreshold: number): Machine {
  const m = new Machine({ memory: 8 * 1024 * 1024, kernel: elf, kernelName: "loop.elf", engine, console: { write: () => {} } });
  if (engine === "translator") m.harts[0].translator!.hotThreshold = hotThreshold;
  return m;
}

/** Runs both engines slice by slice to power-off; returns the translated machine (entries compiled once reached `hotThreshold` times). */
export function compareEngines(source: string, seed: number, hotThreshold = 2): Machine {
  const elf = assemble(source);
  const reference = machine(elf, "interpreter", hotThreshold);
  const translated = machine(elf, "translator", hotThreshold);
  let compared = 0;
  for (const slice of slices(seed)) {
    const a = reference.run(slice);
    const b = translated.run(slice);
    assert.deepEqual(b, a, `after ${compared} instructions: run result`);
    compared += a.instructions;
    assert.deepEqual(engineState(translated), engineState(reference), `state after ${compared} instructions`);
    if (a.reason !== "budget") break;
    assert.ok(compared < 5_000_000, "the guest powers off");
  }
  assert.equal(translated.power.state, "off");
  return translated;
}

export const register = (m: Machine, n: number): bigint => m.harts[0].x[n];

