/*
 * The user programs. They run in U-mode at USER_CODE (pc-relative code, so
 * the address they were linked at does not matter) and reach the kernel
 * only through ecall. No writable data: the .user pages are R-X.
 */
#include <stdint.h>
#include "user-abi.h"

static long syscall(long number, long a0, long a1)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r7 __asm__("a7") = number;
	__asm__ volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r7) : "memory");
	return r0;
}

static void print(const char *s)
{
	long n = 0;
	while (s[n])
		n++;
	syscall(SYS_WRITE, (long)s, n);
}

/* "process N: " + text + hex value + "\n", built on the stack and written at once. */
static void report(int pid, const char *text, uint64_t value)
{
	char line[96];
	int n = 0;
	for (const char *p = "process "; *p; p++)
		line[n++] = *p;
	line[n++] = (char)('0' + pid);
	line[n++] = ':';
	line[n++] = ' ';
	for (const char *p = text; *p; p++)
		line[n++] = *p;
	line[n++] = '0';
	line[n++] = 'x';
	for (int shift = 60; shift >= 0; shift -= 4)
		line[n++] = "0123456789abcdef"[(value >> shift) & 0xf];
	line[n++] = '\n';
	syscall(SYS_WRITE, (long)line, n);
}

static uint64_t heap_sum(unsigned pages)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < pages; i++)
		sum = sum * 31 + *(volatile uint64_t *)(USER_HEAP + i * 4096UL);
	return sum;
}

/* Fills every heap page (each first touch is a page fault the kernel resolves), yields, reads it back. */
static void heap_program(int pid)
{
	for (unsigned i = 0; i < USER_HEAP_PAGES; i++)
		*(volatile uint64_t *)(USER_HEAP + i * 4096UL) = 0x1000UL * pid + i;
	report(pid, "wrote 16 heap pages, sum ", heap_sum(USER_HEAP_PAGES));
	syscall(SYS_YIELD, 0, 0);
	report(pid, "after a yield my heap still sums to ", heap_sum(USER_HEAP_PAGES));
}

static void wild_program(int pid)
{
	for (unsigned i = 0; i < 4; i++)
		*(volatile uint64_t *)(USER_HEAP + i * 4096UL) = 0x2000UL * pid + i;
	report(pid, "wrote 4 heap pages, sum ", heap_sum(4));
	print(pid == 1 ? "process 1: now loading from 0xdead0000\n" : "process 2: now loading from 0xdead0000\n");
	(void)*(volatile uint64_t *)USER_BAD_ADDRESS;
	print("not reached: the kernel kills this process\n");
}

/* Entry: a0 = program, a1 = pid; the first instruction of the .user pages. */
__attribute__((section(".text.user_entry"), noreturn)) void user_entry(int program, int pid)
{
	print(pid == 1 ? "process 1: hello from U-mode\n" : "process 2: hello from U-mode\n");
	if (program == PROGRAM_HEAP)
		heap_program(pid);
	else
		wild_program(pid);
	syscall(SYS_EXIT, 0, 0);
	for (;;)
		;
}
