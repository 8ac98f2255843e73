// `npm run package`'s .vsix: what it ships, what it must not, and its size.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageVsix, listZip, root } from "../test/e2e/package-vsix";

/**
 * Measured: 0.87 MB with five samples (bundles ~3.5 MB before compression).
 * 3 MB leaves room for more samples and larger bundles, and still fails when
 * source maps, node_modules or disk images slip in.
 */
const maxVsixBytes = 3 * 1024 * 1024;

test("the .vsix ships the bundles, samples, README, license, icon and grammar, and no sources, tests or node_modules", { timeout: 240_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), "vmscope-vsix-"));
  try {
    const vsix = packageVsix(out);
    const size = statSync(vsix).size;
    assert.ok(size < maxVsixBytes, `${vsix} is ${size} bytes, over the ${maxVsixBytes}-byte budget`);
    const entries = listZip(readFileSync(vsix));
    const names = new Set(entries.map((e) => e.name.replace(/^extension\//, "")));
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { icon: string; main: string };

    const required = [
      "package.json", "readme.md", "LICENSE.txt", manifest.icon, manifest.main.replace(/^\.\//, ""),
      "dist/debug-adapter.js", "dist/cli.js", "dist/worker.js", "dist/language-server.js",
      "extension/syntaxes/riscv-asm.tmLanguage.json", "extension/syntaxes/language-configuration.json",
    ];
    // Every sample folder with an ELF ships it with its sources and README.
    const samplesDir = join(root, "samples");
    for (const sample of readdirSync(samplesDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const file of readdirSync(join(samplesDir, sample.name))) {
        if (/\.(elf|c|S|h|ld)$|^README\.md$|^Makefile$/.test(file)) required.push(`samples/${sample.name}/${file}`);
      }
    }
    assert.ok(required.includes("samples/hello/hello.elf") && required.includes("samples/hello/start.S"));
    for (const name of required) assert.ok(names.has(name), `${name} is missing from the .vsix`);

    const forbidden = [/\.ts$/, /\.map$/, /\.o$/, /\.mjs$/, /^node_modules\//, /^(test|bench|scripts|docs|vmm-core|debug-adapter|cli|\.ci)\//, /^extension\/(?!syntaxes\/|media\/icon\.png$)/, /\.vsix$/];
    for (const name of names) {
      for (const pattern of forbidden) assert.doesNotMatch(name, pattern, `${name} must not be in the .vsix`);
    }

    // --no-dependencies: the bundles must need nothing but Node's own modules and vscode.
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), "vscode"]);
    for (const entry of entries.filter((e) => /^extension\/dist\/.*\.js$/.test(e.name))) {
      const requires = [...entry.read().toString("utf8").matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
      const outside = [...new Set(requires.filter((m) => !builtins.has(m)))];
      assert.deepEqual(outside, [], `${entry.name} requires modules that are not bundled`);
    }
    const shipped = JSON.parse(entries.find((e) => e.name === "extension/package.json")!.read().toString("utf8")) as { name: string };
    assert.equal(shipped.name, "vmscope");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
