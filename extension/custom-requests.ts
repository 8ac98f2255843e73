/**
 * Typed calls of vmscope's custom DAP requests: the name picks the argument
 * and response types from CustomRequestMap, so a view cannot send a payload
 * the adapter does not expect. Structural session type, so the pure models
 * and their tests never import `vscode`.
 */
import type { CustomRequestMap } from "../debug-adapter/protocol";

export type CustomRequestName = keyof CustomRequestMap;
export type RequestArguments<N extends CustomRequestName> = CustomRequestMap[N][0];
export type RequestResult<N extends CustomRequestName> = CustomRequestMap[N][1];

/** What a vscode.DebugSession offers for custom requests (and nothing more). */
export interface CustomRequestTarget {
  customRequest(command: string, args?: unknown): PromiseLike<unknown>;
}

/** The adapter refused or failed a request; the message names the request. */
export class CustomRequestError extends Error {
  constructor(
    readonly request: string,
    cause: unknown,
  ) {
    super(`${request} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "CustomRequestError";
  }
}

export async function vmscopeRequest<N extends CustomRequestName>(
  session: CustomRequestTarget,
  name: N,
  args: RequestArguments<N>,
): Promise<RequestResult<N>> {
  try {
    return (await session.customRequest(name, args)) as RequestResult<N>;
  } catch (error) {
    throw new CustomRequestError(name, error);
  }
}
