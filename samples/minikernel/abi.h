/* The system call interface: what user programs and the kernel agree on. */
#ifndef MINIKERNEL_ABI_H
#define MINIKERNEL_ABI_H

/* ecall with a7 = number, a0..a1 = arguments; the result comes back in a0 (-1 = error). */
#define SYS_WRITE 1 /* (buffer, length) -> length */
#define SYS_EXIT 2 /* (status) */
#define SYS_YIELD 3
#define SYS_GETPID 4
#define SYS_READ 5 /* (buffer, size) -> length of the next console line, waiting for one */
#define SYS_SPAWN 6 /* (program name, argument) -> pid; the argument arrives in the child's a0 */
#define SYS_WAIT 7 /* (pid) -> its exit status, waiting for it to exit */
#define SYS_PS 8 /* the kernel prints its process table */

#endif
