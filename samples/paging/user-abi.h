/* What the kernel and the user programs agree on: addresses and system calls. */
#ifndef PAGING_USER_ABI_H
#define PAGING_USER_ABI_H

#define USER_CODE 0x400000UL /* the .user pages, R-X-U, shared by both processes */
#define USER_STACK_TOP 0x800000UL /* one page below, RW-U */
#define USER_HEAP 0x10000000UL /* demand-paged: nothing mapped until touched */
#define USER_HEAP_PAGES 16
#define USER_BAD_ADDRESS 0xdead0000UL /* in no region */

#define SYS_WRITE 1 /* (buffer, length) */
#define SYS_YIELD 2
#define SYS_EXIT 3 /* (status) */

#define PROGRAM_HEAP 1 /* fills its heap, yields, checks it */
#define PROGRAM_WILD 2 /* touches a little heap, then a wild address */

#endif
