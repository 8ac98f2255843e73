/**
 * samples/.vscode/launch.json has a configuration for every sample (one per
 * mode for the S-mode samples), every file it names exists, and it uses
 * only attributes the debug adapter accepts. package.json has a snippet for
 * every S-mode sample and a walkthrough step per sample README.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { launchAttributes } from "../debug-adapter/launch-arguments";
import { virtualizationModes } from "../vmm-core/machine/machine";
import { debianFirmware, needTool } from "../test/support/reference";
import { repositoryRoot, samplesRoot } from "./testing/sample-harness";

/** The S-mode samples: each runs in every mode. */
export const smodeSamples = ["sbi-hello", "privileged", "pvkernel", "paging", "interrupts", "smp", "minikernel"];

interface Configuration {
  type: string;
  request: string;
  name: string;
  program: string;
  bios?: string;
  mode?: string;
  harts?: number;
  drives?: string[];
  [attribute: string]: unknown;
}

/** launch.json is JSON with // comment lines. */
function launchConfigurations(): Configuration[] {
  const text = readFileSync(join(samplesRoot, ".vscode", "launch.json"), "utf8");
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, "")).configurations;
}

/** Sample folders: those holding NAME/NAME.elf. */
function sampleFolders(): string[] {
  return readdirSync(samplesRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(samplesRoot, entry.name, `${entry.name}.elf`)))
    .map((entry) => entry.name);
}

const resolvePath = (path: string) => path.replace("${workspaceFolder}", samplesRoot);

test("launch.json covers every sample, every S-mode sample in every mode", () => {
  const configurations = launchConfigurations();
  const names = new Set<string>();
  for (const sample of sampleFolders()) {
    const program = `\${workspaceFolder}/${sample}/${sample}.elf`;
    const mine = configurations.filter((c) => c.program === program);
    assert.ok(mine.length > 0, `no configuration runs ${sample}`);
    if (smodeSamples.includes(sample)) {
      assert.deepEqual(mine.map((c) => c.mode).sort(), [...virtualizationModes].sort(), `${sample}: one configuration per mode`);
      for (const c of mine) assert.equal(c.bios !== undefined, c.mode === "none", `${c.name}: OpenSBI exactly in mode none`);
    }
  }
  for (const sample of smodeSamples) assert.ok(sampleFolders().includes(sample), `samples/${sample}/${sample}.elf is missing`);
  for (const c of configurations) {
    assert.equal(c.type, "vmscope");
    assert.equal(c.request, "launch");
    assert.ok(!names.has(c.name), `two configurations are named ${c.name}`);
    names.add(c.name);
    for (const attribute of Object.keys(c)) {
      if (["type", "request", "name"].includes(attribute)) continue;
      assert.ok((launchAttributes as readonly string[]).includes(attribute), `${c.name}: unknown attribute ${attribute}`);
    }
    if (c.mode !== undefined) assert.ok((virtualizationModes as readonly string[]).includes(c.mode), `${c.name}: mode ${c.mode}`);
  }
  assert.equal(configurations.find((c) => c.program.endsWith("/smp.elf"))?.harts, 2, "smp needs two harts");
});

test("every program launch.json names exists, and the firmware is Debian's OpenSBI", (t) => {
  for (const c of launchConfigurations()) {
    assert.ok(existsSync(resolvePath(c.program)), `${c.name}: ${c.program} does not exist`);
    if (c.bios !== undefined) assert.equal(c.bios, debianFirmware.openSbiFwJump, c.name);
  }
  if (needTool(t, debianFirmware.openSbiFwJump)) assert.ok(existsSync(debianFirmware.openSbiFwJump));
});

test("package.json has a snippet per S-mode sample and a walkthrough step per sample README", () => {
  const manifest = JSON.parse(readFileSync(join(repositoryRoot, "package.json"), "utf8"));
  const snippets: { label: string; body: Configuration }[] = manifest.contributes.debuggers[0].configurationSnippets;
  for (const sample of smodeSamples) {
    const snippet = snippets.find((s) => s.body.program.includes(`/samples/${sample}/${sample}.elf`));
    assert.ok(snippet, `no configuration snippet for ${sample}`);
    assert.equal(snippet.body.type, "vmscope");
    assert.ok(existsSync(join(samplesRoot, sample, `${sample}.elf`)));
  }
  const walkthrough = manifest.contributes.walkthroughs.find((w: { title: string }) => w.title === "Virtualization from the inside");
  assert.ok(walkthrough, "the walkthrough is missing");
  const media: string[] = walkthrough.steps.map((step: { media: { markdown: string } }) => step.media.markdown);
  for (const path of media) assert.ok(existsSync(join(repositoryRoot, path)), `walkthrough media ${path} does not exist`);
  for (const sample of [...smodeSamples, "hello"]) assert.ok(media.includes(`samples/${sample}/README.md`), `no walkthrough step opens samples/${sample}/README.md`);
});
