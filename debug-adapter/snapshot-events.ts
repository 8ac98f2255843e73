/**
 * What the client must be told after vmscope/loadSnapshot replaced the
 * machine's state (the inspector has already sent `invalidated` with areas
 * ["all"]): harts that appeared or went away as thread events, and, when
 * the guest is stopped, a stopped event — VS Code and other clients fetch
 * threads, stacks and scopes again on one, so the new stop location shows.
 * Its reason is "goto", DAP's reason for an execution position changed by a
 * request rather than by running.
 */
import { StoppedEvent, ThreadEvent } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";

export const snapshotLoadedReason = "goto";

export function snapshotLoadedEvents(threadsBefore: number, threadsAfter: number, stopped: boolean): DebugProtocol.Event[] {
  const events: DebugProtocol.Event[] = [];
  for (let id = threadsAfter + 1; id <= threadsBefore; id++) events.push(new ThreadEvent("exited", id));
  for (let id = threadsBefore + 1; id <= threadsAfter; id++) events.push(new ThreadEvent("started", id));
  if (stopped && threadsAfter > 0) {
    const event: DebugProtocol.StoppedEvent = new StoppedEvent(snapshotLoadedReason, 1);
    event.body.allThreadsStopped = true;
    event.body.description = "Snapshot loaded: every hart is where the snapshot left it";
    events.push(event);
  }
  return events;
}
