/**
 * The typed map from custom request name (protocol.ts's customRequests) to
 * its handler. The session hands every unknown command here; a name not in
 * the map is not ours.
 */
import type { DebugProtocol } from "@vscode/debugprotocol";
import type { Machine } from "../../vmm-core/machine/machine";
import { InspectionError } from "../inspection/guest-memory-access";
import { GuestView } from "../inspection/guest-view";
import type { CustomRequestMap } from "../protocol";
import { argumentsObject, optionalInteger } from "./arguments";
import { exitsRequest, exitStatsRequest } from "./exits";
import { consoleInputRequest, devicesRequest, hypervisorRequest, setBalloonRequest } from "./machine-requests";
import { PageTableCache, pageTablesRequest } from "./page-tables";
import { translateRequest } from "./translate";
import { trapsRequest } from "./traps";
import { loadSnapshotRequest, saveSnapshotRequest } from "./snapshot-requests";

export interface CustomContext {
  machine: Machine;
  pageTables: PageTableCache;
  /** Changes whenever the guest may have changed (ran, or memory/registers were written). */
  stamp: string;
}

type Handler<K extends keyof CustomRequestMap> = (context: CustomContext, args: unknown) => CustomRequestMap[K][1];

/** The vCPU (hart) a request names, hart 0 when it names none. */
function viewFor(context: CustomContext, args: unknown): GuestView {
  const vcpu = optionalInteger(argumentsObject(args), "vcpu") ?? 0;
  if (!context.machine.harts[vcpu]) throw new InspectionError(`'vcpu' ${vcpu} does not exist: the machine has vCPUs 0 to ${context.machine.harts.length - 1}`);
  return new GuestView(context.machine, vcpu);
}

const handlers: { [K in keyof CustomRequestMap]: Handler<K> } = {
  "vmscope/pageTables": (context, args) => pageTablesRequest(viewFor(context, args), args, context.pageTables, context.stamp),
  "vmscope/translate": (context, args) => translateRequest(viewFor(context, args), args),
  "vmscope/exits": (context, args) => exitsRequest(context.machine, args),
  "vmscope/exitStats": (context) => exitStatsRequest(context.machine),
  "vmscope/traps": (context, args) => trapsRequest(context.machine, args),
  "vmscope/devices": (context) => devicesRequest(context.machine),
  "vmscope/hypervisor": (context) => hypervisorRequest(context.machine),
  "vmscope/setBalloon": (context, args) => setBalloonRequest(context.machine, args),
  "vmscope/consoleInput": (context, args) => consoleInputRequest(context.machine, args),
  "vmscope/saveSnapshot": (context, args) => saveSnapshotRequest(context.machine, args),
  "vmscope/loadSnapshot": (context, args) => loadSnapshotRequest(context.machine, args),
};

/**
 * Requests after which the client's views are stale, and which: a balloon
 * change alters memory and counters; a snapshot load replaces the whole
 * machine state — every hart's registers, hence threads, stacks and all.
 */
export const stateChangingRequests: ReadonlyMap<string, DebugProtocol.InvalidatedAreas[]> = new Map([
  ["vmscope/setBalloon", ["variables"]],
  ["vmscope/loadSnapshot", ["all"]],
]);

export function isCustomRequest(command: string): command is keyof CustomRequestMap {
  return Object.prototype.hasOwnProperty.call(handlers, command);
}

export function handleCustomRequest<K extends keyof CustomRequestMap>(command: K, context: CustomContext, args: unknown): CustomRequestMap[K][1] {
  return (handlers[command] as Handler<K>)(context, args);
}
