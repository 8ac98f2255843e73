/** The machine options and CLI flags of the devices: --balloon MIB, --rng seeded|host, and their errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArguments } from "../../cli/arguments";
import { Machine } from "../../vmm-core/machine/machine";
import { UserInputError } from "../../vmm-core/machine/errors";

const spin = Uint8Array.of(0x01, 0xa0);
const cli = join(__dirname, "..", "..", "bin", "vmscope.js");
const sample = join(__dirname, "..", "..", "samples", "balloon", "balloon.elf");

test("vmscope run parses --balloon MIB and --rng; bad values are one-line errors", () => {
  const command = parseArguments(["run", "k.elf", "--balloon", "16", "--rng", "host"]);
  assert.equal(command.kind, "run");
  if (command.kind !== "run") return;
  assert.equal(command.options.balloon, 16);
  assert.equal(command.options.rng, "host");
  const plain = parseArguments(["run", "k.elf"]);
  assert.ok(plain.kind === "run" && plain.options.balloon === undefined && plain.options.rng === undefined);
  assert.throws(() => parseArguments(["run", "k.elf", "--rng", "dice"]), (error: unknown) => error instanceof UserInputError && /--rng: 'dice' is not a source; use one of seeded, host/.test(error.message));
  assert.throws(() => parseArguments(["run", "k.elf", "--balloon", "-3"]), UserInputError);
  assert.throws(() => parseArguments(["run", "k.elf", "--balloon", "lots"]), /--balloon: 'lots' is not a whole number/);
});

test("the machine takes the balloon target at power-on and refuses more than the guest's RAM", () => {
  const machine = new Machine({ memory: 16 * 1024 * 1024, kernel: spin, balloon: 4 });
  assert.deepEqual(machine.balloonInfo(), { present: true, targetPages: 1024, actualPages: 0 });
  assert.deepEqual(machine.memoryAccounting(), { guestRamBytes: 16 * 1024 * 1024, residentPages: machine.memoryAccounting().residentPages, balloonedPages: 0, pageSize: 4096 });
  assert.throws(() => new Machine({ memory: 16 * 1024 * 1024, kernel: spin, balloon: 17 }), /balloon: 17 MiB is not a whole number of MiB from 0 to the guest's 16 MiB/);
  assert.throws(() => machine.setBalloonTarget(1.5), UserInputError);
  assert.equal(machine.setBalloonTarget(16).targetPages, 4096);
});

test("memory accounting counts guest RAM only, not the monitor's region", () => {
  const machine = new Machine({ memory: 16 * 1024 * 1024, kernel: spin, mode: "trap-and-emulate" });
  const accounting = machine.memoryAccounting();
  assert.equal(accounting.guestRamBytes, 16 * 1024 * 1024);
  assert.ok(accounting.residentPages >= 1 && accounting.residentPages < 100, `${accounting.residentPages} pages: the kernel and the device tree`);
});

test("vmscope run --balloon beyond the guest's RAM exits 2 with a one-line message", () => {
  const run = spawnSync(process.execPath, [cli, "run", "--mode", "trap-and-emulate", "--memory", "64M", "--balloon", "65", sample], { encoding: "utf8" });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^vmscope: balloon: 65 MiB is not a whole number of MiB from 0 to the guest's 64 MiB of RAM\n$/);
});
