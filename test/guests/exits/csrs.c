/*
 * Every supervisor CSR a monitor virtualizes, read and written with the
 * WARL rules in view: a value goes in, what reads back is printed, and the
 * old value is put back. Only values on which QEMU 7.2 follows the spec
 * are written (see test/reference/qemu.ts for where it does not: reserved
 * sstatus fields, senvcfg's CBO bits, sepc bit 0).
 */
#include "exits.h"

static void report(const char *name, uint64_t written, uint64_t read_back)
{
	put_string("csr ");
	put_string(name);
	put_string(": wrote ");
	put_hex(written);
	put_string(" read ");
	put_hex(read_back);
	put_string("\n");
}

/* csrrw the value in, csrr it back, csrw the old value again. */
#define WARL(name, value)                                      \
	do {                                                   \
		uint64_t value_ = (value);                     \
		uint64_t old_ = csr_swap(name, value_);        \
		report(#name, value_, csr_read(name));         \
		csr_write(name, old_);                         \
	} while (0)

static void immediate_forms(void)
{
	uint64_t old;
	csr_write(sscratch, 0);
	__asm__ volatile("csrrwi %0, sscratch, 21" : "=r"(old));
	show("csrrwi sscratch, 21: old", old);
	__asm__ volatile("csrrsi %0, sscratch, 10" : "=r"(old));
	show("csrrsi sscratch, 10: old", old);
	__asm__ volatile("csrrci %0, sscratch, 1" : "=r"(old));
	show("csrrci sscratch, 1: old", old);
	show("sscratch now", csr_read(sscratch));
	__asm__ volatile("csrrs %0, sscratch, zero" : "=r"(old));
	show("csrrs sscratch, zero (read only)", old);
}

void step_csrs(void)
{
	put_string("[supervisor CSRs]\n");
	show("sstatus at entry", csr_read(sstatus) & ~(SSTATUS_SPIE | SSTATUS_SPP));
	WARL(sstatus, SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_SUM | SSTATUS_MXR);
	csr_set(sstatus, SSTATUS_SUM);
	show("csrs sstatus SUM: sstatus.SUM", (csr_read(sstatus) & SSTATUS_SUM) >> 18);
	csr_clear(sstatus, SSTATUS_SUM);
	show("csrc sstatus SUM: sstatus.SUM", (csr_read(sstatus) & SSTATUS_SUM) >> 18);

	show("sie at entry", csr_read(sie));
	WARL(sie, ~0UL);
	uint64_t handler = csr_read(stvec);
	WARL(stvec, handler | 1);	/* vectored */
	WARL(stvec, 0x80201000UL | 2);	/* mode 2 is reserved */
	show("stvec is the handler again", csr_read(stvec) == handler);
	WARL(scounteren, 0x7);
	WARL(scounteren, 0x5);
	WARL(senvcfg, 1); /* FIOM */
	WARL(sscratch, ~0UL);
	immediate_forms();
	WARL(sepc, 0x80201234UL);
	WARL(sepc, ~1UL);
	WARL(scause, ~0UL);
	WARL(scause, SCAUSE_INTERRUPT | 5);
	WARL(stval, ~0UL);
	show("sip at entry", csr_read(sip));
	WARL(sip, ~0UL);
	show("sip after the write-back", csr_read(sip));
	/* A compare value far in the future: it reads back and arms nothing, then no timer again. */
	WARL(stimecmp, 0x123456789abUL);
	csr_write(stimecmp, ~0UL);
	show("stimecmp after disarming", csr_read(stimecmp));
}
