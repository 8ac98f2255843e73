/*
 * Addresses and numbers shared by the kernel (C and assembly) and the user
 * programs. Everything here is a constant of this guest, not of the board,
 * except the UART and the kernel's load address (QEMU virt, OpenSBI fw_jump).
 */
#ifndef PAGING_LAYOUT_H
#define PAGING_LAYOUT_H

#define PAGE_SIZE 4096
#define MEGAPAGE_SIZE 0x200000

/* Physical (and, identity-mapped, kernel virtual) addresses. */
#define KERNEL_BASE 0x80200000UL /* where fw_jump enters the kernel */
#define POOL_BASE 0x80400000UL /* page pool: one 2 MiB megapage */
#define POOL_SIZE MEGAPAGE_SIZE
#define UART0_BASE 0x10000000UL

/* User virtual addresses (the same in every process, backed differently). */
#define USER_CODE 0x00400000UL /* user.o's text and rodata, R-X, shared */
#define USER_MAILBOX 0x00500000UL /* one page per process, read-only for it */
#define USER_STACK_TOP 0x00600000UL /* one page below this */
#define USER_HEAP 0x20000000UL /* demand-paged region */
#define USER_HEAP_PAGES 64
#define USER_HEAP_WRITTEN 48 /* pages the heap program writes; the rest it only reads */
#define USER_BAD_ADDRESS 0xdead0000UL /* in no region of any process */
#define MAILBOX_FLAG_OFFSET 2048 /* a word in the mailbox the kernel sets for PROG_SPIN */

/* System calls: a7 = number, a0..a1 = arguments, a0 = result. */
#define SYS_WRITE 1 /* (buffer, length) → length or -1 */
#define SYS_YIELD 2
#define SYS_EXIT 3 /* (status) */
#define SYS_PROBE_NOSUM 4 /* (buffer): kernel reads it with SUM clear → -1 */
#define SYS_REMAP_MAILBOX 5 /* (pid): point that process's mailbox at its second page */

/* User programs (a0 at entry; a1 = pid). */
#define PROG_TALK 1
#define PROG_HEAP 2
#define PROG_SURVIVOR 3
#define PROG_WILD 4
#define PROG_SUM 5
#define PROG_MAILBOX 6
#define PROG_REMAPPER 7
#define PROG_SPIN 8
#define PROG_SIDEKICK 9

/* Trap frame: x1..x31 in slots 1..31, the pc in slot 0, then the kernel stack. */
#define TF_PC 0
#define TF_KERNEL_SP (32 * 8)
#define TF_SIZE (33 * 8)

#endif
