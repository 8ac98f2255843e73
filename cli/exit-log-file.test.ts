import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitLog, fromJsonLine, toJsonLine } from "../vmm-core/hypervisor/exit-log";
import type { ExitRecord } from "../vmm-core/hypervisor/exit-record";
import { parseArguments } from "./arguments";
import { defaultExitLogFileLimit, openExitLogFile } from "./exit-log-file";
import { repositoryRoot, runCli } from "../test/reliability/cli-runner";

const sbiHello = join(repositoryRoot, "samples", "sbi-hello", "sbi-hello.elf");

function exit(i: number): Omit<ExitRecord, "sequence"> {
  return { vcpu: 0, instret: 100 + i, reason: "csr-write", detail: "sstatus", pc: 0x8000_0000n + BigInt(4 * i), handling: `sstatus 0x${i.toString(16)} → 0x2`, cost: 1 };
}

function withDirectory(body: (directory: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const directory = mkdtempSync(join(tmpdir(), "vmscope-exit-log-"));
    try {
      await body(directory);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  };
}

const lines = (path: string): string[] => readFileSync(path, "utf8").split("\n").filter((line) => line.length > 0);

describe("--exit-log FILE with --exit-log-limit", () => {
  test(
    "below the limit every record is written as its JSON line, nothing else",
    withDirectory((directory) => {
      const log = new ExitLog(4);
      const path = join(directory, "exits.jsonl");
      const file = openExitLogFile(path, log, 5000);
      const records = Array.from({ length: 10 }, (_, i) => log.record(exit(i)));
      // Lines longer than the writer's block, and enough lines to fill several blocks.
      records.push(log.record({ ...exit(10), handling: "→ ".repeat(100_000) }));
      for (let i = 11; i < 5000; i++) records.push(log.record(exit(i)));
      file.close();
      assert.equal(readFileSync(path, "utf8"), records.map((record) => toJsonLine(record) + "\n").join(""));
      assert.equal(file.dropped, 0);
    }),
  );

  test(
    "past the limit the file stops growing, one last line counts what was left out, the statistics count everything",
    withDirectory((directory) => {
      const log = new ExitLog(4);
      log.record(exit(-1)); // before the file was opened: not the file's business
      const path = join(directory, "exits.jsonl");
      const file = openExitLogFile(path, log, 3);
      const records = Array.from({ length: 10 }, (_, i) => log.record(exit(i)));
      file.close();
      const written = lines(path);
      assert.equal(written.length, 4);
      assert.deepEqual(written.slice(0, 3).map(fromJsonLine), records.slice(0, 3).map((record) => fromJsonLine(toJsonLine(record))));
      const last = JSON.parse(written[3]) as Record<string, unknown>;
      assert.equal(last.truncated, true);
      assert.equal(last.written, 3);
      assert.equal(last.dropped, 7);
      assert.match(String(last.note), /--exit-log-limit 3 reached/);
      assert.equal(file.written, 3);
      assert.equal(file.dropped, 7);
      assert.equal(log.statistics().byReason["csr-write"].count, 11);
    }),
  );

  test("--exit-log-limit is parsed, needs --exit-log, and refuses nonsense", () => {
    const command = parseArguments(["run", "--mode", "trap-and-emulate", "--exit-log", "x.jsonl", "--exit-log-limit", "5", sbiHello]);
    assert.equal(command.kind === "run" && command.options.exitLogLimit, 5);
    const plain = parseArguments(["run", "--mode", "trap-and-emulate", "--exit-log", "x.jsonl", sbiHello]);
    assert.equal(plain.kind === "run" && plain.options.exitLogLimit, undefined);
    assert.equal(defaultExitLogFileLimit, 1_000_000);
    assert.throws(() => parseArguments(["run", "--mode", "trap-and-emulate", "--exit-log-limit", "5", sbiHello]), /--exit-log-limit N bounds the file --exit-log FILE writes/);
    assert.throws(() => parseArguments(["run", "--mode", "trap-and-emulate", "--exit-log", "x", "--exit-log-limit", "0", sbiHello]), /--exit-log-limit: 0 is out of range/);
    assert.throws(() => parseArguments(["run", "--mode", "trap-and-emulate", "--exit-log", "x", "--exit-log-limit", "lots", sbiHello]), /--exit-log-limit/);
  });

  test(
    "vmscope run --exit-log-limit: the guest runs to its end, the file holds the first N exits and the truncation line, stderr says so",
    withDirectory(async (directory) => {
      const path = join(directory, "exits.jsonl");
      const limited = await runCli(["run", "--mode", "trap-and-emulate", "--exit-log", path, "--exit-log-limit", "5", "--stats", sbiHello]);
      assert.equal(limited.status, 0, limited.stderr);
      const written = lines(path);
      const full = join(directory, "all.jsonl");
      const unlimited = await runCli(["run", "--mode", "trap-and-emulate", "--exit-log", full, sbiHello]);
      assert.equal(unlimited.status, 0, unlimited.stderr);
      const all = lines(full);
      assert.ok(all.length > 5, `sbi-hello exits only ${all.length} times`);
      assert.ok(all.every((line) => !line.includes('"truncated"')), "no truncation line below the default limit");
      assert.equal(written.length, 6);
      assert.deepEqual(written.slice(0, 5), all.slice(0, 5), "the first records, byte for byte as without a limit");
      assert.deepEqual(JSON.parse(written[5]), JSON.parse(JSON.stringify({ truncated: true, written: 5, dropped: all.length - 5, note: "--exit-log-limit 5 reached: later exits were counted (--stats) but not written" })));
      assert.match(limited.stderr, new RegExp(`--exit-log wrote the first 5 exits; ${all.length - 5} more were counted but not written`));
      // --stats still counts every exit.
      assert.match(limited.stderr, new RegExp(`^total +${all.length} +100\\.0%`, "m"));
    }),
  );
});
