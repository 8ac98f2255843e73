/**
 * Mode binary-translation against trap-and-emulate on the same guests: the
 * same console output, far fewer VM exits (the guest kernel's CSR
 * accesses, SRET, WFI and SFENCE.VMA become direct monitor calls, logged
 * as translated), the rest (SBI, shadow fills, interrupts) unchanged. And
 * the engine's command-line and option errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Machine, type VirtualizationMode } from "../../vmm-core/machine/machine";
import { UserInputError } from "../../vmm-core/machine/errors";
import { parseArguments } from "../../cli/arguments";

const root = join(__dirname, "..", "..");

function runGuest(path: string, mode: VirtualizationMode) {
  let output = "";
  const machine = new Machine({
    memory: 128 * 1024 * 1024,
    mode,
    kernel: new Uint8Array(readFileSync(join(root, path))),
    kernelName: path,
    console: { write: (bytes) => (output += Buffer.from(bytes).toString("latin1")) },
  });
  let result = machine.run(200_000_000);
  while (result.reason === "budget") result = machine.run(200_000_000);
  const statistics = machine.monitor!.exits.statistics();
  const count = (record: Record<string, { count: number }> | undefined) => Object.values(record ?? {}).reduce((sum, c) => sum + c.count, 0);
  return { machine, output, reason: result.reason, exits: count(statistics.byReason), translated: count(statistics.translated), statistics };
}

for (const guest of ["samples/privileged/privileged.elf", "samples/paging/paging.elf"]) {
  test(`binary-translation runs ${guest} as trap-and-emulate does, with its privileged instructions translated`, () => {
    const trapped = runGuest(guest, "trap-and-emulate");
    const translated = runGuest(guest, "binary-translation");
    assert.equal(translated.reason, "poweroff");
    assert.equal(translated.machine.power.exitCode, 0);
    assert.equal(translated.output, trapped.output);
    assert.ok(translated.translated > 0, "privileged instructions were translated");
    assert.ok(translated.exits < trapped.exits, `exits: ${translated.exits} (binary translation) < ${trapped.exits} (trap and emulate)`);
    // What binary translation rewrites never exits; what it does not rewrite exits as before.
    for (const reason of ["csr-read", "csr-write", "sret", "sfence.vma"]) assert.equal(translated.statistics.byReason[reason], undefined, reason);
    for (const reason of ["sbi", "shadow-fill"]) assert.equal(translated.statistics.byReason[reason]?.count, trapped.statistics.byReason[reason]?.count, reason);
    const records = translated.machine.monitor!.exits.recent(4096).filter((record) => record.translated);
    assert.ok(records.length > 0);
    for (const record of records) assert.match(record.handling, /^translated: /);
    assert.ok(records.some((record) => record.reason === "csr-write" && record.disassembly?.startsWith("csr")));
    // The hart never took the illegal-instruction trap for them.
    assert.ok((translated.machine.stats().trapsByCause["illegal instruction"] ?? 0) < (trapped.machine.stats().trapsByCause["illegal instruction"] ?? 0));
  });
}

test("binary-translation needs the translator: engine interpreter is refused with a clear error", () => {
  assert.throws(
    () => new Machine({ memory: 64 * 1024 * 1024, mode: "binary-translation", engine: "interpreter", kernel: new Uint8Array(readFileSync(join(root, "samples/privileged/privileged.elf"))) }),
    (error: unknown) => error instanceof UserInputError && /binary-translation .* translator/.test(error.message),
  );
});

test("--engine selects the engine; a wrong name is a one-line error", () => {
  const run = parseArguments(["run", "guest.elf", "--engine", "translator"]);
  assert.equal(run.kind === "run" && run.options.engine, "translator");
  const compare = parseArguments(["compare", "--kernel", "k.elf", "--engine=interpreter"]);
  assert.equal(compare.kind === "compare" && compare.options.engine, "interpreter");
  assert.throws(() => parseArguments(["run", "guest.elf", "--engine", "jit"]), (error: unknown) => error instanceof UserInputError && /--engine: 'jit' is not an engine; use one of interpreter, translator/.test(error.message));
  assert.throws(
    () => new Machine({ memory: 64 * 1024 * 1024, engine: "fast" as never, kernel: new Uint8Array(readFileSync(join(root, "samples/hello/hello.elf"))) }),
    (error: unknown) => error instanceof UserInputError && /engine: 'fast'/.test(error.message),
  );
});
