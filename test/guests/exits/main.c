/*
 * The exits guest: an S-mode kernel that makes, in order, one of each VM
 * exit a trap-and-emulate monitor knows, and calls every SBI function the
 * monitor serves, printing what it observes. Lines starting with "impl:"
 * depend on the SBI implementation (OpenSBI 1.1 or the monitor); every
 * other line is the same wherever the kernel runs.
 */
#include "exits.h"

static void step_user_mode(void)
{
	put_string("[user mode]\n");
	uint64_t before = last_trap.count;
	run_user(user_ecall);
	show("back in S-mode after ecall from U, traps", last_trap.count - before);
	show("sstatus.SPP after the trap from U", (csr_read(sstatus) & SSTATUS_SPP) >> 8);
}

static void step_reset_checks(void)
{
	put_string("[SRST]\n");
	show_sbiret("", "SRST.system_reset(type 0x10)", sbi_call(SBI_EXT_SRST, 0, 0x10, 0, 0, 0, 0));
	show_sbiret("", "SRST.system_reset(reason 7)", sbi_call(SBI_EXT_SRST, 0, 0, 7, 0, 0, 0));
}

int main(unsigned long hart_id, unsigned long device_tree)
{
	(void)device_tree;
	/* No timer until a step arms one (Sstc under OpenSBI: stimecmp may start at 0). */
	sbi_set_timer(~0UL);
	put_string("vmscope exits guest\n");
	show("hart id", hart_id);
	step_csrs();
	step_user_mode();
	step_paging();
	step_timer();
	step_ipi();
	step_sbi();
	step_external();
	step_exceptions();
	step_reset_checks();
	put_string("done: shutting down through SRST\n");
	sbi_shutdown();
}
