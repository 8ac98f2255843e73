/**
 * Decoded fields of the CSRs the Variables view expands (privileged spec
 * 3.1, 4.1, 8.2), as data: bit ranges with names and value names. The VS
 * CSRs share their S counterpart's layout. Adding a CSR is one row.
 */
import { causeName } from "../../vmm-core/hart/trap";

export interface CsrField {
  name: string;
  high: number;
  low: number;
  /** Names of values (MODE 8 = "Sv39", MPP 3 = "M"). */
  values?: Readonly<Record<number, string>>;
}

/** How a CSR decodes: its fields, or one of the layouts computed from names. */
export type CsrLayout = readonly CsrField[] | "cause" | "exceptions" | "interrupt-enables" | "interrupt-pending" | "interrupts";

const bit = (name: string, at: number): CsrField => ({ name, high: at, low: at });
const range = (name: string, high: number, low: number, values?: Record<number, string>): CsrField => ({ name, high, low, values });

const privilegeNames = { 0: "U", 1: "S", 3: "M" };
const extensionState = { 0: "Off", 1: "Initial", 2: "Clean", 3: "Dirty" };
const xlen = { 1: "32", 2: "64", 3: "128" };
const satpModes = { 0: "Bare", 8: "Sv39", 9: "Sv48", 10: "Sv57" };
const hgatpModes = { 0: "Bare", 8: "Sv39x4", 9: "Sv48x4", 10: "Sv57x4" };
const tvecModes = { 0: "Direct", 1: "Vectored" };

const sstatus: CsrField[] = [
  bit("SIE", 1), bit("SPIE", 5), bit("UBE", 6), range("SPP", 8, 8, privilegeNames), range("VS", 10, 9, extensionState),
  range("FS", 14, 13, extensionState), range("XS", 16, 15, extensionState), bit("SUM", 18), bit("MXR", 19), range("UXL", 33, 32, xlen), bit("SD", 63),
];
const mstatus: CsrField[] = [
  bit("SIE", 1), bit("MIE", 3), bit("SPIE", 5), bit("UBE", 6), bit("MPIE", 7), range("SPP", 8, 8, privilegeNames), range("VS", 10, 9, extensionState),
  range("MPP", 12, 11, privilegeNames), range("FS", 14, 13, extensionState), range("XS", 16, 15, extensionState), bit("MPRV", 17), bit("SUM", 18),
  bit("MXR", 19), bit("TVM", 20), bit("TW", 21), bit("TSR", 22), range("UXL", 33, 32, xlen), range("SXL", 35, 34, xlen), bit("SBE", 36), bit("MBE", 37),
  bit("GVA", 38), bit("MPV", 39), bit("SD", 63),
];
const satp: CsrField[] = [range("MODE", 63, 60, satpModes), range("ASID", 59, 44), range("PPN", 43, 0)];
const tvec: CsrField[] = [range("MODE", 1, 0, tvecModes), range("BASE", 63, 2)];
const counterEnable: CsrField[] = [bit("CY", 0), bit("TM", 1), bit("IR", 2)];

/** Layout by CSR name; the guest's S CSRs and the real M/H ones alike. */
export const csrLayouts: Readonly<Record<string, CsrLayout>> = {
  sstatus,
  vsstatus: sstatus,
  mstatus,
  satp,
  vsatp: satp,
  hgatp: [range("MODE", 63, 60, hgatpModes), range("VMID", 57, 44), range("PPN", 43, 0)],
  hstatus: [
    bit("VSBE", 5), bit("GVA", 6), bit("SPV", 7), range("SPVP", 8, 8, { 0: "U", 1: "S" }), bit("HU", 9), range("VGEIN", 17, 12),
    bit("VTVM", 20), bit("VTW", 21), bit("VTSR", 22), range("VSXL", 33, 32, xlen),
  ],
  stvec: tvec,
  vstvec: tvec,
  mtvec: tvec,
  scause: "cause",
  vscause: "cause",
  mcause: "cause",
  medeleg: "exceptions",
  hedeleg: "exceptions",
  mideleg: "interrupts",
  hideleg: "interrupts",
  sie: "interrupt-enables",
  vsie: "interrupt-enables",
  mie: "interrupt-enables",
  hie: "interrupt-enables",
  sip: "interrupt-pending",
  vsip: "interrupt-pending",
  mip: "interrupt-pending",
  hip: "interrupt-pending",
  hvip: "interrupt-pending",
  scounteren: counterEnable,
  mcounteren: counterEnable,
  hcounteren: counterEnable,
  menvcfg: [bit("FIOM", 0), bit("STCE", 63)],
  senvcfg: [bit("FIOM", 0)],
  henvcfg: [bit("FIOM", 0), bit("STCE", 63)],
  misa: [range("MXL", 63, 62, xlen), ...Array.from({ length: 26 }, (_, i) => bit(String.fromCharCode(65 + i), i))],
};

