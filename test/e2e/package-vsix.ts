/**
 * Builds the .vsix the way `npm run package` does (vsce, no dependencies:
 * the bundles in dist/ carry everything) into a folder of the caller's, and
 * lists a zip's entries without an unzip tool (CI's Debian has none).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { inflateRawSync } from "node:zlib";

export const root = resolve(import.meta.dirname, "..", "..");

/** Runs vsce on the current dist/ (build first: `npm test` does) and returns the .vsix path. */
export function packageVsix(outDir: string): string {
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  const out = join(outDir, `vmscope-${version}.vsix`);
  const vsce = join(root, "node_modules", "@vscode", "vsce", "vsce");
  const result = spawnSync(process.execPath, [vsce, "package", "--no-dependencies", "--allow-missing-repository", "--no-rewrite-relative-links", "--out", out], {
    cwd: root,
    encoding: "utf8",
    timeout: 180_000,
  });
  if (result.status !== 0) throw new Error(`vsce package failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return out;
}

export interface ZipEntry {
  name: string;
  size: number;
  read(): Buffer;
}

/** The entries of a zip file, from its central directory. */
export function listZip(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error("not a zip file: no end of central directory");
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    entries.push({
      name,
      size,
      read: () => {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const data = zip.subarray(start, start + compressed);
        return method === 8 ? inflateRawSync(data) : Buffer.from(data);
      },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
