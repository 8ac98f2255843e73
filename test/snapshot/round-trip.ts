/**
 * The snapshot round trip the acceptance tests run: a machine runs to its
 * end, saving a snapshot at points 2^k × `firstPoint` instructions, and
 * records its console and every exit; then a fresh machine restored from
 * the snapshot nearest the middle runs on with the same calls and must
 * print the same console from there on, log the same exits (sequence
 * numbers continuing), save identical snapshots at the later points and
 * end in the same state.
 */
import assert from "node:assert/strict";
import { copyFileSync, statSync, utimesSync } from "node:fs";
import { createHash } from "node:crypto";
import { Machine, type MachineOptions } from "../../vmm-core/machine/machine";
import { decodeSnapshot } from "../../vmm-core/snapshot/snapshot-format";
import { saveHartState } from "../../vmm-core/snapshot/hart-state";
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
  let next = first;
  while (next <= executed) next *= 2;
  while (machine.power.state === "running" && executed < limit) {
    const result = machine.run(next - executed);
    executed += result.instructions;
    if (result.reason === "halted") throw new Error(`every hart halted at ${executed} instructions`);
    if (result.reason === "reset") throw new Error("the guest asked for a reset");
    if (executed === next) {
      const snapshot = machine.saveSnapshot();
      const disks = copies ? (spec.disks ?? []).map((disk, i) => keepCopy(disk, `${disk}.at-${next}-${i}`)) : [];
      points.push({ at: next, snapshot, consoleLength: Buffer.concat(chunks).length, exitCount: exits.length, disks });
      next *= 2;
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

/** Harts, exit-log statistics and guest RAM as one comparable string. */
function finalState(machine: Machine): string {
  const hash = createHash("sha256");
  for (let index = 0; index < machine.ram.pageCount; index++) {
    const page = machine.ram.existingPage(index);
    if (page) hash.update(String(index)).update(new Uint8Array(page.buffer));
  }
  const harts = machine.harts.map((hart) => {
    const state = saveHartState(hart) as unknown as Record<string, unknown>;
    delete state.tlbCounters; // statistics of a cache
    return state;
  });
  const exits = machine.monitor?.exits.statistics();
  for (const counters of Object.values(exits?.byReason ?? {})) counters.hostNanoseconds = 0;
  for (const details of Object.values(exits?.byDetail ?? {})) for (const counters of Object.values(details)) counters.hostNanoseconds = 0;
  return JSON.stringify(encodeValue({ harts, exits, ram: hash.digest("hex") }));
}

/** A snapshot without what may differ run to run: the monitor's host time. */
function comparable(bytes: Uint8Array): string {
  const { header, pages } = decodeSnapshot(bytes);
  return JSON.stringify(encodeValue(header), (key, value) => (key === "hostNanoseconds" ? 0 : value)) + createHash("sha256").update(Buffer.concat(pages.map((page) => page.data))).digest("hex");
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
  (spec.disks ?? []).forEach((disk, i) => keepCopy(middle.disks[i], disk));

  const restoredChunks: Buffer[] = [];
  const restoredExits: ExitRecord[] = [];
  const restored = Machine.fromSnapshot(middle.snapshot, { ...spec.options, console: { write: (bytes) => restoredChunks.push(Buffer.from(bytes)) } });
  restored.monitor?.exits.onRecord((exit) => restoredExits.push({ ...exit }));
  const second = record(restored, restoredChunks, middle.at, spec, false, restoredExits);

  assert.equal(second.console.toString("latin1"), first.console.subarray(middle.consoleLength).toString("latin1"), "console output after the snapshot");
  assert.deepEqual(second.exits, first.exits.slice(middle.exitCount), "exit records after the snapshot");
  const later = first.points.filter((point) => point.at > middle.at);
  assert.equal(second.points.length, later.length, "snapshot points after the restore");
  later.forEach((point, i) => assert.equal(comparable(second.points[i].snapshot), comparable(point.snapshot), `snapshot at ${point.at} instructions`));
  assert.deepEqual(second.end, first.end, "final state");
  return {
    totalInstructions: first.end.instructions,
    restoredAt: middle.at,
    snapshotBytes: middle.snapshot.length,
    consoleAfter: second.console.length,
    exitsAfter: second.exits.length,
    pointsCompared: later.length,
  };
}
