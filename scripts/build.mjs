// Bundles every entry point with esbuild (tsc only type-checks): the
// extension, the standalone debug adapter, the CLI and the machine worker;
// with --bench also the benchmarks (dist/bench.mjs, not shipped), so
// `npm run bench` measures the code as bundled, not as tsx transforms it
// (tsx names every closure at run time, which cost the exit paths ~10 %).
import { build } from "esbuild";
import { copyFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

const entries = [
  ["extension/extension.ts", "dist/extension.js"],
  ["debug-adapter/main.ts", "dist/debug-adapter.js"],
  ["cli/main.ts", "dist/cli.js"],
  ["vmm-core/machine/worker.ts", "dist/worker.js"],
  ["extension/language-server/main.ts", "dist/language-server.js"],
];

const started = performance.now();
/** What every Node bundle shares. */
const node = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  sourcemap: true,
  external: ["vscode"],
  define: { __VMSCOPE_VERSION__: JSON.stringify(version) },
  logLevel: "warning",
};
try {
  const benchmarks = process.argv.includes("--bench")
    ? [
        build({
          ...node,
          entryPoints: ["bench/run.ts"],
          outfile: "dist/bench.mjs",
          // ESM for the benchmarks' import.meta; require for the CommonJS packages they bundle.
          format: "esm",
          banner: { js: 'import { createRequire as vmscopeCreateRequire } from "node:module"; const require = vmscopeCreateRequire(import.meta.url);' },
        }),
      ]
    : [];
  await Promise.all([...benchmarks, ...entries.map(([entry, outfile]) => build({ ...node, entryPoints: [entry], outfile, format: "cjs" }))]);
} catch {
  // esbuild has already printed the errors with their locations.
  process.exit(1);
}
// Webview assets, loaded through webview.asWebviewUri under a strict CSP: the
// exit timeline's page script (a browser bundle), chart.js's UMD build and
// the shared stylesheet.
try {
  await build({
    absWorkingDir: root,
    entryPoints: ["extension/webviews/timeline-client.ts"],
    outfile: "dist/timeline-client.js",
    bundle: true,
    platform: "browser",
    target: "es2022",
    format: "iife",
    logLevel: "warning",
  });
  copyFileSync(join(root, "node_modules/chart.js/dist/chart.umd.js"), join(root, "dist/chart.umd.js"));
  copyFileSync(join(root, "extension/webviews/webview.css"), join(root, "dist/webview.css"));
} catch (error) {
  console.error(`build: webview assets: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
console.log(`build: ${entries.length} bundles in ${Math.round(performance.now() - started)} ms`);
