/*
 * Sv39 page tables (privileged spec 4.4) for the one address space: the
 * kernel identity-mapped with megapages (global, A and D preset), the user
 * program, its stack, and heap pages added one by one as they fault.
 */
#include "kernel.h"

extern char __user_lma_start[], __user_lma_end[];

pte_t *root_table;
static uint64_t pool_next = POOL_BASE;

static void zero_page(void *page)
{
	uint64_t *p = page;
	for (int i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = 0;
}

/* A zeroed page from the pool. Pages are never freed. */
void *page_alloc(void)
{
	if (pool_next >= POOL_BASE + POOL_MEGAPAGES * MEGAPAGE_SIZE)
		panic("page pool exhausted", 0, 0, 0);
	void *page = (void *)pool_next;
	pool_next += PAGE_SIZE;
	zero_page(page);
	return page;
}

static pte_t table_pte(pte_t *table) { return (((uint64_t)table >> 12) << 10) | PTE_V; }
static pte_t leaf_pte(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags | PTE_V; }
static pte_t *pte_table(pte_t entry) { return (pte_t *)((entry >> 10) << 12); }
static unsigned vpn(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 0x1ff; }

/* The level-0 PTE for va, allocating the tables on the way when create. */
pte_t *vm_leaf(uint64_t va, int create)
{
	pte_t *table = root_table;
	for (int level = 2; level > 0; level--) {
		pte_t *entry = &table[vpn(va, level)];
		if (!(*entry & PTE_V)) {
			if (!create)
				return 0;
			*entry = table_pte(page_alloc());
		}
		table = pte_table(*entry);
	}
	return &table[vpn(va, 0)];
}

void vm_map_page(uint64_t va, uint64_t pa, uint64_t flags) { *vm_leaf(va, 1) = leaf_pte(pa, flags); }

/* Builds the tables and turns paging on. */
void vm_init(void)
{
	const uint64_t kernel_flags = PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D;
	root_table = page_alloc();
	pte_t *kernel_l1 = page_alloc();
	root_table[vpn(KERNEL_BASE, 2)] = table_pte(kernel_l1);
	kernel_l1[vpn(KERNEL_BASE, 1)] = leaf_pte(KERNEL_BASE, kernel_flags);
	for (uint64_t i = 0; i < POOL_MEGAPAGES; i++) {
		uint64_t pa = POOL_BASE + i * MEGAPAGE_SIZE;
		kernel_l1[vpn(pa, 1)] = leaf_pte(pa, kernel_flags & ~PTE_X);
	}
	/* The user program runs from its load copy inside the kernel image. */
	for (char *pa = __user_lma_start; pa < __user_lma_end; pa += PAGE_SIZE)
		vm_map_page(USER_CODE + (uint64_t)(pa - __user_lma_start), (uint64_t)pa, PTE_R | PTE_X | PTE_U | PTE_A);
	vm_map_page(USER_STACK_TOP - PAGE_SIZE, (uint64_t)page_alloc(), PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
	sfence_vma_all();
	csr_write(satp, SATP_SV39 | ((uint64_t)root_table >> 12));
	sfence_vma_all();
}
