/**
 * What a component offers the snapshot code: its state as plain data
 * (bigints, typed arrays, Maps allowed; see value-codec.ts) and a way to
 * take it back. Wiring (buses, IRQ lines, consoles) is never state.
 */
export interface Stateful {
  saveState(): unknown;
  loadState(state: unknown): void;
}

export function isStateful(value: unknown): value is Stateful {
  const candidate = value as Partial<Stateful> | undefined;
  return typeof candidate?.saveState === "function" && typeof candidate.loadState === "function";
}
