/* The privileged sample's parts: the tour (privileged.c), the workload, the U-mode round trip. */
#ifndef PRIVILEGED_H
#define PRIVILEGED_H

#include <stdint.h>

/* Rounds of the workload: what a kernel does around every context switch. */
#define WORKLOAD_ROUNDS 200
uint64_t run_workload(int sstc);

#include "roundtrip.h"

#endif
