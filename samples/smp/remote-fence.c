/*
 * Page tables for the remote-fence demonstration: identity gigapages for
 * devices and RAM (as common/gigapages.c) plus one 4 KiB page at FENCE_VA
 * that points at page A or page B. Both harts use the same root, so a hart
 * that has FENCE_VA in its TLB keeps reading the old page until it is told
 * to flush: SBI RFENCE remote_sfence_vma, the hypercall form of a TLB
 * shootdown (on x86 an IPI whose handler runs invlpg).
 */
#include "smp.h"
#include "csr.h"

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_A 0x40
#define PTE_D 0x80
#define LEAF (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t level1[512] __attribute__((aligned(4096)));
static uint64_t level0[512] __attribute__((aligned(4096)));
static char pages[2][4096] __attribute__((aligned(4096)));

static uint64_t pte(const void *pa, uint64_t flags) { return ((uint64_t)pa >> 12) << 10 | flags; }

void fence_tables_build(void)
{
	root[0] = pte((void *)0x00000000UL, LEAF); /* devices */
	root[2] = pte((void *)0x80000000UL, LEAF | PTE_X); /* RAM */
	root[FENCE_VA >> 30] = pte(level1, PTE_V);
	level1[(FENCE_VA >> 21) & 0x1ff] = pte(level0, PTE_V);
	const char *texts[2] = { "page A", "page B" };
	for (int p = 0; p < 2; p++)
		for (int i = 0; texts[p][i]; i++)
			pages[p][i] = texts[p][i];
	fence_page_point_at(0);
}

uint64_t fence_tables_satp(void) { return SATP_MODE_SV39 | ((uint64_t)root >> 12); }

void fence_page_point_at(int which) { level0[(FENCE_VA >> 12) & 0x1ff] = pte(pages[which], LEAF); }
