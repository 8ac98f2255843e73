/** The package version; the build inlines it, a source run reads package.json. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

declare const __VMSCOPE_VERSION__: string | undefined;

export function packageVersion(): string {
  if (typeof __VMSCOPE_VERSION__ === "string") return __VMSCOPE_VERSION__;
  try {
    const text = readFileSync(join(__dirname, "..", "package.json"), "utf8");
    return (JSON.parse(text) as { version: string }).version;
  } catch {
    return "unknown";
  }
}
