// Bundles every entry point with esbuild (tsc only type-checks): the
// extension, the standalone debug adapter, the CLI and the machine worker.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

const entries = [
  ["extension/extension.ts", "dist/extension.js"],
  ["debug-adapter/main.ts", "dist/debug-adapter.js"],
  ["cli/main.ts", "dist/cli.js"],
  ["vmm-core/machine/worker.ts", "dist/worker.js"],
];

const started = performance.now();
try {
  await Promise.all(
    entries.map(([entry, outfile]) =>
      build({
        absWorkingDir: root,
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        sourcemap: true,
        external: ["vscode"],
        define: { __VMSCOPE_VERSION__: JSON.stringify(version) },
        logLevel: "warning",
      }),
    ),
  );
} catch {
  // esbuild has already printed the errors with their locations.
  process.exit(1);
}
console.log(`build: ${entries.length} bundles in ${Math.round(performance.now() - started)} ms`);
