/**
 * Choosing the execution engine. The default is the translator (it passes
 * every test the interpreter passes, instruction for instruction, and is
 * 2.5–4× faster on compute-bound guests); VMSCOPE_ENGINE=interpreter in the
 * environment makes the interpreter, the reference, the default, so every
 * test can run unchanged on either engine.
 */
import { engines, type Engine } from "../hart";

/** The engine named by VMSCOPE_ENGINE, when set (Node only; a browser has no process). */
export function defaultEngine(): Engine {
  const named = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.VMSCOPE_ENGINE;
  return named === "interpreter" ? "interpreter" : "translator";
}

/** Validates a user's engine name; returns an error message for a wrong one. */
export function engineProblem(value: unknown): string | undefined {
  return engines.includes(value as Engine) ? undefined : `engine: '${String(value)}' is not an engine; use one of ${engines.join(", ")}`;
}