/** Interrupt numbers and their short names (mip bit i). */
const interruptBits: readonly [number, string][] = [
  [1, "SS"], [2, "VSS"], [3, "MS"], [5, "ST"], [6, "VST"], [7, "MT"], [9, "SE"], [10, "VSE"], [11, "ME"], [12, "SGE"],
];
const exceptionCodes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 20, 21, 22, 23];

export interface DecodedField {
  name: string;
  value: string;
  /** The field's bit range ("bit 5", "bits 12:11") and meaning. */
  type: string;
}

function fieldValue(value: bigint, field: CsrField): DecodedField {
  const width = BigInt(field.high - field.low + 1);
  const raw = (value >> BigInt(field.low)) & ((1n << width) - 1n);
  const named = field.values?.[Number(raw)];
  const shown = width === 1n ? raw.toString() : "0x" + raw.toString(16);
  return {
    name: field.name,
    value: named === undefined ? shown : `${shown} (${named})`,
    type: field.high === field.low ? `bit ${field.low}` : `bits ${field.high}:${field.low}`,
  };
}

/** The fields of `value` for the CSR `name`, or undefined when it has no layout. */
export function decodeCsr(name: string, value: bigint): DecodedField[] | undefined {
  const layout = csrLayouts[name];
  if (layout === undefined) return undefined;
  const v = BigInt.asUintN(64, value);
  switch (layout) {
    case "cause": {
      const interrupt = (v >> 63n) === 1n;
      const code = v & ((1n << 63n) - 1n);
      return [
        { name: "Interrupt", value: interrupt ? "1" : "0", type: "bit 63" },
        { name: "Exception Code", value: `${code} (${causeName(Number(code), interrupt)})`, type: "bits 62:0" },
      ];
    }
    case "exceptions":
      return exceptionCodes.map((code) => ({ name: causeName(code, false), value: String((v >> BigInt(code)) & 1n), type: `bit ${code}` }));
    default: {
      if (typeof layout !== "string") {
        const fields = layout.map((field) => fieldValue(v, field));
        if (layout === satp || name === "hgatp") fields.push({ name: "root table", value: "0x" + ((v & ((1n << 44n) - 1n)) << 12n).toString(16), type: "PPN << 12" });
        return fields;
      }
      const suffix = layout === "interrupt-enables" ? "IE" : layout === "interrupt-pending" ? "IP" : "I";
      return interruptBits.map(([at, short]) => ({ name: short + suffix, value: String((v >> BigInt(at)) & 1n), type: `bit ${at}` }));
    }
  }
}

/** The one-line summary a CSR's value gets next to its hex ("Sv39 asid 0", "load page fault"). */
export function summarizeCsr(name: string, value: bigint): string | undefined {
  const layout = csrLayouts[name];
  const v = BigInt.asUintN(64, value);
  if (layout === "cause") return causeName(Number(v & ((1n << 63n) - 1n)), v >> 63n === 1n);
  if (layout === satp) return v >> 60n === 0n ? "Bare" : `${satpModes[Number(v >> 60n) as 8] ?? "mode " + (v >> 60n)} asid ${(v >> 44n) & 0xffffn} root 0x${((v & ((1n << 44n) - 1n)) << 12n).toString(16)}`;
  return undefined;
}
