/**
 * Where `#include "x.h"` may find its file: the including file's folder,
 * then the `-I` folders of the nearest Makefile (this folder or up to two
 * above), as the guest's build would pass them to gcc. Only plain
 * `NAME = value` variables are expanded; that covers the usual Makefiles
 * and anything fancier just means fewer folders searched.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

function makefileIncludeDirs(makefile: string): string[] {
  const text = readFileSync(makefile, "utf8").replace(/\\\n/g, " ");
  const variables = new Map<string, string>();
  for (const match of text.matchAll(/^([A-Za-z_]\w*)\s*[:?]?=\s*(.*)$/gm)) variables.set(match[1], match[2]);
  const expand = (value: string): string => value.replace(/\$[({]([A-Za-z_]\w*)[)}]/g, (_, name: string) => variables.get(name) ?? "");
  const dirs: string[] = [];
  for (const match of text.matchAll(/(?:^|\s)-I\s*(\S+)/g)) {
    const dir = expand(match[1]);
    if (dir && !dir.includes("$")) dirs.push(resolve(dirname(makefile), dir));
  }
  return dirs;
}

/** Folders to search for the includes of the file at `path`, in order. */
export function includeSearchPath(path: string): string[] {
  const dirs = [dirname(path)];
  let dir = dirname(path);
  for (let level = 0; level < 3; level++) {
    const makefile = join(dir, "Makefile");
    if (existsSync(makefile)) {
      try {
        dirs.push(...makefileIncludeDirs(makefile));
      } catch {
        // An unreadable Makefile only means fewer folders to search.
      }
      break;
    }
    dir = dirname(dir);
  }
  return [...new Set(dirs)];
}
