/**
 * The DAP events of a stop: the stopped event (reason, the breakpoints that
 * were hit, a description of traps, SBI calls, VM exits and data
 * breakpoints) and, for a data breakpoint, a console line with the values.
 */
import { OutputEvent, StoppedEvent } from "@vscode/debugadapter";
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Hart } from "../vmm-core/hart/hart";
import type { BreakpointKind } from "./breakpoints";
import { stopDescription } from "./breakpoints-exceptions";
import type { RuntimeStop } from "./runtime";

export function stopEvents(stop: RuntimeStop, hart: Hart | undefined, kindOf: (id: number) => BreakpointKind | undefined): DebugProtocol.Event[] {
  let reason: string;
  let hitBreakpointIds: number[] | undefined;
  switch (stop.kind) {
    case "breakpoint": {
      const kinds = stop.ids.map(kindOf);
      reason = kinds.includes("source") ? "breakpoint" : kinds.includes("function") ? "function breakpoint" : "instruction breakpoint";
      hitBreakpointIds = stop.ids;
      break;
    }
    case "watchpoint":
      reason = "data breakpoint";
      hitBreakpointIds = [stop.id];
      break;
    case "trap":
    case "ecall":
    case "exit":
      reason = "exception";
      break;
    default:
      reason = stop.kind;
  }
  const events: DebugProtocol.Event[] = [];
  const event: DebugProtocol.StoppedEvent = new StoppedEvent(reason, stop.hart + 1);
  event.body.allThreadsStopped = true;
  if (hitBreakpointIds) event.body.hitBreakpointIds = hitBreakpointIds;
  const description = stop.kind === "entry" || stop.kind === "pause" ? undefined : stopDescription(stop, hart);
  if (description) {
    event.body.description = description;
    event.body.text = description;
  }
  if (stop.kind === "watchpoint") {
    const old = stop.oldValue === undefined ? "" : ` (was 0x${stop.oldValue.toString(16)})`;
    const value = stop.value === undefined ? "" : `: 0x${stop.value.toString(16)}${old}`;
    events.push(new OutputEvent(`vmscope: ${description} by the instruction at 0x${stop.pc.toString(16)}${value}\n`, "console"));
  }
  events.push(event);
  return events;
}
