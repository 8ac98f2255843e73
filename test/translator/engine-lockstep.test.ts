/**
 * The translator against the interpreter on real guests: Debian's OpenSBI
 * + U-Boot booting, and the samples under the monitor (trap-and-emulate
 * with shadow page tables, hardware-assisted with the H extension). Both
 * machines run the same budget slices (of irregular lengths, so slices end
 * mid-block) and must agree on the whole architectural state after each:
 * registers, CSRs, instret and cycles (so guest time, timer interrupts and
 * device polling), traps, memory, console output and the exit statistics.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Machine, type MachineOptions } from "../../vmm-core/machine/machine";
import type { Engine } from "../../vmm-core/hart/hart";
import { needTool, debianFirmware } from "../support/reference";
import { engineState } from "./engine-state";

const root = join(__dirname, "..", "..");
const file = (path: string) => new Uint8Array(readFileSync(path));

interface Scenario {
  name: string;
  tools: string[];
  options: () => Partial<MachineOptions>;
  instructions: number;
  /** Console text the run must reach, so the comparison covered the interesting part. */
  reaches: string;
}

const scenarios: Scenario[] = [
  {
    name: "OpenSBI + U-Boot (S-mode) boot",
    tools: [debianFirmware.openSbiFwJump, debianFirmware.uBootSmode],
    options: () => ({ bios: file(debianFirmware.openSbiFwJump), biosName: "fw_jump.elf", kernel: file(debianFirmware.uBootSmode), kernelName: "uboot.elf" }),
    instructions: Number(process.env.VMSCOPE_ENGINE_LOCKSTEP ?? 30_000_000),
    reaches: "DRAM:",
  },
  ...(["trap-and-emulate", "hardware-assisted"] as const).flatMap((mode) =>
    ["privileged", "paging"].map((sample) => ({
      name: `samples/${sample} under --mode ${mode}`,
      tools: [],
      options: (): Partial<MachineOptions> => ({ mode, kernel: file(join(root, "samples", sample, `${sample}.elf`)), kernelName: `${sample}.elf` }),
      instructions: 20_000_000,
      reaches: "",
    })),
  ),
];

/** Deterministic irregular slice lengths (1 … ~300k), so slices end anywhere inside blocks. */
function* slices(total: number): Generator<number> {
  let seed = 12345;
  let done = 0;
  while (done < total) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const slice = Math.min(total - done, 1 + (seed % (seed & 1 ? 300_000 : 97)));
    done += slice;
    yield slice;
  }
}

for (const scenario of scenarios) {
  test(`engines agree slice by slice: ${scenario.name}`, { timeout: 600_000 }, (t) => {
    if (!needTool(t, ...scenario.tools)) return;
    const outputs: Record<Engine, string> = { interpreter: "", translator: "" };
    const machines = (["interpreter", "translator"] as const).map(
      (engine) =>
        new Machine({
          memory: 128 * 1024 * 1024,
          engine,
          console: { write: (bytes) => (outputs[engine] += Buffer.from(bytes).toString("latin1")) },
          ...scenario.options(),
        }),
    );
    const [reference, translated] = machines;
    let compared = 0;
    for (const slice of slices(scenario.instructions)) {
      const a = reference.run(slice);
      const b = translated.run(slice);
      assert.deepEqual(b, a, `after ${compared} instructions: run result`);
      compared += a.instructions;
      assert.deepEqual(engineState(translated), engineState(reference), `state after ${compared} instructions`);
      assert.equal(outputs.translator, outputs.interpreter, `console after ${compared} instructions`);
      if (a.reason !== "budget") break;
    }
    // Statistics agree too, TLB hits included (translated code counts its inlined hits).
    assert.deepEqual(translated.stats(), reference.stats());
    assert.ok(outputs.interpreter.includes(scenario.reaches), `the run reached '${scenario.reaches}'`);
    const counters = translated.harts[0].translator!.counters;
    t.diagnostic(`${compared} instructions compared; ${counters.regionsCompiled} regions compiled, ${counters.regionsRun} run; ${counters.interpreted} interpreted`);
    assert.ok(counters.regionsRun > 0, "translated regions ran");
  });
}
