/*
 * Every trap of the minikernel: system calls and faults from U-mode, the
 * timer (preemption) and the UART's interrupt.
 */
#include "minikernel.h"
#include "console.h"
#include "csr.h"
#include "sbi.h"

void timer_start(void)
{
	sbi_set_timer(read_time() + TIME_SLICE);
	csr_set(sie, SIE_STIE);
}

/* The time slice is over: re-arm the timer (which acknowledges this interrupt). */
void timer_tick(void) { sbi_set_timer(read_time() + TIME_SLICE); }

void sample_trap(struct trap_frame *tf)
{
	int from_user = (tf->sstatus & SSTATUS_SPP) == 0;
	if (tf->scause == (SCAUSE_INTERRUPT | IRQ_S_TIMER)) {
		timer_tick();
		if (from_user) {
			current->preemptions++;
			schedule(tf); /* preemption: the running process goes to the back of the queue */
		}
	} else if (tf->scause == (SCAUSE_INTERRUPT | IRQ_S_EXT)) {
		console_input_interrupt();
	} else if (from_user && tf->scause == EXC_ECALL_U) {
		syscall_dispatch(tf);
	} else if (from_user) {
		kprintf("kernel: process %d (%s): %s at %p, stval %p: killed\n", current->pid, current->name, cause_name(tf->scause),
			(void *)tf->sepc, (void *)tf->stval);
		proc_exit(tf, -1);
	} else {
		kprintf("kernel panic: %s at %p, stval %p\n", cause_name(tf->scause), (void *)tf->sepc, (void *)tf->stval);
		sbi_shutdown(1);
	}
}
