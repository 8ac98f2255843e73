/**
 * The snapshot round trip the acceptance tests run: a machine runs to its
 * end, saving snapshots (the first after `firstPoint` instructions, then
 * doubling), and records its
 * console and every exit. Then fresh machines restored from the snapshot
 * nearest the middle and from the last one run on with the same calls and
 * must print the same console from there on, log the same exits (sequence
 * numbers continuing), save identical snapshots at the later points and end
 * in the same state (a final snapshot: harts, devices, monitor, guest RAM).
 */
import assert from "node:assert/strict";
import { copyFileSync, statSync, utimesSync } from "node:fs";
import { createHash } from "node:crypto";
import { Machine, type MachineOptions } from "../../vmm-core/machine/machine";
import { decodeSnapshot } from "../../vmm-core/snapshot/snapshot-format";
import { encodeValue } from "../../vmm-core/snapshot/value-codec";
import type { ExitRecord } from "../../vmm-core/hypervisor/exit-record";

export interface RoundTripSpec {
  options: Omit<MachineOptions, "console">;
  input?: string;
  /** Instructions before the first snapshot point. */
  firstPoint?: number;
  /** Give up (test failure) after this many instructions. */
  limit?: number;
  /** Disk images the guest writes: copied at every point, put back before the restore (a snapshot needs its drive unchanged). */
  disks?: string[];
}

interface Point {
  at: number;
  snapshot: Uint8Array;
  consoleLength: number;
  exitCount: number;
  disks: string[];
}

interface Recording {
  console: Buffer;
  exits: ExitRecord[];
  points: Point[];
  end: { instructions: number; power: unknown; state: string };
}

export interface RoundTripResult {
  totalInstructions: number;
  restoredAt: number;
  snapshotBytes: number;
  consoleAfter: number;
  exitsAfter: number;
  pointsCompared: number;
}

function record(machine: Machine, chunks: Buffer[], startAt: number, spec: RoundTripSpec, copies: boolean, exits: ExitRecord[]): Recording {
  const first = spec.firstPoint ?? 10_000;
  const limit = spec.limit ?? 200_000_000;
  const points: Point[] = [];
  let executed = startAt;
  // Points double (denser spacing made the suite take many minutes on the OpenSBI runs); the last one is past the middle.
  const after = (point: number) => point + Math.max(first, point);
  let next = first;
  while (next <= executed) next = after(next);
  while (machine.power.state === "running" && executed < limit) {
    const result = machine.run(next - executed);
    executed += result.instructions;
    if (result.reason === "halted") throw new Error(`every hart halted at ${executed} instructions`);
    if (result.reason === "reset") throw new Error("the guest asked for a reset");
    if (executed === next) {
      const snapshot = machine.saveSnapshot();
      const disks = copies ? (spec.disks ?? []).map((disk, i) => keepCopy(disk, `${disk}.at-${next}-${i}`)) : [];
      points.push({ at: next, snapshot, consoleLength: Buffer.concat(chunks).length, exitCount: exits.length, disks });
      next = after(next);
    }
  }
  assert.equal(machine.power.state, "off", `the guest did not power off within ${limit} instructions`);
  return { console: Buffer.concat(chunks), exits, points, end: { instructions: executed, power: { ...machine.power }, state: finalState(machine) } };
}

function keepCopy(from: string, to: string): string {
  copyFileSync(from, to);
  const stat = statSync(from);
  utimesSync(to, stat.atime, stat.mtime);
  return to;
}

/**
 * The whole final state — harts, devices, monitor, guest RAM — as a last
 * snapshot decoded into comparable data (a snapshot holds everything).
 */
function finalState(machine: Machine): string {
  return JSON.stringify(comparable(machine.saveSnapshot()));
}

/** What may differ run to run: the monitor's host time, and a drive's time, which the test's copy-back keeps only to the millisecond. */
const ignored = new Set(["hostNanoseconds", "mtimeMs"]);

