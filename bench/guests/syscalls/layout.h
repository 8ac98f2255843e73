/*
 * Addresses and numbers shared by the syscalls kernel (C and assembly) and
 * its user program. Only KERNEL_BASE is the board's (where fw_jump and
 * vmscope's monitor enter a kernel); the rest is this guest's choice.
 */
#ifndef SYSCALLS_LAYOUT_H
#define SYSCALLS_LAYOUT_H

#define PAGE_SIZE 4096
#define MEGAPAGE_SIZE 0x200000

/* Physical (and, identity-mapped, kernel virtual) addresses. */
#define KERNEL_BASE 0x80200000UL /* the kernel image: one 2 MiB megapage */
#define POOL_BASE 0x80400000UL /* page pool: page tables and user pages */
#define POOL_MEGAPAGES 8 /* 16 MiB, 4096 pages */

/* User virtual addresses. */
#define USER_CODE 0x00400000UL /* user.o's text and rodata, R-X */
#define USER_STACK_TOP 0x00600000UL /* one page below this */
#define USER_HEAP 0x20000000UL /* demand-paged: mapped on the first touch */

/* The workload. */
#define USER_SYSCALLS 50000 /* SYS_MIX calls */
#define USER_PAGES 2000 /* fresh heap pages, one every USER_SYSCALLS / USER_PAGES calls */
#define USER_HEAP_PAGES USER_PAGES

/* System calls: a7 = number, a0..a1 = arguments, a0 = result. */
#define SYS_MIX 1 /* (value, index) → a hash of both and the call count */
#define SYS_EXIT 2 /* (checksum): print it and shut down */

/* Trap frame: x1..x31 in slots 1..31, the pc in slot 0, then the kernel stack. */
#define TF_PC 0
#define TF_KERNEL_SP (32 * 8)
#define TF_SIZE (33 * 8)

#endif
