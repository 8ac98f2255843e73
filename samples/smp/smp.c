/*
 * smp: two harts. The boot hart starts the other with SBI HSM hart_start,
 * both count under a spinlock, they ping-pong IPIs (SBI IPI), and the
 * boot hart shoots down the other's TLB entry with SBI RFENCE. Run it with
 * --harts 2.
 *
 * Under a monitor each hart is a virtual CPU. Starting one, sending an IPI
 * or a remote fence is a hypercall the monitor carries out on the other
 * vCPU: it injects a virtual software interrupt, or flushes that vCPU's
 * shadow / guest TLB entries. Which hart booted is not printed: under
 * OpenSBI any hart can win the boot lottery.
 */
#include "console.h"
#include "csr.h"
#include "sbi.h"
#include "smp.h"
#include "trap.h"

#define COUNT_PER_HART 5000
#define PINGS 3

extern char secondary_entry[];

static struct spinlock counter_lock;
static volatile unsigned long counter;
static volatile unsigned long ipis[MAX_HARTS];
static unsigned long boot_hart, other_hart;
static volatile uint64_t fence_reads[2];

static unsigned long this_hart(void)
{
	unsigned long tp;
	__asm__("mv %0, tp" : "=r"(tp));
	return tp;
}

void sample_trap(struct trap_frame *tf)
{
	if (tf->scause == (SCAUSE_INTERRUPT | IRQ_S_SOFT)) {
		csr_clear(sip, SIP_SSIP);
		ipis[this_hart()]++;
		return;
	}
	kprintf("panic: unexpected %s at %p on a hart\n", cause_name(tf->scause), (void *)tf->sepc);
	sbi_shutdown(1);
}

static void count(void)
{
	for (int i = 0; i < COUNT_PER_HART; i++) {
		spin_lock(&counter_lock);
		counter = counter + 1; /* a read-modify-write that would lose updates without the lock */
		spin_unlock(&counter_lock);
	}
}

/* Waits in WFI (SSIE enabled) until this hart has taken `n` IPIs. */
static void wait_for_ipis(unsigned long n)
{
	unsigned long hart = this_hart();
	csr_set(sstatus, SSTATUS_SIE);
	while (ipis[hart] < n)
		wfi();
	csr_clear(sstatus, SSTATUS_SIE);
}

static uint64_t read_fence_page(void) { return *(volatile uint64_t *)FENCE_VA; }

/* The second hart: started by hart_start with a0 = its id. */
static void second_main(unsigned long hartid)
{
	(void)hartid;
	csr_write(sie, SIE_SSIE);
	kprintf("second hart: started by SBI HSM hart_start, in S-mode with its own stack\n");
	set_step(1);

	wait_for_step(2);
	count();
	set_step(3);

	for (unsigned long i = 1; i <= PINGS; i++) {
		wait_for_ipis(i);
		sbi_send_ipi(1UL << boot_hart, 0);
	}

	wait_for_step(4);
	csr_write(satp, fence_tables_satp());
	sfence_vma_all();
	fence_reads[0] = read_fence_page(); /* now FENCE_VA is in this hart's TLB */
	set_step(5);
	wait_for_step(6); /* the boot hart changed the PTE and fenced us remotely */
	fence_reads[1] = read_fence_page();
	csr_write(satp, 0);
	sfence_vma_all();
	set_step(7);
	/* Returning stops this hart: secondary_entry calls SBI HSM hart_stop. */
}

int main(unsigned long hartid, unsigned long dtb)
{
	(void)dtb;
	boot_hart = hartid;
	other_hart = hartid == 0 ? 1 : 0;
	csr_write(sie, SIE_SSIE);
	kprintf("smp: two harts, HSM hart_start, a spinlock, IPIs, a remote fence\n");
	kprintf("boot hart: the other hart is %s\n", sbi_hart_status(other_hart) == SBI_HSM_STOPPED ? "stopped" : "not stopped?");

	long error = sbi_hart_start(other_hart, (unsigned long)secondary_entry, (unsigned long)second_main);
	if (error != 0) {
		kprintf("boot hart: hart_start failed (%ld): run with --harts 2\n", error);
		return 1;
	}
	wait_for_step(1);
	kprintf("boot hart: the other hart is %s\n", sbi_hart_status(other_hart) == SBI_HSM_STARTED ? "started" : "not started?");

	set_step(2);
	count();
	wait_for_step(3);
	kprintf("spinlock: both harts added %d under the lock: counter = %lu\n", COUNT_PER_HART, counter);

	for (unsigned long i = 1; i <= PINGS; i++) {
		sbi_send_ipi(1UL << other_hart, 0);
		wait_for_ipis(i);
	}
	kprintf("ipi: %d round trips of SBI send_ipi, each a supervisor software interrupt on the other hart\n", PINGS);

	fence_tables_build();
	set_step(4);
	wait_for_step(5);
	fence_page_point_at(1);
	__asm__ volatile("fence rw, rw" : : : "memory");
	sbi_remote_sfence_vma(1UL << other_hart, 0, FENCE_VA, 4096);
	set_step(6);
	wait_for_step(7);
	kprintf("rfence: the other hart read \"%s\", the PTE changed, SBI remote_sfence_vma, it read \"%s\"\n",
		(const char *)&fence_reads[0], (const char *)&fence_reads[1]);

	while (sbi_hart_status(other_hart) != SBI_HSM_STOPPED)
		;
	kprintf("boot hart: the other hart stopped itself (HSM hart_stop)\n");
	kprintf("done: shutting down through SBI SRST\n");
	return 0;
}
