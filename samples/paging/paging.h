/* The paging sample's kernel: Sv39 tables (vm.c), processes (proc.c), the story (paging.c). */
#ifndef PAGING_H
#define PAGING_H

#include <stdint.h>
#include <stddef.h>
#include "trap.h"
#include "user-abi.h"

/* --- vm.c: Sv39 (privileged spec, "Sv39: Page-Based 39-bit Virtual-Memory System") --- */
typedef uint64_t pte_t;
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)

void *page_alloc(void);
unsigned long pages_allocated(void);
pte_t *kernel_page_tables(void);
pte_t *new_address_space(void);
/* Maps one 4 KiB page (A and D preset: nothing for the hardware to update). */
void map_page(pte_t *root, uint64_t va, uint64_t pa, uint64_t flags);
/* Prints the walk of va in root, level by level; returns the leaf PTE or 0. */
pte_t print_walk(pte_t *root, uint64_t va);
uint64_t make_satp(pte_t *root, unsigned asid);
void copy_bytes(void *dst, const void *src, size_t length);

/* --- proc.c: two processes, switched on yield, exit and kill --- */
enum proc_state { PROC_FREE, PROC_RUNNABLE, PROC_DONE };
struct proc {
	int pid; /* also the address space's ASID */
	enum proc_state state;
	pte_t *root;
	struct trap_frame tf;
	unsigned long demand_faults;
};
#define NPROC 2
extern struct proc procs[NPROC];
extern struct proc *current;
void proc_create(int pid, int program);
void proc_start_first(void) __attribute__((noreturn));
/* Saves tf into current, picks the next runnable process and loads it into tf; shuts down when none is left. */
void proc_switch(struct trap_frame *tf);
void proc_finish(struct trap_frame *tf, const char *how);

/* --- paging.c --- */
void kernel_finish(void) __attribute__((noreturn));

#endif
