// Regenerates the `vmscope compare` figures the sample walkthroughs quote.
// A README marks each table with
//   <!-- figures:compare KERNEL -->  …table…  <!-- /figures:compare -->
// where KERNEL names samples/KERNEL/KERNEL.elf. This script runs
// `vmscope compare --json` on it (mode none under Debian's OpenSBI) and
// rewrites the table; samples/walkthrough-figures.test.ts checks that the
// READMEs hold what the current code produces. Only figures that do not
// depend on the host are quoted (no times, no TLB counts, which depend on
// where the runs are sliced).
//
// usage: node scripts/update-sample-figures.mjs   (needs dist/: npm run build)
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const openSbi = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf";
/** READMEs that quote figures. */
export const readmes = ["privileged", "pvkernel", "paging"].map((name) => join(root, "samples", name, "README.md"));

const blockPattern = /(<!-- figures:compare ([\w-]+) -->\n)([\s\S]*?)(<!-- \/figures:compare -->)/g;

/** The kernels a README quotes, in order, with the table text it holds now. */
export function figureBlocks(readme) {
  return [...readme.matchAll(blockPattern)].map((match) => ({ kernel: match[2], table: match[3] }));
}

/** `vmscope compare --json` on samples/KERNEL/KERNEL.elf, every mode. */
export function compareJson(kernel) {
  const elf = join(root, "samples", kernel, `${kernel}.elf`);
  const stdout = execFileSync(process.execPath, [join(root, "bin", "vmscope.js"), "compare", "--json", "--bios", openSbi, "--kernel", elf], {
    encoding: "utf8",
    maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout);
}

const grouped = (value) => Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** The markdown table for one comparison: a row per figure, a column per mode. */
export function renderFigures(json) {
  const modes = Object.keys(json.modes);
  const figures = modes.map((mode) => json.modes[mode]);
  const reasons = [...new Set(figures.flatMap((f) => Object.keys(f.exits.byReason)))].sort(
    (a, b) => Math.max(...figures.map((f) => f.exits.byReason[b] ?? 0)) - Math.max(...figures.map((f) => f.exits.byReason[a] ?? 0)) || a.localeCompare(b),
  );
  const rows = [
    ["guest instructions", ...figures.map((f) => grouped(f.instructions))],
    ["VM exits", ...figures.map((f) => `**${grouped(f.exits.total)}**`)],
    ...reasons.map((reason) => [`  ${reason}`, ...figures.map((f) => (f.exits.byReason[reason] === undefined ? "-" : grouped(f.exits.byReason[reason])))]),
    ["page faults, hidden", ...figures.map((f) => grouped(f.pageFaults.hidden))],
    ["page faults, true", ...figures.map((f) => grouped(f.pageFaults.true))],
    ["walk refs per TLB miss", ...figures.map((f) => f.walkRefsPerMiss.toFixed(1))],
  ];
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(["", ...modes]), line(["---", ...modes.map(() => "---:")]), ...rows.map((cells) => line([cells[0].replace(/^  /, "&nbsp;&nbsp;"), ...cells.slice(1)]))].join("\n") + "\n";
}

/** The README with every figures block regenerated. */
export function updatedReadme(readme, compare = compareJson) {
  const cache = new Map();
  return readme.replace(blockPattern, (_, open, kernel, _table, close) => {
    if (!cache.has(kernel)) cache.set(kernel, renderFigures(compare(kernel)));
    return open + cache.get(kernel) + close;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cache = new Map();
  const compare = (kernel) => {
    if (!cache.has(kernel)) cache.set(kernel, compareJson(kernel));
    return cache.get(kernel);
  };
  for (const path of readmes) {
    const before = readFileSync(path, "utf8");
    const after = updatedReadme(before, compare);
    if (after !== before) writeFileSync(path, after);
    console.log(`${after === before ? "unchanged" : "updated  "} ${path.slice(root.length + 1)} (${figureBlocks(after).length} tables)`);
  }
}
