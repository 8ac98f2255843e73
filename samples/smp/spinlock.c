/*
 * A test-and-set spinlock: amoswap with acquire ordering to take it, a
 * release store to give it back (the RISC-V A extension's recipe). Under a
 * monitor nothing here exits: atomics on guest memory run natively. What a
 * monitor does change is scheduling: a vCPU spinning on a lock whose holder
 * is descheduled burns its time (the lock-holder preemption problem).
 */
#include "smp.h"

void spin_lock(struct spinlock *lock)
{
	uint32_t busy;
	do {
		__asm__ volatile("amoswap.w.aq %0, %1, (%2)" : "=r"(busy) : "r"(1), "r"(&lock->locked) : "memory");
	} while (busy);
}

void spin_unlock(struct spinlock *lock) { __asm__ volatile("amoswap.w.rl zero, zero, (%0)" : : "r"(&lock->locked) : "memory"); }

volatile int step;

void wait_for_step(int wanted)
{
	while (step < wanted)
		__asm__ volatile("" : : : "memory");
	__asm__ volatile("fence r, rw" : : : "memory");
}

void set_step(int next)
{
	__asm__ volatile("fence rw, w" : : : "memory");
	step = next;
}
