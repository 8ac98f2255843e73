/**
 * POSIX path joining for the file names line tables build from the
 * compilation directory, an include directory and a name (no node:path:
 * vmm-core also runs in a browser).
 */

export function isAbsolute(path: string): boolean {
  return path.startsWith("/");
}

/** Removes "." segments, folds "dir/.." pairs, collapses repeated slashes; keeps leading ".." of relative paths. */
export function normalize(path: string): string {
  const absolute = isAbsolute(path);
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (segment === ".." && absolute) continue;
    else out.push(segment);
  }
  const joined = out.join("/");
  return absolute ? "/" + joined : joined || ".";
}

/** Joins left to right; an absolute part discards what came before it. */
export function joinPath(...parts: string[]): string {
  let path = "";
  for (const part of parts) {
    if (part === "") continue;
    path = isAbsolute(part) || path === "" ? part : `${path}/${part}`;
  }
  return normalize(path);
}

/** True when `path` is `suffix` or ends with "/" + suffix (both normalized). */
export function hasPathSuffix(path: string, suffix: string): boolean {
  const wanted = normalize(suffix);
  if (path === wanted) return true;
  return !isAbsolute(wanted) && path.endsWith("/" + wanted);
}
