/**
 * Issue 9, acceptance 2: breakpoints, stepping and data breakpoints behave
 * identically with both engines. The translator runs whenever nothing is
 * armed, so each scenario alternates free runs (translated code on one
 * machine, the interpreter on the other) with armed ones, and compares the
 * whole machine state at every stop.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Machine } from "../../vmm-core/machine/machine";
import type { Engine } from "../../vmm-core/hart/hart";
import { MachineDebugger } from "../../vmm-core/debug/machine-debugger";
import { parseElf } from "../../vmm-core/loader/elf";
import { engineState } from "./engine-state";

const root = join(import.meta.dirname, "..", "..");
const elfPath = join(root, "samples", "paging", "paging.elf");
const elf = parseElf(readFileSync(elfPath), "paging.elf");

function symbol(name: string): bigint {
  const found = elf.findSymbol(name);
  assert.ok(found, `paging.elf has no symbol ${name}`);
  return found.value;
}

interface Stop {
  step: string;
  reason: string;
  stop: unknown;
  state: ReturnType<typeof engineState>;
}

/** One session of debugger actions; every stop is recorded with the whole machine state. */
function session(engine: Engine, mode: "trap-and-emulate" | "hardware-assisted"): { stops: Stop[]; translatedRuns: number } {
  const machine = new Machine({ memory: 128 << 20, mode, engine, kernel: readFileSync(elfPath), console: { write() {} } });
  // Compile after two visits, so the short free runs below really run translated code.
  if (engine === "translator") machine.harts[0].translator!.hotThreshold = 2;
  const debug = new MachineDebugger(machine);
  const stops: Stop[] = [];
  const record = (step: string, reason: string): void => {
    stops.push({ step, reason, stop: debug.stop === undefined ? undefined : JSON.parse(JSON.stringify(debug.stop, (_, v) => (typeof v === "bigint" ? v.toString(16) : v))), state: engineState(machine) });
  };
  const hart = machine.harts[0];

  // Free run: nothing armed, so the translator (if chosen) runs.
  record("free run", machine.run(5_000).reason);

  // A breakpoint on a function the kernel calls for every page it maps, then resume past it twice.
  debug.setBreakpoints([{ id: 1, address: symbol("map_page") }]);
  for (let i = 0; i < 3; i++) {
    record(`breakpoint ${i}`, machine.run(2_000_000).reason);
    debug.resume();
  }
  debug.setBreakpoints([]);

  // Instruction steps (as the adapter's stepping does): 40 single instructions.
  for (let i = 0; i < 40; i++) {
    debug.setStepper({ hart: 0, predicate: () => true });
    machine.run(1_000);
    debug.setStepper(undefined);
    debug.resume();
  }
  record("after 40 instruction steps", "step");

  // A data breakpoint on the page allocator's cursor: the next store to it stops.
  debug.setWatchpoints([{ id: 2, address: symbol("next_free"), length: 8, read: false, write: true }]);
  record("watchpoint", machine.run(5_000_000).reason);
  debug.resume();
  debug.setWatchpoints([]);

  // A free run again, then a breakpoint in the scheduler's switch.
  record("second free run", machine.run(3_000).reason);
  debug.setBreakpoints([{ id: 3, address: symbol("proc_switch") }]);
  record("breakpoint in proc_switch", machine.run(5_000_000).reason);
  debug.setBreakpoints([]);
  debug.resume();
  record("run to the end", machine.run(50_000_000).reason);
  return { stops, translatedRuns: hart.translator?.counters.regionsRun ?? 0 };
}

for (const mode of ["trap-and-emulate", "hardware-assisted"] as const) {
  test(`breakpoints, instruction steps and a data breakpoint stop at the same state on both engines (samples/paging, ${mode})`, () => {
    const interpreter = session("interpreter", mode);
    const translator = session("translator", mode);
    assert.ok(translator.translatedRuns > 0, "the free runs executed translated code");
    assert.equal(interpreter.translatedRuns, 0);
    assert.equal(translator.stops.length, interpreter.stops.length);
    for (let i = 0; i < interpreter.stops.length; i++) {
      const expected = interpreter.stops[i];
      assert.deepEqual(translator.stops[i], expected, `stop '${expected.step}'`);
    }
    // The scenario really stopped where it meant to: breakpoints, the watchpoint and the end of the run.
    const reasons = interpreter.stops.map((s) => `${s.step}: ${s.reason}`);
    assert.deepEqual(
      reasons.filter((r) => r.endsWith("debug")).map((r) => r.split(":")[0]),
      ["breakpoint 0", "breakpoint 1", "breakpoint 2", "watchpoint", "breakpoint in proc_switch"],
      reasons.join("; "),
    );
    const watch = interpreter.stops.find((s) => s.step === "watchpoint")!;
    assert.equal((watch.stop as { kind: string }).kind, "watchpoint");
    assert.notEqual(interpreter.stops.at(-1)!.reason, "budget", "the guest ran to its end");
  });
}
