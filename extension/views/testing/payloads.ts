/**
 * Protocol payloads for the model tests, shaped as the adapter sends them
 * (debug-adapter/protocol.ts): an Sv39 guest with a root table, one
 * megapage and one 4 KiB leaf under a second-level table.
 */
import type { ExitRecordInfo, PageTableEntryInfo, PageTablesArguments, PageTablesResponse } from "../../../debug-adapter/protocol";

export const rootTable = "0x80203000";
export const level1Table = "0x80204000";

export const rootEntries: PageTableEntryInfo[] = [
  { level: 2, index: 2, pteAddress: "0x80203010", pte: "0x20081001", flags: "-------", kind: "table", va: "0x80000000", size: "0x40000000", target: level1Table },
];

export const level1Entries: PageTableEntryInfo[] = [
  { level: 1, index: 0, pteAddress: "0x80204000", pte: "0x200000cf", flags: "RWX--AD", kind: "leaf", va: "0x80000000", size: "0x200000", target: "0x80000000", hostTarget: "0x100000000" },
  { level: 1, index: 1, pteAddress: "0x80204008", pte: "0x20081401", flags: "-------", kind: "table", va: "0x80200000", size: "0x200000", target: "0x80205000" },
];

export function fakeTables(calls: PageTablesArguments[] = []) {
  return async (args: PageTablesArguments): Promise<PageTablesResponse> => {
    calls.push(args);
    if (args.ranges) {
      return {
        available: true,
        entries: [],
        ranges: [{ va: "0x80000000", vaEnd: "0x801fffff", pa: "0x80000000", flags: "RWX--AD", leaves: 1 }],
      };
    }
    if (args.table === undefined) {
      return { available: true, register: { name: "satp", value: "0x8000000000080203" }, rootTable, addressSpaces: "guest-virtual → guest-physical", entries: rootEntries };
    }
    if (args.table === level1Table) return { available: true, entries: level1Entries };
    return { available: true, entries: [] };
  };
}

export function exitRecord(sequence: number, reason: string, extra: Partial<ExitRecordInfo> = {}): ExitRecordInfo {
  return {
    sequence,
    vcpu: 0,
    instret: 1000 + sequence * 10,
    reason,
    detail: reason === "csr" ? "csrr sstatus" : "",
    pc: `0x${(0x80200000 + sequence * 4).toString(16)}`,
    handling: "emulated",
    cost: 40,
    ...extra,
  };
}
