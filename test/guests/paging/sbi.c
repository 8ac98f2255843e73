/*
 * SBI calls: ecall from S-mode with a7 = extension id, a6 = function id.
 * Only standard v2.0 extensions are used, so both OpenSBI and vmscope's
 * monitor (which implements SBI itself) can serve this kernel.
 */
#include "kernel.h"

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45 /* "TIME" */
#define SBI_EXT_SRST 0x53525354 /* "SRST" */
#define SBI_EXT_DBCN 0x4442434e /* "DBCN" */
#define SBI_BASE_PROBE_EXTENSION 3
#define SBI_DBCN_WRITE_BYTE 2
#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

static struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long arg0, unsigned long arg1)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = eid;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
	return (struct sbiret){ .error = (long)a0, .value = (long)a1 };
}

int sbi_probe(unsigned long extension)
{
	struct sbiret ret = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, extension, 0);
	return ret.error == 0 && ret.value != 0;
}

/* DBCN when the SBI has it (SBI 2.0), the legacy call otherwise (OpenSBI 1.1). */
static int have_dbcn;

void sbi_console_setup(void) { have_dbcn = sbi_probe(SBI_EXT_DBCN); }

void sbi_putchar(char c)
{
	if (have_dbcn)
		sbi_call(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, (uint8_t)c, 0);
	else
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (uint8_t)c, 0);
}

void sbi_set_timer(uint64_t stime_value) { sbi_call(SBI_EXT_TIME, 0, stime_value, 0); }

void sbi_shutdown(int failure)
{
	sbi_call(SBI_EXT_SRST, SBI_SRST_SHUTDOWN, failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE, 0);
	for (;;)
		__asm__ volatile("wfi");
}
