/*
 * The PLIC (platform-level interrupt controller) at 0x0c00_0000, QEMU
 * virt's layout: each hart has an M-mode context (2 * hart) and an S-mode
 * context (2 * hart + 1); a kernel uses its S-mode one.
 */
#ifndef SAMPLES_PLIC_H
#define SAMPLES_PLIC_H

#include <stdint.h>

/* Priority 1 for `irq`, enabled for this hart's S context, threshold 0. */
void plic_enable(unsigned long hartid, unsigned irq);
/* The highest pending source for this hart's S context (0 = none); it stays claimed until completed. */
unsigned plic_claim(unsigned long hartid);
void plic_complete(unsigned long hartid, unsigned irq);

#endif
