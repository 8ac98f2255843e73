/**
 * Traps as typed values (rvemu's exception.rs / interrupt.rs): an
 * exception carries its cause and tval; interrupts are numbered by their
 * mip bit. Thrown by instruction handlers, caught by the hart's loop.
 */
export const Exception = {
  instructionAddressMisaligned: 0,
  instructionAccessFault: 1,
  illegalInstruction: 2,
  breakpoint: 3,
  loadAddressMisaligned: 4,
  loadAccessFault: 5,
  storeAddressMisaligned: 6,
  storeAccessFault: 7,
  environmentCallFromU: 8,
  environmentCallFromS: 9,
  environmentCallFromM: 11,
  instructionPageFault: 12,
  loadPageFault: 13,
  storePageFault: 15,
  environmentCallFromVS: 10,
  instructionGuestPageFault: 20,
  loadGuestPageFault: 21,
  virtualInstruction: 22,
  storeGuestPageFault: 23,
} as const;

export const Interrupt = {
  supervisorSoftware: 1,
  machineSoftware: 3,
  supervisorTimer: 5,
  machineTimer: 7,
  supervisorExternal: 9,
  machineExternal: 11,
  virtualSupervisorSoftware: 2,
  virtualSupervisorTimer: 6,
  virtualSupervisorExternal: 10,
  supervisorGuestExternal: 12,
} as const;

/** mip/mie bit masks. */
export const mip = {
  SSIP: 1 << 1,
  MSIP: 1 << 3,
  STIP: 1 << 5,
  MTIP: 1 << 7,
  SEIP: 1 << 9,
  MEIP: 1 << 11,
  VSSIP: 1 << 2,
  VSTIP: 1 << 6,
  VSEIP: 1 << 10,
  SGEIP: 1 << 12,
} as const;

/** Interrupt priority order of the privileged spec (3.1.9, 8.2.2): MEI, MSI, MTI, SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI. */
export const interruptPriority = [11, 3, 7, 9, 1, 5, 12, 10, 2, 6] as const;

const exceptionNames: Record<number, string> = {
  0: "instruction address misaligned",
  1: "instruction access fault",
  2: "illegal instruction",
  3: "breakpoint",
  4: "load address misaligned",
  5: "load access fault",
  6: "store/AMO address misaligned",
  7: "store/AMO access fault",
  8: "environment call from U-mode",
  9: "environment call from S-mode",
  11: "environment call from M-mode",
  12: "instruction page fault",
  13: "load page fault",
  15: "store/AMO page fault",
  10: "environment call from VS-mode",
  20: "instruction guest-page fault",
  21: "load guest-page fault",
  22: "virtual instruction",
  23: "store/AMO guest-page fault",
};

const interruptNames: Record<number, string> = {
  1: "supervisor software interrupt",
  3: "machine software interrupt",
  5: "supervisor timer interrupt",
  7: "machine timer interrupt",
  9: "supervisor external interrupt",
  11: "machine external interrupt",
  2: "virtual supervisor software interrupt",
  6: "virtual supervisor timer interrupt",
  10: "virtual supervisor external interrupt",
  12: "supervisor guest external interrupt",
};

export function causeName(cause: number, interrupt: boolean): string {
  return (interrupt ? interruptNames[cause] : exceptionNames[cause]) ?? `${interrupt ? "interrupt" : "exception"} ${cause}`;
}

/** A synchronous exception raised while executing an instruction. */
export class Trap {
  constructor(
    readonly cause: number,
    readonly tval: bigint,
    /** For guest-page faults: the guest-physical address >> 2 (htval/mtval2). */
    readonly tval2 = 0n,
    /** tval holds a guest virtual address (hstatus.GVA / mstatus.GVA). */
    readonly guestVirtualAddress = false,
    /** mtinst for a guest-page fault during the VS-stage walk (QEMU: 0x3000, a 64-bit load). */
    readonly transformedInstruction?: bigint,
  ) {}
}
