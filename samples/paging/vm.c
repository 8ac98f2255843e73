/*
 * Sv39 page tables: a bump allocator over free memory, the kernel's
 * identity mapping, user address spaces that share it, and a software walk
 * that prints each level, as the MMU (or a monitor building shadow tables)
 * does it.
 */
#include "paging.h"
#include "console.h"
#include "csr.h"
#include "layout.h"
#include "sbi.h"

extern char __kernel_start[], __text_end[], __user_start[], __user_end[], __data_start[], __kernel_end[];

#define MEGAPAGE_SIZE 0x200000UL
/* Pages come from free memory, which the kernel maps for itself as one 2 MiB megapage. */
static uint64_t next_free = FREE_MEMORY;
static unsigned long allocated;
static pte_t *kernel_root;

void copy_bytes(void *dst, const void *src, size_t length)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	for (size_t i = 0; i < length; i++)
		d[i] = s[i];
}

void *page_alloc(void)
{
	if (next_free >= FREE_MEMORY + MEGAPAGE_SIZE) {
		kprintf("kernel panic: out of pages\n");
		sbi_shutdown(1);
	}
	uint64_t *page = (uint64_t *)next_free;
	next_free += PAGE_SIZE;
	allocated++;
	for (int i = 0; i < PAGE_SIZE / 8; i++)
		page[i] = 0;
	return page;
}

unsigned long pages_allocated(void) { return allocated; }

static unsigned vpn(uint64_t va, int level) { return (va >> (12 + 9 * level)) & 0x1ff; }
static pte_t *next_table(pte_t entry) { return (pte_t *)((entry >> 10) << 12); }
static pte_t leaf(uint64_t pa, uint64_t flags) { return (pa >> 12) << 10 | flags | PTE_V | PTE_A | PTE_D; }

/* The entry for va at `level` (2 = root), creating the tables above it. */
static pte_t *entry_at(pte_t *root, uint64_t va, int level)
{
	pte_t *table = root;
	for (int l = 2; l > level; l--) {
		pte_t *entry = &table[vpn(va, l)];
		if (!(*entry & PTE_V))
			*entry = ((uint64_t)page_alloc() >> 12) << 10 | PTE_V; /* a pointer to the next level */
		table = next_table(*entry);
	}
	return &table[vpn(va, level)];
}

void map_page(pte_t *root, uint64_t va, uint64_t pa, uint64_t flags) { *entry_at(root, va, 0) = leaf(pa, flags); }

static void map_range(pte_t *root, uint64_t start, uint64_t end, uint64_t flags)
{
	for (uint64_t a = start; a < end; a += PAGE_SIZE)
		map_page(root, a, a, flags);
}

/*
 * The kernel's view: its image identity-mapped in 4 KiB pages with the
 * least permission each part needs, and free memory as one 2 MiB megapage
 * (a leaf at level 1). All global (G): the same in every address space.
 */
pte_t *kernel_page_tables(void)
{
	kernel_root = page_alloc();
	map_range(kernel_root, (uint64_t)__kernel_start, (uint64_t)__text_end, PTE_R | PTE_X | PTE_G);
	map_range(kernel_root, (uint64_t)__text_end, (uint64_t)__user_start, PTE_R | PTE_G);
	map_range(kernel_root, (uint64_t)__data_start, (uint64_t)__kernel_end, PTE_R | PTE_W | PTE_G);
	*entry_at(kernel_root, FREE_MEMORY, 1) = leaf(FREE_MEMORY, PTE_R | PTE_W | PTE_G);
	return kernel_root;
}

/* A user address space: the kernel's gigabyte shared table for table, plus the user's code and stack. */
pte_t *new_address_space(void)
{
	pte_t *root = page_alloc();
	root[vpn(KERNEL_BASE, 2)] = kernel_root[vpn(KERNEL_BASE, 2)];
	for (uint64_t off = 0; off < (uint64_t)(__user_end - __user_start); off += PAGE_SIZE)
		map_page(root, USER_CODE + off, (uint64_t)__user_start + off, PTE_R | PTE_X | PTE_U);
	map_page(root, USER_STACK_TOP - PAGE_SIZE, (uint64_t)page_alloc(), PTE_R | PTE_W | PTE_U);
	return root;
}

uint64_t make_satp(pte_t *root, unsigned asid) { return SATP_MODE_SV39 | (uint64_t)asid << 44 | (uint64_t)root >> 12; }

static void print_flags(pte_t pte)
{
	kprintf("%c%c%c%c%c", pte & PTE_R ? 'R' : '-', pte & PTE_W ? 'W' : '-', pte & PTE_X ? 'X' : '-', pte & PTE_U ? 'U' : '-', pte & PTE_G ? 'G' : '-');
}

pte_t print_walk(pte_t *root, uint64_t va)
{
	pte_t *table = root;
	kprintf("  walk of va 0x%lx:", va);
	for (int level = 2; level >= 0; level--) {
		pte_t pte = table[vpn(va, level)];
		kprintf(" L%d[%u]", level, vpn(va, level));
		if (!(pte & PTE_V)) {
			kprintf(" invalid: page fault\n");
			return 0;
		}
		if (pte & (PTE_R | PTE_X)) {
			uint64_t offset = va & ((PAGE_SIZE << (9 * level)) - 1);
			kprintf(" -> pa 0x%lx, %s, ", (uint64_t)next_table(pte) + offset, level == 0 ? "4K page" : level == 1 ? "2M megapage" : "1G gigapage");
			print_flags(pte);
			kprintf("\n");
			return pte;
		}
		table = next_table(pte);
	}
	kprintf(" no leaf\n");
	return 0;
}
