/*
 * Exceptions the guest kernel causes itself: instructions illegal in
 * S-mode, a breakpoint, a misaligned AMO and a load from the CLINT (the
 * monitor's, or OpenSBI's, own device).
 */
#include "exits.h"

extern const char *volatile trap_prefix;

static void expect(const char *what, uint64_t traps_before)
{
	put_string(what);
	put_string(": trapped=");
	put_signed((long)(last_trap.count - traps_before));
	put_string("\n");
}

void step_exceptions(void)
{
	static uint32_t word[2];
	uint64_t traps;
	put_string("[exceptions]\n");

	traps = last_trap.count;
	__asm__ volatile("csrr t0, mstatus" : : : "t0");
	expect("csrr mstatus", traps);
	traps = last_trap.count;
	__asm__ volatile("mret");
	expect("mret", traps);
	traps = last_trap.count;
	__asm__ volatile(".2byte 0");
	expect("all-zero halfword", traps);
	traps = last_trap.count;
	__asm__ volatile("ebreak");
	expect("ebreak", traps);

	traps = last_trap.count;
	word[0] = 1;
	/* QEMU 7.2 reports a misaligned AMO as a load (cause 4), the spec says store/AMO (6): marked "amo:". */
	trap_prefix = "amo: ";
	__asm__ volatile("amoadd.w zero, %1, (%0)" : : "r"((uint64_t)word + 1), "r"(1) : "memory");
	trap_prefix = "";
	expect("misaligned amoadd.w", traps);

	/* OpenSBI 1.1 may leave the CLINT to S-mode; the monitor keeps it. */
	traps = last_trap.count;
	trap_prefix = "impl: ";
	(void)*(volatile uint64_t *)CLINT_MTIME;
	trap_prefix = "";
	put_string("impl: ");
	expect("load from the CLINT's mtime", traps);
}
