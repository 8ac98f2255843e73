/* PLIC register layout (see the PLIC specification's memory map). */
#include "plic.h"
#include "layout.h"

#define PLIC_PRIORITY(irq) (PLIC_BASE + 4 * (irq))
#define PLIC_ENABLE(ctx) (PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESHOLD(ctx) + 4)

static unsigned long s_context(unsigned long hartid) { return 2 * hartid + 1; }

static volatile uint32_t *reg(unsigned long address) { return (volatile uint32_t *)address; }

void plic_enable(unsigned long hartid, unsigned irq)
{
	unsigned long ctx = s_context(hartid);
	*reg(PLIC_PRIORITY(irq)) = 1;
	*reg(PLIC_ENABLE(ctx) + 4 * (irq / 32)) |= 1U << (irq % 32);
	*reg(PLIC_THRESHOLD(ctx)) = 0;
}

unsigned plic_claim(unsigned long hartid) { return *reg(PLIC_CLAIM(s_context(hartid))); }

void plic_complete(unsigned long hartid, unsigned irq) { *reg(PLIC_CLAIM(s_context(hartid))) = irq; }
