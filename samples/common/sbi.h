/*
 * SBI calls (the hypercall interface): ecall with a7 = extension id, a6 =
 * function id. Only standard extensions, so OpenSBI (mode none) and
 * vmscope's monitor (virtualized modes) serve them alike.
 */
#ifndef SAMPLES_SBI_H
#define SAMPLES_SBI_H

#include <stdint.h>

#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45 /* "TIME" */
#define SBI_EXT_IPI 0x735049 /* "sPI" */
#define SBI_EXT_RFENCE 0x52464e43 /* "RFNC" */
#define SBI_EXT_HSM 0x48534d /* "HSM" */
#define SBI_EXT_SRST 0x53525354 /* "SRST" */
#define SBI_EXT_DBCN 0x4442434e /* "DBCN" */

#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_call(unsigned long eid, unsigned long fid, unsigned long arg0, unsigned long arg1, unsigned long arg2);
int sbi_probe(unsigned long extension);
long sbi_spec_version(void);
void sbi_console_putchar(char c);
/* One DBCN write for the whole buffer when the SBI has DBCN; byte by byte otherwise. */
void sbi_console_write(const char *bytes, unsigned long length);
int sbi_console_getchar(void); /* legacy getchar: -1 when nothing is waiting */
void sbi_set_timer(uint64_t stime_value);
void sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
long sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base, unsigned long start, unsigned long size);
long sbi_hart_start(unsigned long hartid, unsigned long start_addr, unsigned long opaque);
long sbi_hart_status(unsigned long hartid);
void sbi_hart_stop(void) __attribute__((noreturn));
/* SRST shutdown: reason "none" for status 0, "system failure" otherwise. */
void sbi_shutdown(int status) __attribute__((noreturn));

#endif
