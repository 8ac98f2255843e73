/**
 * The samples shipped with the extension, and the launch configurations a
 * copied sample gets. A copy keeps the `samples/<name>` + `samples/common`
 * layout (the ELFs' DWARF names sources relative to it), so only
 * `${workspaceFolder}` changes meaning: in samples/.vscode/launch.json it is
 * the samples folder, in the user's workspace its parent. No vscode import:
 * tested in plain Node.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface SampleInfo {
  name: string;
  /** The README's first heading, without the name. */
  title: string;
  elf: string;
  /** Other sample folders it needs beside it (e.g. common). */
  shared: string[];
}

/** Folders with a README and an ELF are samples; the rest (common, testing) support them. */
export function listSamples(samplesDir: string): SampleInfo[] {
  const samples: SampleInfo[] = [];
  for (const entry of readdirSync(samplesDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const dir = join(samplesDir, entry.name);
    const files = readdirSync(dir);
    const elf = files.find((f) => f.endsWith(".elf"));
    if (!elf || !files.includes("README.md")) continue;
    const heading = /^#\s+(.*)$/m.exec(readFileSync(join(dir, "README.md"), "utf8"))?.[1] ?? entry.name;
    const title = heading.replace(new RegExp(`^${entry.name}\\s*[—–-]\\s*`), "");
    const sources = files.filter((f) => /\.(c|S|h|mk)$|^Makefile$/.test(f)).map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
    const shared = readdirSync(samplesDir).filter((other) => other !== entry.name && sources.includes(`../${other}/`) && existsSync(join(samplesDir, other)));
    samples.push({ name: entry.name, title, elf, shared });
  }
  return samples.sort((a, b) => (a.name === "hello" ? -1 : b.name === "hello" ? 1 : a.name.localeCompare(b.name)));
}

/** JSON with comments and trailing commas, as VS Code writes launch.json. */
export function parseJsonc(text: string): unknown {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = /"(?:\\.|[^"\\])*"/y;
      end.lastIndex = i;
      const match = end.exec(text);
      out += match ? match[0] : c;
      i += match ? match[0].length - 1 : 0;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 1;
      if (i === 0) break;
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, "$1"));
}

type LaunchConfiguration = Record<string, unknown> & { name?: string };

/** The launch configurations for one sample, with paths as seen from the folder that holds `samples/`. */
export function sampleConfigurations(samplesDir: string, sample: SampleInfo): LaunchConfiguration[] {
  const launchFile = join(samplesDir, ".vscode", "launch.json");
  let configurations: LaunchConfiguration[] = [];
  if (existsSync(launchFile)) {
    const launch = parseJsonc(readFileSync(launchFile, "utf8")) as { configurations?: LaunchConfiguration[] };
    configurations = (launch.configurations ?? []).filter((c) => JSON.stringify(c).includes(`/${sample.name}/`));
  }
  if (configurations.length === 0) {
    configurations = [{ type: "vmscope", request: "launch", name: `vmscope: ${sample.name}`, program: `\${workspaceFolder}/samples/${sample.name}/${sample.elf}`, stopOnEntry: true }];
  }
  // ${workspaceFolder} was the samples folder; in the copy it is the folder above it.
  const rebased = JSON.stringify(configurations).replace(/\$\{workspaceFolder\}(?!\/samples\/)/g, "${workspaceFolder}/samples");
  return JSON.parse(rebased) as LaunchConfiguration[];
}

/** Adds configurations to a launch.json's text (or creates one), skipping names already there. */
export function mergeLaunchJson(existing: string | undefined, added: readonly LaunchConfiguration[]): string {
  const launch = (existing?.trim() ? parseJsonc(existing) : { version: "0.2.0", configurations: [] }) as { version?: string; configurations?: LaunchConfiguration[] };
  const configurations = launch.configurations ?? [];
  const names = new Set(configurations.map((c) => c.name));
  for (const configuration of added) if (!names.has(configuration.name)) configurations.push(configuration);
  return `${JSON.stringify({ ...launch, version: launch.version ?? "0.2.0", configurations }, null, 2)}\n`;
}
