/* Traps: the frame trap-entry.S builds, and the hooks around it. */
#ifndef SAMPLES_TRAP_H
#define SAMPLES_TRAP_H

#include <stdint.h>
#include "layout.h"

struct trap_frame {
	uint64_t regs[32]; /* x1..x31 in regs[1..31]; regs[0] unused */
	uint64_t sepc;
	uint64_t sstatus;
	uint64_t scause;
	uint64_t stval;
};
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "layout.h's TF_* must match struct trap_frame");

/* Register numbers for regs[]. */
enum { REG_RA = 1, REG_SP = 2, REG_A0 = 10, REG_A1 = 11, REG_A2 = 12, REG_A7 = 17 };

/*
 * Each sample defines sample_trap: called for every trap except the
 * library's own CSR probes. It may change the frame (sepc, registers,
 * sstatus.SPP) to decide where the trap returns.
 */
void sample_trap(struct trap_frame *tf);

/* Leaves through `tf` (restores it and srets), e.g. into a new U-mode process. */
void trap_return(struct trap_frame *tf) __attribute__((noreturn));

/* True when reading stimecmp works, i.e. the hart has Sstc and the SBI enabled it for S-mode. */
int sstc_available(void);

/* "supervisor timer interrupt", "load page fault", ... (the privileged spec's names). */
const char *cause_name(uint64_t scause);

#endif
