// Open Sample's choices and the launch configuration a copied sample gets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { listSamples, sampleConfigurations, mergeLaunchJson, parseJsonc } from "./sample-launch";

const samplesDir = resolve(import.meta.dirname, "..", "samples");

test("the committed samples are listed, hello first, with their ELF and README title", () => {
  const samples = listSamples(samplesDir);
  assert.equal(samples[0].name, "hello");
  assert.equal(samples[0].elf, "hello.elf");
  assert.match(samples[0].title, /bare machine/);
  assert.ok(!samples.some((s) => s.name === "common"), "common has no ELF: it is not a sample");
  for (const sample of samples) {
    const [config] = sampleConfigurations(samplesDir, sample);
    assert.equal(config.type, "vmscope");
    assert.match(String(config.program), new RegExp(`^\\$\\{workspaceFolder\\}/samples/${sample.name}/`), sample.name);
  }
});

test("shared folders are found from the sources' ../name/ references; launch.json paths are rebased", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmscope-samples-"));
  try {
    mkdirSync(join(dir, "kern"));
    mkdirSync(join(dir, "common"));
    mkdirSync(join(dir, ".vscode"));
    writeFileSync(join(dir, "kern", "kern.elf"), "");
    writeFileSync(join(dir, "kern", "README.md"), "# kern — a kernel\n");
    writeFileSync(join(dir, "kern", "Makefile"), "include ../common/sample.mk\n");
    writeFileSync(join(dir, ".vscode", "launch.json"), `{
      // comments and trailing commas, as VS Code writes them
      "configurations": [
        { "type": "vmscope", "request": "launch", "name": "kern", "program": "\${workspaceFolder}/kern/kern.elf", "cwd": "\${workspaceFolder}", },
        { "type": "vmscope", "request": "launch", "name": "other", "program": "\${workspaceFolder}/other/o.elf" },
      ],
    }`);
    const [kern] = listSamples(dir);
    assert.deepEqual(kern, { name: "kern", title: "a kernel", elf: "kern.elf", shared: ["common"] });
    assert.deepEqual(sampleConfigurations(dir, kern), [
      { type: "vmscope", request: "launch", name: "kern", program: "${workspaceFolder}/samples/kern/kern.elf", cwd: "${workspaceFolder}/samples" },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("merging keeps existing configurations and adds only new names", () => {
  const fresh = parseJsonc(mergeLaunchJson(undefined, [{ name: "a", type: "vmscope" }])) as { version: string; configurations: unknown[] };
  assert.equal(fresh.version, "0.2.0");
  assert.equal(fresh.configurations.length, 1);
  const merged = parseJsonc(mergeLaunchJson('{ "version": "0.2.0", "configurations": [{ "name": "a", "x": 1 }, ] }', [{ name: "a" }, { name: "b" }])) as { configurations: { name: string; x?: number }[] };
  assert.deepEqual(merged.configurations, [{ name: "a", x: 1 }, { name: "b" }]);
});
