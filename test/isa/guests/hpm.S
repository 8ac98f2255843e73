/* Hardware performance counters as firmware probes them (OpenSBI's
   hart_detect_features): which mhpmcounter/mhpmevent CSRs exist, whether
   a written value reads back. Traps are printed by the harness. */
#include "harness.h"

.macro PROBE name, csr
  li s0, 0x5a5a
  csrw \csr, s0
  csrr s1, \csr
  PUT \name, s1
.endm

  .text
  .globl main
main:
  PROBE mhpmcounter3, mhpmcounter3
  PROBE mhpmcounter18, mhpmcounter18
  PROBE mhpmcounter19, mhpmcounter19
  PROBE mhpmcounter31, mhpmcounter31
  PROBE mhpmevent3, mhpmevent3
  PROBE mhpmevent31, mhpmevent31
  csrr s1, hpmcounter3
  PUT hpmcounter3, s1
  csrr s1, hpmcounter31
  PUT hpmcounter31, s1
  li s0, -1
  csrw mcountinhibit, s0
  csrr s1, mcountinhibit
  PUT mcountinhibit, s1
  csrw mcountinhibit, zero
  j pass
