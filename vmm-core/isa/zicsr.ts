/**
 * Zicsr: the six CSR instructions over the CSR table. CSRRW with rd = x0
 * does not read; CSRRS/CSRRC with rs1 = x0 (or uimm = 0) do not write, so
 * they may read read-only CSRs.
 */
import type { Decoded, Handler } from "./decoded";
import type { Hart } from "../hart/hart";
import { checkCsrAccess } from "../hart/csr-table";

type Operation = "write" | "set" | "clear";

function csrInstruction(operation: Operation, immediate: boolean): Handler {
  return (h: Hart, d: Decoded) => {
    const operand = immediate ? BigInt(d.immediate) : h.r[d.rs1];
    const source = immediate ? d.immediate : d.rs1;
    const writes = operation === "write" || source !== 0;
    const row = checkCsrAccess(h, d.csr, writes);
    if (typeof row === "number") return h.raise(row, BigInt(d.raw >>> 0));
    const reads = operation !== "write" || d.destination !== 0;
    const old = reads ? BigInt.asIntN(64, row.read(h)) : 0n;
    if (writes) {
      const value = operation === "write" ? operand : operation === "set" ? old | operand : old & ~operand;
      if (row.write) row.write(h, BigInt.asUintN(64, value));
    }
    if (reads) h.r[d.destination] = old;
  };
}

export const zicsrHandlers: Record<string, Handler> = {
  csrrw: csrInstruction("write", false),
  csrrs: csrInstruction("set", false),
  csrrc: csrInstruction("clear", false),
  csrrwi: csrInstruction("write", true),
  csrrsi: csrInstruction("set", true),
  csrrci: csrInstruction("clear", true),
};
