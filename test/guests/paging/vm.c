/*
 * Sv39 page tables (privileged spec 4.4): a bump allocator over the page
 * pool, the kernel's own tables, and the helpers that build user address
 * spaces. Kernel mappings are global (G) and shared, table for table, by
 * every address space, so they survive every satp switch.
 */
#include "kernel.h"

extern char __text_end[], __data_start[], __kernel_end[];

pte_t *kernel_root;
static pte_t *kernel_l1_high; /* 0x8000_0000..0xbfff_ffff: image and pool */
static pte_t *kernel_l1_low; /* 0x0000_0000..0x3fff_ffff: only the UART */

static uint64_t pool_next = POOL_BASE;

void zero_page(void *page)
{
	uint64_t *p = page;
	for (int i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = 0;
}

void copy_bytes(void *dst, const void *src, size_t length)
{
	volatile uint8_t *d = dst;
	const uint8_t *s = src;
	for (size_t i = 0; i < length; i++)
		d[i] = s[i];
}

/* Pages are never freed: the whole run needs a few hundred of the pool's 512. */
void *page_alloc(void)
{
	if (pool_next >= POOL_BASE + POOL_SIZE) {
		kprintf("kernel panic: page pool exhausted\n");
		sbi_shutdown(1);
	}
	void *page = (void *)pool_next;
	pool_next += PAGE_SIZE;
	zero_page(page);
	return page;
}

static pte_t table_pte(pte_t *table) { return (((uint64_t)table >> 12) << 10) | PTE_V; }
static pte_t leaf_pte(uint64_t pa, uint64_t flags) { return ((pa >> 12) << 10) | flags | PTE_V; }
static pte_t *pte_table(pte_t entry) { return (pte_t *)((entry >> 10) << 12); }
static unsigned vpn(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 0x1ff; }

/* The level-0 PTE for va (allocating the tables on the way when create). */
pte_t *vm_leaf(pte_t *root, uint64_t va, int create)
{
	pte_t *table = root;
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

void vm_map_page(pte_t *root, uint64_t va, uint64_t pa, uint64_t flags) { *vm_leaf(root, va, 1) = leaf_pte(pa, flags); }

static void map_range(uint64_t start, uint64_t end, uint64_t flags)
{
	for (uint64_t a = start; a < end; a += PAGE_SIZE)
		vm_map_page(kernel_root, a, a, flags);
}

/*
 * The kernel's address space, identity-mapped: text R-X, rodata (with the
 * user programs' load image) R, data and stacks RW, the page pool as one
 * 2 MiB megapage, the UART as one 4 KiB page. A and D are preset so the
 * kernel never depends on how hardware (or a monitor) updates them.
 */
void vm_init_kernel(void)
{
	const uint64_t kernel_flags = PTE_G | PTE_A;
	kernel_root = page_alloc();
	kernel_l1_high = page_alloc();
	kernel_l1_low = page_alloc();
	kernel_root[vpn(KERNEL_BASE, 2)] = table_pte(kernel_l1_high);
	kernel_root[vpn(UART0_BASE, 2)] = table_pte(kernel_l1_low);
	map_range(KERNEL_BASE, (uint64_t)__text_end, kernel_flags | PTE_R | PTE_X);
	map_range((uint64_t)__text_end, (uint64_t)__data_start, kernel_flags | PTE_R);
	map_range((uint64_t)__data_start, (uint64_t)__kernel_end, kernel_flags | PTE_R | PTE_W | PTE_D);
	kernel_l1_high[vpn(POOL_BASE, 1)] = leaf_pte(POOL_BASE, kernel_flags | PTE_R | PTE_W | PTE_D);
	vm_map_page(kernel_root, UART0_BASE, UART0_BASE, kernel_flags | PTE_R | PTE_W | PTE_D);
}

/*
 * A user address space: its own root and low L1 table, sharing the
 * kernel's high L1 table (image, pool) and the UART's L0 table.
 */
pte_t *vm_new_user_root(void)
{
	pte_t *root = page_alloc();
	pte_t *low = page_alloc();
	root[vpn(KERNEL_BASE, 2)] = kernel_root[vpn(KERNEL_BASE, 2)];
	root[vpn(UART0_BASE, 2)] = table_pte(low);
	low[vpn(UART0_BASE, 1)] = kernel_l1_low[vpn(UART0_BASE, 1)];
	return root;
}

uint64_t vm_satp(pte_t *root, uint64_t asid) { return SATP_SV39 | (asid << 44) | ((uint64_t)root >> 12); }

/* Prints what a software walk of root finds for va: the translation and the leaf's permissions. */
void vm_describe(pte_t *root, uint64_t va)
{
	pte_t *table = root;
	for (int level = 2; level >= 0; level--) {
		pte_t entry = table[vpn(va, level)];
		if (!(entry & PTE_V)) {
			kprintf("  va 0x%lx: not mapped (level %d entry invalid)\n", va, level);
			return;
		}
		if (entry & (PTE_R | PTE_X)) {
			uint64_t size = 1UL << (12 + 9 * level);
			uint64_t pa = (((entry >> 10) << 12) & ~(size - 1)) | (va & (size - 1));
			kprintf("  va 0x%lx -> pa 0x%lx, %s page, %c%c%c%c%c\n", va, pa, level == 1 ? "2M" : level == 2 ? "1G" : "4K",
				entry & PTE_R ? 'R' : '-', entry & PTE_W ? 'W' : '-', entry & PTE_X ? 'X' : '-',
				entry & PTE_U ? 'U' : '-', entry & PTE_G ? 'G' : '-');
			return;
		}
		table = pte_table(entry);
	}
}
