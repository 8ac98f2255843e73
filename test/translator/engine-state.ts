/**
 * The architectural state of a machine as plain data, to compare the two
 * engines: every hart's pc, registers, privilege, counts, all CSRs, the
 * traps taken (count, per cause, the recent ones with pc and tval), and a
 * hash of every RAM page the guest touched.
 */
import { createHash } from "node:crypto";
import type { Machine } from "../../vmm-core/machine/machine";
import { csrTable } from "../../vmm-core/hart/csr-table";

export interface EngineState {
  harts: {
    pc: string;
    x: string[];
    priv: number;
    virt: boolean;
    waiting: boolean;
    instret: number;
    cycles: number;
    csrs: Record<string, string>;
    traps: { total: number; byCause: Record<string, number>; recent: string[] };
  }[];
  memory: string;
  power: string;
}

const hex = (value: bigint): string => BigInt.asUintN(64, value).toString(16);

export function engineState(machine: Machine): EngineState {
  const memory = createHash("sha256");
  for (let page = 0; page < machine.ram.pageCount; page++) {
    const view = machine.ram.existingPage(page);
    if (view === undefined) continue;
    memory.update(String(page));
    memory.update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  }
  return {
    harts: machine.harts.map((hart) => {
      const csrs: Record<string, string> = {};
      for (const row of csrTable) csrs[row.name] = hex(row.read(hart));
      return {
        pc: hex(hart.pc),
        x: Array.from(hart.x, hex),
        priv: hart.priv,
        virt: hart.virt,
        waiting: hart.waiting,
        instret: hart.instret,
        cycles: hart.cycles,
        csrs,
        traps: {
          total: hart.traps.total,
          byCause: hart.traps.byCause(),
          recent: hart.traps.recent().map((trap) => JSON.stringify(trap, (_key, value) => (typeof value === "bigint" ? hex(value) : value))),
        },
      };
    }),
    memory: memory.digest("hex"),
    power: `${machine.power.state}/${machine.power.exitCode}`,
  };
}
