/* SBI calls: ecall with a7 = extension, a6 = function, arguments in a0..a4. */
#include "exits.h"

struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long arg0, unsigned long arg1, unsigned long arg2,
		       unsigned long arg3, unsigned long arg4)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a3 __asm__("a3") = arg3;
	register unsigned long a4 __asm__("a4") = arg4;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = eid;
	__asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a4), "r"(a6), "r"(a7) : "memory");
	return (struct sbiret){ .error = (long)a0, .value = (long)a1 };
}

void show_sbiret(const char *prefix, const char *name, struct sbiret ret)
{
	put_string(prefix);
	put_string(name);
	put_string(": error=");
	put_signed(ret.error);
	put_string(" value=");
	put_signed(ret.value);
	put_string("\n");
}

void sbi_putchar(int c)
{
	/* Legacy calls return in a0 only; a1 is left alone. */
	register unsigned long a0 __asm__("a0") = (unsigned char)c;
	register unsigned long a7 __asm__("a7") = SBI_EXT_LEGACY_PUTCHAR;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory", "a1");
}

void sbi_set_timer(uint64_t deadline) { sbi_call(SBI_EXT_TIME, 0, deadline, 0, 0, 0, 0); }

void sbi_shutdown(void)
{
	sbi_call(SBI_EXT_SRST, 0, 0, 0, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}
