/* The paravirtualized kernel's parts: the tour (pvkernel.c), its virtual interrupt flag and its workload. */
#ifndef PVKERNEL_H
#define PVKERNEL_H

#include <stdint.h>

/*
 * Interrupt masking in memory (Xen's evtchn_upcall_mask): sstatus.SIE stays
 * set; while `masked`, the trap handler only notes what came in and the
 * unmask replays it. No CSR access to mask or unmask.
 */
struct virtual_irq {
	volatile int masked;
	volatile int timer_pending;
};
extern struct virtual_irq virq;
void virq_unmask(void);
void timer_tick(void);

/* The armed deadline, kept in memory so an unchanged or later one costs no hypercall. */
void pv_set_timer(uint64_t deadline);

#define WORKLOAD_ROUNDS 200
uint64_t run_pv_workload(void);

#include "roundtrip.h"

#endif
