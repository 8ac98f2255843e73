/*
 * Every SBI function the monitor serves (docs/sbi.md), each return printed.
 * Answers that belong to the implementation (its identity, the spec version
 * it follows, DBCN, which OpenSBI 1.1 lacks, HSM suspend) carry "impl:".
 */
#include "exits.h"

static struct sbiret call0(unsigned long eid, unsigned long fid) { return sbi_call(eid, fid, 0, 0, 0, 0, 0); }

static void base(void)
{
	show_sbiret("impl: ", "BASE.get_spec_version", call0(SBI_EXT_BASE, 0));
	show_sbiret("impl: ", "BASE.get_impl_id", call0(SBI_EXT_BASE, 1));
	show_sbiret("impl: ", "BASE.get_impl_version", call0(SBI_EXT_BASE, 2));
	static const struct {
		const char *name;
		unsigned long eid;
	} probes[] = {
		{ "BASE.probe_extension(BASE)", SBI_EXT_BASE },
		{ "BASE.probe_extension(TIME)", SBI_EXT_TIME },
		{ "BASE.probe_extension(IPI)", SBI_EXT_IPI },
		{ "BASE.probe_extension(RFENCE)", SBI_EXT_RFENCE },
		{ "BASE.probe_extension(HSM)", SBI_EXT_HSM },
		{ "BASE.probe_extension(SRST)", SBI_EXT_SRST },
		{ "BASE.probe_extension(legacy putchar)", SBI_EXT_LEGACY_PUTCHAR },
		{ "BASE.probe_extension(legacy getchar)", SBI_EXT_LEGACY_GETCHAR },
		{ "BASE.probe_extension(0x0a000000)", 0x0a000000 },
	};
	for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++)
		show_sbiret("", probes[i].name, sbi_call(SBI_EXT_BASE, 3, probes[i].eid, 0, 0, 0, 0));
	show_sbiret("impl: ", "BASE.probe_extension(DBCN)", sbi_call(SBI_EXT_BASE, 3, SBI_EXT_DBCN, 0, 0, 0, 0));
	show_sbiret("", "BASE.get_mvendorid", call0(SBI_EXT_BASE, 4));
	/* The machine's own identity: QEMU reports its version, vmscope 0 (docs/machine.md). */
	show_sbiret("impl: machine: ", "BASE.get_marchid", call0(SBI_EXT_BASE, 5));
	show_sbiret("impl: machine: ", "BASE.get_mimpid", call0(SBI_EXT_BASE, 6));
	show_sbiret("", "BASE function 99", call0(SBI_EXT_BASE, 99));
}

static void rfence(void)
{
	show_sbiret("", "RFENCE.remote_fence_i", sbi_call(SBI_EXT_RFENCE, 0, 1, 0, 0, 0, 0));
	show_sbiret("", "RFENCE.remote_sfence_vma", sbi_call(SBI_EXT_RFENCE, 1, 1, 0, 0x40000000, 0x2000, 0));
	show_sbiret("", "RFENCE.remote_sfence_vma(all)", sbi_call(SBI_EXT_RFENCE, 1, 1, 0, 0, 0, 0));
	show_sbiret("", "RFENCE.remote_sfence_vma_asid", sbi_call(SBI_EXT_RFENCE, 2, 1, 0, 0x40000000, 0x1000, 1));
	show_sbiret("", "RFENCE.remote_hfence_gvma", sbi_call(SBI_EXT_RFENCE, 4, 1, 0, 0, 0, 0));
	show_sbiret("", "RFENCE.remote_hfence_vvma", sbi_call(SBI_EXT_RFENCE, 6, 1, 0, 0, 0, 0));
}

static void hsm(void)
{
	show_sbiret("", "HSM.hart_get_status(0)", sbi_call(SBI_EXT_HSM, 2, 0, 0, 0, 0, 0));
	show_sbiret("", "HSM.hart_start(7)", sbi_call(SBI_EXT_HSM, 0, 7, 0x80200000UL, 0, 0, 0));
	show_sbiret("impl: ", "HSM.hart_get_status(7)", sbi_call(SBI_EXT_HSM, 2, 7, 0, 0, 0, 0));
	/* Retentive suspend returns at the next interrupt: a timer is armed, sstatus.SIE stays clear. */
	csr_write(sie, SIE_STIE);
	sbi_set_timer(time_now() + 10000);
	show_sbiret("impl: ", "HSM.hart_suspend(retentive)", sbi_call(SBI_EXT_HSM, 3, 0, 0, 0, 0, 0));
	sbi_set_timer(~0UL);
	csr_write(sie, 0);
	/* Type 1 is reserved (a non-retentive suspend would need a wake-up and resume elsewhere). */
	show_sbiret("impl: ", "HSM.hart_suspend(type 1)", sbi_call(SBI_EXT_HSM, 3, 1, 0, 0, 0, 0));
}

static char console_text[] = "impl: DBCN.console_write wrote this line\n";
static char read_buffer[8];

static void dbcn(void)
{
	struct sbiret ret = sbi_call(SBI_EXT_DBCN, 0, sizeof console_text - 1, (uint64_t)console_text, 0, 0, 0);
	show_sbiret("impl: ", "DBCN.console_write", ret);
	put_string("impl: DBCN.console_write_byte: ");
	ret = sbi_call(SBI_EXT_DBCN, 2, '!', 0, 0, 0, 0);
	put_string("\n");
	show_sbiret("impl: ", "DBCN.console_write_byte", ret);
	/* The first input byte is a '.': the legacy getchar below skips the rest of them. */
	ret = sbi_call(SBI_EXT_DBCN, 1, 1, (uint64_t)read_buffer, 0, 0, 0);
	show_sbiret("impl: ", "DBCN.console_read", ret);
	if (ret.error == 0 && ret.value == 1)
		show("impl: DBCN.console_read byte", (uint8_t)read_buffer[0]);
	show_sbiret("impl: ", "DBCN.console_write(base_addr_hi 1)", sbi_call(SBI_EXT_DBCN, 0, 1, (uint64_t)console_text, 1, 0, 0));
}

static void legacy(void)
{
	put_string("legacy putchar: ");
	long error = sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, '*', 0, 0, 0, 0).error;
	put_string("\n");
	put_string("legacy putchar returned ");
	put_signed(error);
	put_string("\n");
	long c;
	do
		c = sbi_call(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0, 0, 0).error;
	while (c < 0 || c == '.');
	put_string("legacy getchar: '");
	sbi_putchar((int)c);
	put_string("'\n");
	show_sbiret("", "legacy set_timer(never)", sbi_call(SBI_EXT_LEGACY_SET_TIMER, 0, ~0UL, 0, 0, 0, 0));
}

void step_sbi(void)
{
	put_string("[SBI]\n");
	base();
	show_sbiret("", "TIME.set_timer(never)", sbi_call(SBI_EXT_TIME, 0, ~0UL, 0, 0, 0, 0));
	show_sbiret("", "TIME function 1", call0(SBI_EXT_TIME, 1));
	rfence();
	hsm();
	dbcn();
	legacy();
	show_sbiret("", "extension 0x0a000000", call0(0x0a000000, 0));
}
