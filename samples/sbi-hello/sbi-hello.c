/*
 * sbi-hello: the smallest S-mode kernel. It owns no device: everything it
 * does is an SBI call (an ecall into the firmware or the monitor), the
 * paravirtual interface of RISC-V. Under OpenSBI the calls go to M-mode
 * firmware; under vmscope's monitor each one is a VM exit the monitor
 * serves itself.
 */
#include "console.h"
#include "sbi.h"
#include "layout.h"

static const struct {
	unsigned long eid;
	const char *name;
} extensions[] = {
	{ SBI_EXT_TIME, "TIME" }, { SBI_EXT_IPI, "IPI" }, { SBI_EXT_RFENCE, "RFENCE" },
	{ SBI_EXT_HSM, "HSM" }, { SBI_EXT_SRST, "SRST" },
};

int main(unsigned long hartid, unsigned long dtb)
{
	(void)dtb;
	kprintf("Hello from S-mode, through SBI!\n");
	kprintf("hart %lu entered the kernel at %p with paging off\n", hartid, (void *)KERNEL_BASE);
	long version = sbi_spec_version();
	kprintf("SBI specification %s\n", version >= 0x1000000 ? "1.0 or later" : "0.x");
	for (unsigned i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
		kprintf("  %-6s extension: %s\n", extensions[i].name, sbi_probe(extensions[i].eid) ? "present" : "absent");
	kprintf("Shutting down through SBI SRST.\n");
	return 0; /* _start passes it to sbi_shutdown */
}
