/*
 * A small Sv39 address space: identity gigapages for the devices and RAM,
 * and one 4 KiB page at 0x4000_0000 whose PTE the step points at two data
 * pages in turn, fencing by address, by ASID and both. The page after it
 * is not mapped: the load there is a true page fault.
 */
#include "exits.h"

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define SATP_SV39 (8UL << 60)
#define WINDOW 0x40000000UL
#define ASID 1UL

extern uint64_t page_pool[][512];

static uint64_t leaf(uint64_t pa, uint64_t flags) { return (pa >> 12) << 10 | flags | PTE_V | PTE_A | PTE_D; }
static uint64_t table(const void *next) { return ((uint64_t)next >> 12) << 10 | PTE_V; }

static uint64_t load(uint64_t va) { return *(volatile uint64_t *)va; }

void step_paging(void)
{
	uint64_t *root = page_pool[0], *level1 = page_pool[1], *level0 = page_pool[2];
	uint64_t *page_a = page_pool[3], *page_b = page_pool[4];
	put_string("[paging]\n");
	for (int i = 0; i < 512; i++)
		root[i] = level1[i] = level0[i] = 0;
	page_a[0] = 0xaaaa;
	page_b[0] = 0xbbbb;
	root[0] = leaf(0, PTE_R | PTE_W | PTE_G);			/* devices */
	root[2] = leaf(0x80000000UL, PTE_R | PTE_W | PTE_X | PTE_G);	/* RAM */
	root[1] = table(level1);
	level1[0] = table(level0);
	level0[0] = leaf((uint64_t)page_a, PTE_R | PTE_W);

	uint64_t root_ppn = (uint64_t)root >> 12;
	csr_write(satp, ~0UL); /* mode 15 is reserved: the write is ignored */
	show("satp after writing all ones", csr_read(satp));
	csr_write(satp, SATP_SV39 | (0xffffUL << 44) | root_ppn);
	uint64_t satp = csr_read(satp);
	show("satp mode", satp >> 60);
	show("satp asid (wrote 0xffff)", (satp >> 44) & 0xffff);
	show("satp root is the table", (satp & ((1UL << 44) - 1)) == root_ppn);
	csr_write(satp, SATP_SV39 | (ASID << 44) | root_ppn);
	__asm__ volatile("sfence.vma zero, zero" : : : "memory");
	show("paging on, asid", (csr_read(satp) >> 44) & 0xffff);

	show("load from the mapped page", load(WINDOW));
	uint64_t traps = last_trap.count;
	load(WINDOW + 0x1000);
	show("load from the unmapped page trapped", last_trap.count - traps);

	level0[0] = leaf((uint64_t)page_b, PTE_R | PTE_W);
	__asm__ volatile("sfence.vma %0, zero" : : "r"(WINDOW) : "memory");
	show("after sfence.vma by address", load(WINDOW));
	level0[0] = leaf((uint64_t)page_a, PTE_R | PTE_W);
	__asm__ volatile("sfence.vma zero, %0" : : "r"(ASID) : "memory");
	show("after sfence.vma by ASID", load(WINDOW));
	level0[0] = leaf((uint64_t)page_b, PTE_R | PTE_W);
	__asm__ volatile("sfence.vma %0, %1" : : "r"(WINDOW), "r"(ASID) : "memory");
	show("after sfence.vma by address and ASID", load(WINDOW));
	level0[0] = 0;
	__asm__ volatile("sfence.vma zero, zero" : : : "memory");
	traps = last_trap.count;
	load(WINDOW);
	show("after unmapping and sfence.vma, the load trapped", last_trap.count - traps);

	csr_write(satp, 0);
	__asm__ volatile("sfence.vma zero, zero" : : : "memory");
	show("paging off, satp", csr_read(satp));
}
