/**
 * CSR documentation for hovers and diagnostics. Names and numbers come from
 * the hart's CSR table (what vmscope implements) and objdump's names (what
 * the assembler knows but the hart does not implement); privilege and
 * read-only-ness come from the address bits, as the privileged spec
 * defines them. Field layouts are data for the CSRs a kernel author reads
 * most.
 */
import { csrTable } from "../../vmm-core/hart/csr-table";
import { objdumpCsrNames } from "../../vmm-core/isa/objdump-csr-names";

export interface CsrInfo {
  name: string;
  address: number;
  /** Whether vmscope's hart implements it (otherwise accessing it raises an illegal-instruction exception). */
  implemented: boolean;
}

const byName = new Map<string, CsrInfo>();
for (const row of csrTable) byName.set(row.name, { name: row.name, address: row.address, implemented: true });
objdumpCsrNames.forEach((name, address) => {
  if (name !== undefined && !byName.has(name)) byName.set(name, { name, address, implemented: false });
});

export function findCsr(name: string): CsrInfo | undefined {
  return byName.get(name.toLowerCase());
}

const privilegeNames = ["User (unprivileged)", "Supervisor", "Hypervisor / VS", "Machine"] as const;

/** Privilege level the address encodes (bits 9:8). */
export function csrPrivilege(address: number): string {
  return privilegeNames[(address >> 8) & 3];
}

/** Bits 11:10 = 3 mark a read-only CSR. */
export function csrReadOnly(address: number): boolean {
  return address >> 10 === 3;
}

const statusFields = "SIE[1] SPIE[5] UBE[6] SPP[8] VS[10:9] FS[14:13] XS[16:15] SUM[18] MXR[19] UXL[33:32] SD[63]";
const interruptFields = (level: string): string =>
  level === "s" ? "SSI[1] STI[5] SEI[9]" : "SSI[1] VSSI[2] MSI[3] STI[5] VSTI[6] MTI[7] SEI[9] VSEI[10] MEI[11] SGEI[12]";
const trapVector = "MODE[1:0] (0 direct, 1 vectored) BASE[63:2]";
const cause = "Interrupt[63] Exception code[62:0]";
const translation = (stage: string): string => `MODE[63:60] (0 bare, 8 ${stage}) ASID/VMID[59:44] PPN[43:0]`;

/** Field layouts, `NAME[hi:lo]`, of the CSRs kernel code reads most. */
export const csrFields: Readonly<Record<string, string>> = {
  sstatus: statusFields,
  vsstatus: statusFields,
  mstatus: `${statusFields} MIE[3] MPIE[7] MPP[12:11] MPRV[17] TVM[20] TW[21] TSR[22] SXL[35:34] SBE[36] MBE[37] GVA[38] MPV[39]`,
  hstatus: "VSBE[5] GVA[6] SPV[7] SPVP[8] HU[9] VGEIN[17:12] VTVM[20] VTW[21] VTSR[22] VSXL[33:32]",
  sie: interruptFields("s"),
  sip: interruptFields("s"),
  mie: interruptFields("m"),
  mip: interruptFields("m"),
  mideleg: interruptFields("m"),
  hideleg: "VSSI[2] VSTI[6] VSEI[10]",
  hvip: "VSSI[2] VSTI[6] VSEI[10]",
  stvec: trapVector,
  mtvec: trapVector,
  vstvec: trapVector,
  scause: cause,
  mcause: cause,
  vscause: cause,
  satp: translation("Sv39"),
  vsatp: translation("Sv39"),
  hgatp: "MODE[63:60] (0 bare, 8 Sv39x4) VMID[57:44] PPN[43:0]",
  misa: "MXL[63:62] Extensions[25:0] (bit n = letter 'A'+n)",
  menvcfg: "FIOM[0] CBIE[5:4] CBCFE[6] CBZE[7] PBMTE[62] STCE[63]",
  henvcfg: "FIOM[0] STCE[63]",
  senvcfg: "FIOM[0]",
  mcounteren: "CY[0] TM[1] IR[2] HPM3..HPM31[31:3]",
  scounteren: "CY[0] TM[1] IR[2] HPM3..HPM31[31:3]",
  hcounteren: "CY[0] TM[1] IR[2] HPM3..HPM31[31:3]",
};
