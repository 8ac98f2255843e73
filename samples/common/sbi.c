/* The SBI calls the samples make; see sbi.h. */
#include "sbi.h"
#include "csr.h"

struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long arg0, unsigned long arg1, unsigned long arg2)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = eid;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
	return (struct sbiret){ .error = (long)a0, .value = (long)a1 };
}

int sbi_probe(unsigned long extension)
{
	struct sbiret ret = sbi_call(SBI_EXT_BASE, 3, extension, 0, 0);
	return ret.error == 0 && ret.value != 0;
}

long sbi_spec_version(void) { return sbi_call(SBI_EXT_BASE, 0, 0, 0, 0).value; }

/* 0 = not probed yet, 1 = DBCN, 2 = legacy console only (OpenSBI 1.1). */
static int console_kind;

static int have_dbcn(void)
{
	if (console_kind == 0)
		console_kind = sbi_probe(SBI_EXT_DBCN) ? 1 : 2;
	return console_kind == 1;
}

void sbi_console_putchar(char c)
{
	if (have_dbcn())
		sbi_call(SBI_EXT_DBCN, 2, (uint8_t)c, 0, 0);
	else
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)c, 0, 0);
}

void sbi_console_write(const char *bytes, unsigned long length)
{
	if (!have_dbcn()) {
		for (unsigned long i = 0; i < length; i++)
			sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)bytes[i], 0, 0);
		return;
	}
	/* DBCN takes a physical address: paging is off, or the kernel is identity-mapped. */
	while (length > 0) {
		struct sbiret ret = sbi_call(SBI_EXT_DBCN, 0, length, (unsigned long)bytes, 0);
		if (ret.error != 0 || ret.value <= 0)
			return;
		bytes += ret.value;
		length -= (unsigned long)ret.value;
	}
}

int sbi_console_getchar(void) { return (int)sbi_call(SBI_EXT_LEGACY_GETCHAR, 0, 0, 0, 0).error; }

void sbi_set_timer(uint64_t stime_value) { sbi_call(SBI_EXT_TIME, 0, stime_value, 0, 0); }

void sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base) { sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0); }

long sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base, unsigned long start, unsigned long size)
{
	register unsigned long a3 __asm__("a3") = size;
	register unsigned long a0 __asm__("a0") = hart_mask;
	register unsigned long a1 __asm__("a1") = hart_mask_base;
	register unsigned long a2 __asm__("a2") = start;
	register unsigned long a6 __asm__("a6") = 1;
	register unsigned long a7 __asm__("a7") = SBI_EXT_RFENCE;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a6), "r"(a7) : "memory");
	return (long)a0;
}

long sbi_hart_start(unsigned long hartid, unsigned long start_addr, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, 0, hartid, start_addr, opaque).error;
}

long sbi_hart_status(unsigned long hartid)
{
	struct sbiret ret = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0);
	return ret.error != 0 ? ret.error : ret.value;
}

void sbi_hart_stop(void)
{
	sbi_call(SBI_EXT_HSM, 1, 0, 0, 0);
	for (;;)
		wfi();
}

void sbi_shutdown(int status)
{
	sbi_call(SBI_EXT_SRST, 0, status == 0 ? 0 : 1, 0, 0);
	for (;;)
		wfi();
}
