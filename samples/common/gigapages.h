/*
 * Identity page tables made of 1 GiB leaves (Sv39 gigapages): the least a
 * kernel needs to turn paging on. Two roots with the same mappings, for
 * samples that switch address spaces (ASID 1 and 2).
 */
#ifndef SAMPLES_GIGAPAGES_H
#define SAMPLES_GIGAPAGES_H

#include <stdint.h>

void build_identity_roots(void);
/* satp value for root 0 or 1: MODE Sv39, ASID root + 1. */
uint64_t identity_satp(int root);

#endif
