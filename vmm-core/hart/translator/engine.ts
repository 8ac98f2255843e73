/**
 * Choosing the execution engine. The default is the interpreter (the
 * reference); VMSCOPE_ENGINE=translator in the environment changes the
 * default, so every existing test can run unchanged on the translator.
 */
import { engines, type Engine } from "../hart";

/** The engine named by VMSCOPE_ENGINE, when set (Node only; a browser has no process). */
export function defaultEngine(): Engine {
  const named = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.VMSCOPE_ENGINE;
  return named === "translator" ? "translator" : "interpreter";
}

/** Validates a user's engine name; returns an error message for a wrong one. */
export function engineProblem(value: unknown): string | undefined {
  return engines.includes(value as Engine) ? undefined : `engine: '${String(value)}' is not an engine; use one of ${engines.join(", ")}`;
}