/** A snapshot without what may differ run to run. */
function comparable(bytes: Uint8Array): unknown {
  const { header, pages } = decodeSnapshot(bytes);
  const ram = Object.fromEntries(pages.map((page) => [page.index, createHash("sha256").update(page.data).digest("hex")]));
  return JSON.parse(JSON.stringify({ header: encodeValue(header), ram }, (key, value) => (ignored.has(key) ? 0 : value)));
}

/** Where two decoded snapshots first differ, as a path and both values (a whole header is too long for a message). */
export function firstDifference(a: unknown, b: unknown, path = ""): string | undefined {
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return a === b ? undefined : `${path}: ${JSON.stringify(a)?.slice(0, 300)} vs ${JSON.stringify(b)?.slice(0, 300)}`;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

export function snapshotRoundTrip(spec: RoundTripSpec): RoundTripResult {
  const chunks: Buffer[] = [];
  const exits: ExitRecord[] = [];
  const original = new Machine({ ...spec.options, console: { write: (bytes) => chunks.push(Buffer.from(bytes)) } });
  original.monitor?.exits.onRecord((exit) => exits.push({ ...exit }));
  if (spec.input) original.input.push(spec.input);
  const first = record(original, chunks, 0, spec, true, exits);
  const middle = [...first.points].reverse().find((point) => point.at <= first.end.instructions / 2) ?? first.points[0];
  assert.ok(middle, `the guest ended after ${first.end.instructions} instructions, before the first snapshot point`);
  // The middle point, and the last one (late device state: buffers used, random bytes drawn, a disk written).
  const last = first.points[first.points.length - 1];
  let compared = { consoleAfter: 0, exitsAfter: 0, pointsCompared: 0 };
  for (const point of last === middle ? [middle] : [middle, last]) {
    const outcome = continueFrom(point, first, spec);
    if (point === middle) compared = outcome;
  }
  return {
    totalInstructions: first.end.instructions,
    restoredAt: middle.at,
    snapshotBytes: middle.snapshot.length,
    ...compared,
  };
}

/** A fresh machine restored from `middle` runs to the end and must have done what the original did after that point. */
function continueFrom(middle: Point, first: Recording, spec: RoundTripSpec): { consoleAfter: number; exitsAfter: number; pointsCompared: number } {
  (spec.disks ?? []).forEach((disk, i) => keepCopy(middle.disks[i], disk));
  const restoredChunks: Buffer[] = [];
  const restoredExits: ExitRecord[] = [];
  const restored = Machine.fromSnapshot(middle.snapshot, { ...spec.options, console: { write: (bytes) => restoredChunks.push(Buffer.from(bytes)) } });
  restored.monitor?.exits.onRecord((exit) => restoredExits.push({ ...exit }));
  // The restored machine must end where the original did: no need to let a broken one run on for long.
  const second = record(restored, restoredChunks, middle.at, { ...spec, limit: first.end.instructions }, false, restoredExits);
  assert.equal(second.console.toString("latin1"), first.console.subarray(middle.consoleLength).toString("latin1"), "console output after the snapshot");
  assert.deepEqual(second.exits, first.exits.slice(middle.exitCount), "exit records after the snapshot");
  const later = first.points.filter((point) => point.at > middle.at);
  assert.equal(second.points.length, later.length, "snapshot points after the restore");
  // The last later snapshot stands for the others (decoding each is slow on big guests); the final state follows.
  const lastLater = later.length - 1;
  if (lastLater >= 0) {
    const difference = firstDifference(comparable(second.points[lastLater].snapshot), comparable(later[lastLater].snapshot));
    assert.equal(difference, undefined, `the snapshot at ${later[lastLater].at} instructions differs: restored vs original ${difference}`);
  }
  const difference = firstDifference(JSON.parse(second.end.state), JSON.parse(first.end.state));
  assert.equal(difference, undefined, `the final state differs: restored vs original ${difference}`);
  assert.deepEqual(second.end, first.end, "final state");
  return { consoleAfter: second.console.length, exitsAfter: second.exits.length, pointsCompared: later.length };
}
