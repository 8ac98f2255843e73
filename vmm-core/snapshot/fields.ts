/**
 * Saving and restoring a component's data fields by name, so each
 * component's saveState/loadState is the list of what is state (not its
 * wiring: buses, IRQ lines, consoles). Restoring writes containers in place
 * (typed arrays, arrays, Maps, Sets), because components hold them in
 * readonly fields and other objects may share them.
 */
import { SnapshotError } from "./snapshot-error";

export type FieldState = Record<string, unknown>;

export function captureFields(owner: object, names: readonly string[]): FieldState {
  const source = owner as Record<string, unknown>;
  const state: FieldState = {};
  for (const name of names) state[name] = copyValue(source[name]);
  return state;
}

export function restoreFields(owner: object, names: readonly string[], state: unknown, what: string): void {
  if (typeof state !== "object" || state === null) throw new SnapshotError(`${what}: the saved state is missing`);
  const target = owner as Record<string, unknown>;
  const saved = state as FieldState;
  for (const name of names) {
    if (!(name in saved)) throw new SnapshotError(`${what}: the saved state has no '${name}'`);
    target[name] = restoreValue(target[name], saved[name], `${what}.${name}`);
  }
}

/** The plain data fields of an object (CSR banks): everything but functions and nested class instances. */
export function dataFieldNames(owner: object): string[] {
  return Object.keys(owner).filter((name) => {
    const value = (owner as Record<string, unknown>)[name];
    return typeof value !== "function" && (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || Array.isArray(value));
  });
}

/** A copy that later changes to the live component do not reach. */
function copyValue(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return (value as Uint8Array).slice();
  if (Array.isArray(value)) return value.map(copyValue);
  if (value instanceof Map) return new Map([...value].map(([key, item]) => [key, copyValue(item)]));
  if (value instanceof Set) return new Set(value);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copyValue(item)]));
  }
  return value;
}

function restoreValue(current: unknown, saved: unknown, what: string): unknown {
  if (ArrayBuffer.isView(current) && !(current instanceof DataView)) {
    const array = current as Uint8Array;
    if (!ArrayBuffer.isView(saved) || (saved as Uint8Array).length !== array.length || saved.constructor !== array.constructor) {
      throw new SnapshotError(`${what}: the saved array does not fit this machine`);
    }
    array.set(saved as Uint8Array);
    return current;
  }
  if (Array.isArray(current)) {
    if (!Array.isArray(saved)) throw new SnapshotError(`${what}: expected a list`);
    current.splice(0, current.length, ...saved.map(copyValue));
    return current;
  }
  if (current instanceof Map) {
    if (!(saved instanceof Map)) throw new SnapshotError(`${what}: expected a map`);
    current.clear();
    for (const [key, item] of saved) current.set(key, copyValue(item));
    return current;
  }
  if (current instanceof Set) {
    if (!(saved instanceof Set)) throw new SnapshotError(`${what}: expected a set`);
    current.clear();
    for (const item of saved) current.add(item);
    return current;
  }
  if (typeof current === "object" && current !== null && Object.getPrototypeOf(current) === Object.prototype && typeof saved === "object" && saved !== null) {
    // Counter and record objects held in readonly fields: replace their contents where they are.
    const target = current as Record<string, unknown>;
    for (const key of Object.keys(target)) delete target[key];
    for (const [key, item] of Object.entries(saved)) target[key] = copyValue(item);
    return current;
  }
  return copyValue(saved);
}
