/*
 * The C side of every trap: the library's own CSR probe first, then the
 * sample's handler. And the names of the trap causes, for printing.
 */
#include "trap.h"
#include "csr.h"
#include "console.h"
#include "sbi.h"

void handle_trap(struct trap_frame *tf);

/* Set while probing a CSR: an illegal-instruction trap then means "absent". */
static volatile int probing;
static volatile int probe_faulted;

void handle_trap(struct trap_frame *tf)
{
	if (probing && tf->scause == EXC_ILLEGAL_INSTRUCTION) {
		probe_faulted = 1;
		tf->sepc += 4; /* skip the csrr (never compressed) */
		return;
	}
	sample_trap(tf);
}

/* A sample that expects no trap need not define sample_trap: any trap is then a bug. */
__attribute__((weak)) void sample_trap(struct trap_frame *tf)
{
	kprintf("panic: unexpected %s at %p (stval %p)\n", cause_name(tf->scause), (void *)tf->sepc, (void *)tf->stval);
	sbi_shutdown(1);
}

int sstc_available(void)
{
	probe_faulted = 0;
	probing = 1;
	__asm__ volatile("csrr zero, %0" : : "i"(CSR_STIMECMP) : "memory");
	probing = 0;
	return !probe_faulted;
}

static const char *const exception_names[] = {
	"instruction address misaligned", "instruction access fault", "illegal instruction",
	"breakpoint", "load address misaligned", "load access fault",
	"store/AMO address misaligned", "store/AMO access fault", "environment call from U-mode",
	"environment call from S-mode", "reserved", "reserved",
	"instruction page fault", "load page fault", "reserved", "store/AMO page fault",
};

const char *cause_name(uint64_t scause)
{
	if (scause & SCAUSE_INTERRUPT) {
		switch (scause & ~SCAUSE_INTERRUPT) {
		case IRQ_S_SOFT:
			return "supervisor software interrupt";
		case IRQ_S_TIMER:
			return "supervisor timer interrupt";
		case IRQ_S_EXT:
			return "supervisor external interrupt";
		default:
			return "unknown interrupt";
		}
	}
	if (scause < sizeof exception_names / sizeof exception_names[0])
		return exception_names[scause];
	return "unknown exception";
}
