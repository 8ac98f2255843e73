/**
 * Limits a user sets and vmscope enforces: guest memory (held lazily, never
 * beyond the guest's size), the VM-exit ring (--exit-log-size), the console
 * buffer (--console-buffer, see hostile/console-flood.ts for the flood) and
 * instructions per run (--max-instructions → exit 124 with a message).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Machine } from "../../vmm-core/machine/machine";
import { parseArguments } from "../../cli/arguments";
import { runCli, repositoryRoot } from "./cli-runner";
import { consoleFlood } from "./hostile/programs";

const hello = join(repositoryRoot, "samples", "hello", "hello.elf");
const sbiHello = join(repositoryRoot, "samples", "sbi-hello", "sbi-hello.elf");

describe("limits", () => {
  test("--exit-log-size bounds the VM-exit ring; the statistics still count every exit", () => {
    const command = parseArguments(["run", "--mode", "trap-and-emulate", "--exit-log-size", "8", sbiHello]);
    assert.equal(command.kind === "run" && command.options.exitLogSize, 8);
    const machine = new Machine({ memory: 128 * 1024 * 1024, kernel: new Uint8Array(readFileSync(sbiHello)), mode: "trap-and-emulate", exitLogSize: 8 });
    assert.equal(machine.run(50_000_000).reason, "poweroff");
    const exits = machine.monitor!.exits;
    assert.ok(exits.total > 8, `only ${exits.total} exits`);
    assert.equal(exits.size, 8);
    const statistics = exits.statistics();
    const counted = Object.values(statistics.byReason).reduce((sum, entry) => sum + entry.count, 0);
    assert.equal(statistics.total, exits.total);
    assert.equal(counted, exits.total, "the per-reason statistics cover every exit, not just the ring");
  });

  test("--exit-log-size reaches the machine from the command line", async () => {
    const result = await runCli(["run", "--mode", "trap-and-emulate", "--exit-log-size", "8", sbiHello]);
    assert.equal(result.status, 0, result.stderr);
  });

  test("--max-instructions ends a guest that never stops with exit 124 and a message", async () => {
    const result = await runCli(["run", hello, "--max-instructions", "1000"]);
    assert.equal(result.status, 124);
    assert.match(result.stderr, /vmscope: instruction limit reached \(1000 instructions\)/);
  });

  test("guest memory: 16G is accepted and the host holds only the pages the guest touched", () => {
    const machine = new Machine({ memory: 16 * 1024 ** 3, kernel: consoleFlood() });
    machine.run(100_000);
    const accounting = machine.memoryAccounting();
    assert.equal(accounting.guestRamBytes, 16 * 1024 ** 3);
    assert.ok(accounting.residentPages < 64, `${accounting.residentPages} pages resident after a tiny program`);
  });

  test("--console-buffer is parsed with units and bounded", () => {
    const command = parseArguments(["run", "--console-buffer", "64K", hello]);
    assert.equal(command.kind === "run" && command.options.consoleBuffer, 64 * 1024);
    assert.throws(() => parseArguments(["run", "--console-buffer", "2G", hello]), /--console-buffer: '2G' is not a size from 1K to 1G/);
  });
});
