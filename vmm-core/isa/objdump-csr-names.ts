/**
 * CSR names that GNU objdump (binutils 2.40, newest privileged spec) prints
 * for CSRs our hart does not implement, so the disassembly of a guest that
 * touches them (F, V, H, debug, AIA, Smstateen, RV32 high halves …) reads
 * like objdump's. CSRs the hart implements take their name from
 * hart/csr-table.ts; these rows only fill the gaps.
 */

/** Numbered families: [first address, first index, last index, prefix, suffix]. */
const families: readonly (readonly [number, number, number, string, string])[] = [
  [0x3a0, 0, 15, "pmpcfg", ""],
  [0x3b0, 0, 63, "pmpaddr", ""],
  [0x323, 3, 31, "mhpmevent", ""],
  [0x723, 3, 31, "mhpmevent", "h"],
  [0xb03, 3, 31, "mhpmcounter", ""],
  [0xb83, 3, 31, "mhpmcounter", "h"],
  [0xc03, 3, 31, "hpmcounter", ""],
  [0xc83, 3, 31, "hpmcounter", "h"],
  [0x10c, 0, 3, "sstateen", ""],
  [0x30c, 0, 3, "mstateen", ""],
  [0x31c, 0, 3, "mstateen", "h"],
  [0x60c, 0, 3, "hstateen", ""],
  [0x61c, 0, 3, "hstateen", "h"],
];

const singles: readonly (readonly [number, string])[] = [
  [0x001, "fflags"], [0x002, "frm"], [0x003, "fcsr"],
  [0x008, "vstart"], [0x009, "vxsat"], [0x00a, "vxrm"], [0x00f, "vcsr"], [0xc20, "vl"], [0xc21, "vtype"], [0xc22, "vlenb"],
  [0x015, "seed"],
  [0x114, "sieh"], [0x150, "siselect"], [0x151, "sireg"], [0x154, "siph"], [0x15c, "stopei"], [0x15d, "stimecmph"],
  [0x200, "vsstatus"], [0x204, "vsie"], [0x205, "vstvec"], [0x214, "vsieh"], [0x240, "vsscratch"], [0x241, "vsepc"],
  [0x242, "vscause"], [0x243, "vstval"], [0x244, "vsip"], [0x24d, "vstimecmp"], [0x250, "vsiselect"], [0x251, "vsireg"],
  [0x254, "vsiph"], [0x25c, "vstopei"], [0x25d, "vstimecmph"], [0x280, "vsatp"],
  [0x308, "mvien"], [0x309, "mvip"], [0x310, "mstatush"], [0x313, "midelegh"], [0x314, "mieh"], [0x318, "mvienh"],
  [0x319, "mviph"], [0x31a, "menvcfgh"], [0x34a, "mtinst"], [0x34b, "mtval2"], [0x350, "miselect"], [0x351, "mireg"],
  [0x354, "miph"], [0x35c, "mtopei"], [0x5a8, "scontext"],
  [0x600, "hstatus"], [0x602, "hedeleg"], [0x603, "hideleg"], [0x604, "hie"], [0x605, "htimedelta"], [0x606, "hcounteren"],
  [0x607, "hgeie"], [0x608, "hvien"], [0x609, "hvictl"], [0x60a, "henvcfg"], [0x613, "hidelegh"], [0x615, "htimedeltah"],
  [0x618, "hvienh"], [0x61a, "henvcfgh"], [0x643, "htval"], [0x644, "hip"], [0x645, "hvip"], [0x646, "hviprio1"],
  [0x647, "hviprio2"], [0x64a, "htinst"], [0x655, "hviph"], [0x656, "hviprio1h"], [0x657, "hviprio2h"], [0x680, "hgatp"],
  [0x6a8, "hcontext"], [0xe12, "hgeip"],
  [0x747, "mseccfg"], [0x757, "mseccfgh"],
  [0x7a0, "tselect"], [0x7a1, "tdata1"], [0x7a2, "tdata2"], [0x7a3, "tdata3"], [0x7a4, "tinfo"], [0x7a5, "tcontrol"],
  [0x7a8, "mcontext"], [0x7aa, "mscontext"], [0x7b0, "dcsr"], [0x7b1, "dpc"], [0x7b2, "dscratch0"], [0x7b3, "dscratch1"],
  [0xb80, "mcycleh"], [0xb82, "minstreth"], [0xc80, "cycleh"], [0xc81, "timeh"], [0xc82, "instreth"],
  [0xda0, "scountovf"], [0xdb0, "stopi"], [0xeb0, "vstopi"], [0xfb0, "mtopi"],
];

/** objdump's CSR names by address (undefined where objdump prints the number). */
export const objdumpCsrNames: readonly (string | undefined)[] = (() => {
  const names: (string | undefined)[] = new Array(4096).fill(undefined);
  for (const [address, first, last, prefix, suffix] of families) {
    for (let index = first; index <= last; index++) names[address + index - first] = `${prefix}${index}${suffix}`;
  }
  for (const [address, name] of singles) names[address] = name;
  return names;
})();

/**
 * binutils gates some names by the privileged-spec version the program was
 * built for (its .riscv.attributes; 1.12 when it has none): the N
 * extension's user CSRs exist until 1.12, the environment-configuration and
 * security CSRs from 1.12 on. Elsewhere objdump prints the number.
 */
const untilPrivileged112: readonly (readonly [number, string])[] = [
  [0x000, "ustatus"], [0x004, "uie"], [0x005, "utvec"], [0x040, "uscratch"], [0x041, "uepc"], [0x042, "ucause"], [0x043, "utval"], [0x044, "uip"],
];
const fromPrivileged112: ReadonlySet<number> = new Set([0x10a, 0x30a, 0x31a, 0x747, 0x757, 0xf15]);

/** The name objdump uses for a CSR the hart or objdump knows, given the program's privileged spec; undefined for a number. */
export function objdumpCsrName(address: number, implementedName: string | undefined, privilegedSpec: string): string | undefined {
  const before112 = privilegedSpec === "1.9.1" || privilegedSpec === "1.10" || privilegedSpec === "1.11";
  if (fromPrivileged112.has(address) && before112) return undefined;
  const old = untilPrivileged112.find(([number]) => number === address);
  if (old) return before112 ? old[1] : undefined;
  return implementedName ?? objdumpCsrNames[address];
}
