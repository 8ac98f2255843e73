/**
 * VM Exits view content: the newest exits first, then one group per exit
 * reason with its count (from vmscope/exitStats, kept in full by the
 * monitor) and rates, each group listing that reason's recent exits.
 */
import type { ExitRecordInfo, ExitStatsResponse } from "../../debug-adapter/protocol";
import { describeFilter, type ExitFilter, type ExitLog } from "./exit-log";
import { formatCount } from "./format";
import { perMillionInstructions } from "./rates";
import { messageNode, type ViewNode } from "./view-node";

/** Command the view runs when an exit is selected (reveals its pc). */
export const revealExitCommand = "vmscope.exits.reveal";

export const latestCount = 50;
export const perGroupCount = 200;

export function exitLabel(record: ExitRecordInfo): string {
  return `#${record.sequence} ${record.reason}`;
}

export function exitDescription(record: ExitRecordInfo): string {
  const detail = record.detail ? `${record.detail} · ` : "";
  return `${detail}pc ${record.pc} · vCPU ${record.vcpu}`;
}

export function exitTooltip(record: ExitRecordInfo): string {
  return [
    `exit #${record.sequence} on vCPU ${record.vcpu} at guest instret ${record.instret}`,
    `reason: ${record.reason}${record.detail ? ` (${record.detail})` : ""}`,
    `pc ${record.pc}${record.disassembly ? `: ${record.disassembly}` : ""}`,
    `handled: ${record.handling}`,
    `cost: ${record.cost}`,
  ].join("\n");
}

export function exitNode(record: ExitRecordInfo, group: string): ViewNode {
  return {
    id: `exit/${group}/${record.sequence}`,
    label: exitLabel(record),
    description: exitDescription(record),
    tooltip: exitTooltip(record),
    contextValue: "vmExit",
    icon: "debug-stackframe-dot",
    command: { command: revealExitCommand, title: "Reveal exit pc", arguments: [record] },
    data: record,
  };
}

export interface ReasonGroup {
  reason: string;
  /** Exits of this reason since boot (stats) or in the log when stats are missing. */
  count: number;
  perSecond?: number;
  perMillion?: number;
}

/**
 * Groups by reason, most frequent first. Counts come from the stats when
 * present (the log is a bounded ring), from the log otherwise.
 */
export function reasonGroups(log: ExitLog, filter: ExitFilter, stats?: ExitStatsResponse, perSecond: Record<string, number> = {}): ReasonGroup[] {
  const counts = new Map<string, number>();
  // The stats are per reason over all vCPUs: with a vCPU filter the log is the only source.
  if (stats && filter.vcpu === undefined) {
    for (const [reason, counters] of Object.entries(stats.byReason)) counts.set(reason, counters.count);
  } else {
    for (const record of log.records(filter)) counts.set(record.reason, (counts.get(record.reason) ?? 0) + 1);
  }
  const groups: ReasonGroup[] = [];
  for (const [reason, count] of counts) {
    if (filter.reason !== undefined && reason !== filter.reason) continue;
    if (count === 0) continue;
    groups.push({
      reason,
      count,
      perSecond: perSecond[reason],
      perMillion: stats ? perMillionInstructions(count, stats.instret) : undefined,
    });
  }
  return groups.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export function groupDescription(group: ReasonGroup): string {
  const parts = [`${formatCount(group.count)} ${group.count === 1 ? "exit" : "exits"}`];
  if (group.perMillion !== undefined) parts.push(`${formatCount(group.perMillion)}/M instr`);
  if (group.perSecond !== undefined) parts.push(`${formatCount(group.perSecond)}/s`);
  return parts.join(" · ");
}

export function exitsRootNodes(log: ExitLog, filter: ExitFilter, stats?: ExitStatsResponse, perSecond: Record<string, number> = {}): ViewNode[] {
  const nodes: ViewNode[] = [];
  const filterText = describeFilter(filter);
  if (filterText) {
    nodes.push({ id: "exits/filter", label: `Filter: ${filterText}`, contextValue: "exitFilter", icon: "filter", tooltip: "Clear with the view's clear-filter button" });
  }
  const latest = log.records(filter, latestCount);
  if (latest.length === 0) {
    const total = stats?.total ?? 0;
    nodes.push(messageNode("exits/none", total > 0 ? `No exits in the log match (${total} since boot)` : "No VM exits yet"));
    return nodes;
  }
  nodes.push({
    id: "exits/latest",
    label: "Latest exits",
    description: stats ? `${formatCount(stats.total)} since boot` : undefined,
    contextValue: "exitLatest",
    icon: "history",
    expanded: true,
    children: latest.map((record) => exitNode(record, "latest")),
  });
  for (const group of reasonGroups(log, filter, stats, perSecond)) {
    const records = log.records({ ...filter, reason: group.reason }, perGroupCount);
    const children = records.map((record) => exitNode(record, group.reason));
    if (children.length === 0) children.push(messageNode(`exits/${group.reason}/gone`, "(older than the log holds)"));
    nodes.push({
      id: `exits/reason/${group.reason}`,
      label: group.reason,
      description: groupDescription(group),
      tooltip: `${group.count} exits with reason ${group.reason}`,
      contextValue: "exitReason",
      icon: "symbol-event",
      children,
      data: group,
    });
  }
  return nodes;
}
