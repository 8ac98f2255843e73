/**
 * Runs every hostile guest for a bounded budget and checks what a user
 * relies on afterwards: nothing was thrown out of the emulator, the power
 * state is sane, every register and the instruction at the pc can be read,
 * guest RAM held by the host never exceeds the guest's size, and the host's
 * heap does not grow with the guests. Then the debugger's side: a hostile
 * guest running under the adapter's runtime pauses on request and stops.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Machine, virtualizationModes, type VirtualizationMode } from "../../../vmm-core/machine/machine";
import { decode16, decode32 } from "../../../vmm-core/isa/decoder";
import { disassemble } from "../../../vmm-core/isa/disassembler";
import { MachineRuntime, type RuntimeStop } from "../../../debug-adapter/runtime";
import { hostilePrograms, type HostileProgram } from "./programs";
import { tally } from "../tally";

/** Instructions per guest: enough for every loop to go round thousands of times … */
const budget = 300_000;
/** … or this much wall time, whichever ends first: a guest that traps on every instruction under a monitor costs a VM exit each. */
const budgetMs = 400;
const chunk = 5_000;
const memory = 8 * 1024 * 1024;
/** Host heap growth allowed over the whole batch (RAM pages of dropped machines are garbage by then). */
const heapGrowthLimit = 256 * 1024 * 1024;

const monitorModes = virtualizationModes.filter((mode) => mode !== "none");
const programs = hostilePrograms(monitorModes);

function engines(program: HostileProgram, index: number): "interpreter" | "translator" {
  // Binary translation exists only on the translator; elsewhere alternate, as its generated code must be as robust.
  if (program.mode === "binary-translation") return "translator";
  return index % 2 === 0 ? "interpreter" : "translator";
}

function inspect(machine: Machine): void {
  assert.ok(["running", "off", "reset"].includes(machine.power.state), `power state ${machine.power.state}`);
  for (const hart of machine.harts) {
    for (let i = 0; i < 32; i++) assert.equal(typeof hart.x[i], "bigint");
    const pc = hart.pc;
    assert.equal(typeof pc, "bigint");
    // The instruction at the pc, as the Disassembly view would read it (may be outside memory: then nothing to show).
    const bytes = machine.bus.readBytes(pc, 4);
    if (bytes) {
      const low = bytes[0] | (bytes[1] << 8);
      const instruction = (low & 3) === 3 ? decode32((low | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0) : decode16(low);
      assert.ok(disassemble(instruction, pc).length > 0);
    }
    for (const address of [0x300, 0x341, 0x342, 0x343, 0x180]) assert.notEqual(hart.readCsr(address), undefined, `csr 0x${address.toString(16)} unreadable`);
  }
  const accounting = machine.memoryAccounting();
  assert.ok(accounting.residentPages * accounting.pageSize <= memory, `${accounting.residentPages} resident pages for ${memory} bytes of RAM`);
  machine.stats();
  machine.deviceSnapshots();
  if (machine.monitor) machine.monitor.exits.statistics();
}

function runHostile(program: HostileProgram, index: number): number {
  const machine = new Machine({ memory, kernel: program.image, mode: program.mode, harts: program.harts ?? 1, engine: engines(program, index) });
  let executed = 0;
  const started = performance.now();
  while (executed < budget && performance.now() - started < budgetMs) {
    const result = machine.run(chunk);
    executed += result.instructions;
    if (result.reason === "reset") machine.reset();
    else if (result.reason !== "budget") break;
  }
  inspect(machine);
  return executed;
}

describe("hostile guests", () => {
  test(`${programs.length} hostile programs run ${budget.toLocaleString("en-US")} instructions (or ${budgetMs} ms) each without harming the host`, (t) => {
    const heapBefore = process.memoryUsage().heapUsed;
    let total = 0;
    programs.forEach((program, index) => {
      try {
        total += runHostile(program, index);
      } catch (error) {
        assert.fail(`${program.name} (${program.mode}, ${engines(program, index)}): ${(error as Error).stack ?? error}`);
      }
      tally.hostilePrograms++;
    });
    const growth = process.memoryUsage().heapUsed - heapBefore;
    t.diagnostic(`${total.toLocaleString("en-US")} instructions in all; heap grew ${(growth / 1048576).toFixed(1)} MiB`);
    assert.ok(growth < heapGrowthLimit, `the heap grew by ${growth} bytes over the hostile guests`);
  });

  const paused = programs.filter((p) => /storm|flood|random stream in M-mode #1|descriptor loop|self-modifying/.test(p.name));
  for (const program of paused) {
    test(`the debugger pauses, inspects and stops: ${program.name}`, async () => {
      const stop = await pauseWhileRunning(program.image, program.mode);
      assert.equal(stop.kind, "pause");
    });
  }
});

/** Continues a runtime over the guest, pauses it after a moment, inspects, disposes. Resolves with the stop. */
function pauseWhileRunning(image: Uint8Array, mode: VirtualizationMode): Promise<RuntimeStop> {
  return new Promise((resolve, reject) => {
    let runtime: MachineRuntime | undefined;
    const timer = setTimeout(() => reject(new Error("no stop within 5 s of the pause request")), 5000);
    runtime = new MachineRuntime(
      { memory, kernel: image, mode },
      {
        stopped: (stop) => {
          clearTimeout(timer);
          try {
            inspect(runtime!.machine);
            runtime!.dispose();
            resolve(stop);
          } catch (error) {
            reject(error);
          }
        },
        output: () => {},
        terminated: () => reject(new Error("the guest ended before the pause")),
      },
    );
    runtime.continue();
    setTimeout(() => runtime!.pause(), 50);
  });
}
