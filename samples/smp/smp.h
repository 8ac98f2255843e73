/* The smp sample's parts: the story (smp.c), a spinlock, the remote-fence demonstration. */
#ifndef SMP_H
#define SMP_H

#include <stdint.h>

struct spinlock {
	volatile uint32_t locked;
};
void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);

/* Steps both harts walk through together; each waits for the other's. */
extern volatile int step;
void wait_for_step(int wanted);
void set_step(int next);

/* remote-fence.c: a 4 KiB page at FENCE_VA whose PTE the boot hart changes under the other's feet. */
#define FENCE_VA 0x40000000UL
void fence_tables_build(void);
uint64_t fence_tables_satp(void);
void fence_page_point_at(int which); /* 0: page A, 1: page B */

#endif
