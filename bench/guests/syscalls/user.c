/*
 * The user program, linked at USER_CODE (link.ld): USER_SYSCALLS calls of
 * SYS_MIX, each folding the kernel's answer into a running value, with a
 * first touch of a fresh heap page every USER_SYSCALLS / USER_PAGES calls
 * (a load, which faults, then a store). A last pass reads every page back,
 * so a page mapped twice or lost changes the checksum. No writable data:
 * the image is mapped read-only.
 */
#include <stdint.h>
#include "layout.h"

static inline uint64_t syscall2(uint64_t number, uint64_t arg0, uint64_t arg1)
{
	register uint64_t a0 __asm__("a0") = arg0;
	register uint64_t a1 __asm__("a1") = arg1;
	register uint64_t a7 __asm__("a7") = number;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
	return a0;
}

#define CALLS_PER_PAGE (USER_SYSCALLS / USER_PAGES)

__attribute__((section(".text.user_entry"), noreturn)) void user_entry(void)
{
	uint64_t value = 0x5eed;
	volatile uint64_t *heap = (volatile uint64_t *)USER_HEAP;
	uint64_t pages = 0;
	for (uint64_t i = 0; i < USER_SYSCALLS; i++) {
		value = syscall2(SYS_MIX, value, i);
		if (i % CALLS_PER_PAGE == CALLS_PER_PAGE - 1 && pages < USER_PAGES) {
			volatile uint64_t *page = heap + pages * (PAGE_SIZE / 8);
			value += page[value & 511]; /* a fresh page reads as zero */
			page[(value >> 9) & 511] = value;
			page[0] ^= pages;
			pages++;
		}
	}
	for (uint64_t p = 0; p < pages; p++)
		value = value * 31 + heap[p * (PAGE_SIZE / 8)];
	syscall2(SYS_EXIT, value, 0);
	for (;;)
		;
}
