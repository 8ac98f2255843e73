// Finds every *.test.ts in the source folders and runs them with Node's own
// test runner (through tsx), passing its exit status through.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const folders = ["vmm-core", "debug-adapter", "extension", "cli", "test", "samples", "bench"];
const skipped = new Set(["node_modules", "dist", ".git", ".vscode-test"]);

function findTests(dir, found) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a folder that does not exist yet
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipped.has(entry.name)) findTests(path, found);
    } else if (entry.name.endsWith(".test.ts")) {
      found.push(relative(root, path));
    }
  }
}

const files = [];
for (const folder of folders) findTests(join(root, folder), files);
files.sort();
// Extra arguments narrow the run: `node scripts/test.mjs cli` runs cli/ only.
const filters = process.argv.slice(2);
const selected = filters.length ? files.filter((f) => filters.some((p) => f.includes(p))) : files;
if (selected.length === 0) {
  console.error("test: no *.test.ts files found");
  process.exit(1);
}

// --test-concurrency arrived in Node 20.10; older runtimes ignore the limit.
const [major, minor] = process.versions.node.split(".").map(Number);
const concurrency = major > 20 || (major === 20 && minor >= 10) ? ["--test-concurrency=2"] : [];
// A test that hangs fails after 10 minutes instead of holding CI to its limit (the longest, the e2e, takes ~2.5).
const timeout = major > 20 || (major === 20 && minor >= 11) ? ["--test-timeout=600000"] : [];

const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", ...concurrency, ...timeout, ...selected],
  { cwd: root, stdio: "inherit" },
);
if (result.error) {
  console.error(`test: cannot start node: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
