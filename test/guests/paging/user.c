/*
 * The user programs, linked to run at USER_CODE (0x400000) in U-mode and
 * mapped R-X into every process. They touch nothing but their own stack,
 * their mailbox and heap, and talk to the kernel only through ecall. No
 * writable globals: the code pages are shared by all processes.
 */
#include <stdint.h>
#include "layout.h"

static long syscall2(long number, long arg0, long arg1)
{
	register long a0 __asm__("a0") = arg0;
	register long a1 __asm__("a1") = arg1;
	register long a7 __asm__("a7") = number;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
	return a0;
}

static void yield(void) { syscall2(SYS_YIELD, 0, 0); }

static __attribute__((noreturn)) void exit(long status)
{
	syscall2(SYS_EXIT, status, 0);
	for (;;)
		;
}

/* A line being built on the stack. */
struct line {
	char text[120];
	int length;
};

static void add(struct line *l, const char *s)
{
	while (*s && l->length < (int)sizeof l->text)
		l->text[l->length++] = *s++;
}

static void add_hex(struct line *l, uint64_t value)
{
	add(l, "0x");
	for (int shift = 60; shift >= 0; shift -= 4) {
		unsigned digit = (value >> shift) & 0xf;
		if (l->length < (int)sizeof l->text)
			l->text[l->length++] = "0123456789abcdef"[digit];
	}
}

static void start(struct line *l, long pid)
{
	l->length = 0;
	add(l, "process ");
	char digit[2] = { (char)('0' + pid), 0 };
	add(l, digit);
	add(l, ": ");
}

static long send(struct line *l)
{
	add(l, "\n");
	return syscall2(SYS_WRITE, (long)l->text, l->length);
}

static void say(long pid, const char *text)
{
	struct line l;
	start(&l, pid);
	add(&l, text);
	send(&l);
}

static __attribute__((noreturn)) void talk(long pid)
{
	static const char *const rounds[3] = { "round 1 in my own address space", "round 2, after a yield", "round 3, last" };
	for (int i = 0; i < 3; i++) {
		say(pid, rounds[i]);
		yield();
	}
	exit(0);
}

/*
 * Writes a pattern into the first USER_HEAP_WRITTEN pages, only reads the
 * rest (demand-zero pages), then reads everything back into a checksum.
 */
static __attribute__((noreturn)) void heap(long pid)
{
	volatile uint64_t *heap = (volatile uint64_t *)USER_HEAP;
	const int words = PAGE_SIZE / 8;
	uint64_t checksum = 0;
	for (int page = 0; page < USER_HEAP_PAGES; page++) {
		for (int i = 0; i < words; i += 64) {
			if (page < USER_HEAP_WRITTEN)
				heap[page * words + i] = (uint64_t)page * 0x9e3779b97f4a7c15ULL + (uint64_t)i;
			else
				checksum |= heap[page * words + i];
		}
	}
	if (checksum != 0)
		say(pid, "untouched heap pages are not zero");
	for (int page = 0; page < USER_HEAP_PAGES; page++)
		for (int i = 0; i < words; i += 64)
			checksum = (checksum << 7 | checksum >> 57) ^ heap[page * words + i];
	struct line l;
	start(&l, pid);
	add(&l, "heap checksum ");
	add_hex(&l, checksum);
	add(&l, " (48 pages written, 16 read as zero)");
	send(&l);
	exit(0);
}

static __attribute__((noreturn)) void survivor(long pid)
{
	say(pid, "running before process 2");
	yield();
	say(pid, "still running after process 2 was killed");
	exit(0);
}

static __attribute__((noreturn)) void wild(long pid)
{
	say(pid, "about to load from 0xdead0000");
	uint64_t value = *(volatile uint64_t *)USER_BAD_ADDRESS;
	say(pid, value ? "loaded a value: unreachable" : "loaded zero: unreachable");
	exit(1);
}

static __attribute__((noreturn)) void sum(long pid)
{
	struct line l;
	start(&l, pid);
	add(&l, "this line was copied by the kernel with SUM=1");
	send(&l);
	long result = syscall2(SYS_PROBE_NOSUM, (long)l.text, 0);
	say(pid, result < 0 ? "the SUM=0 probe of my buffer failed, as it should" : "the SUM=0 probe succeeded: SUM is not enforced");
	exit(0);
}

static void show_mailbox(long pid)
{
	struct line l;
	start(&l, pid);
	add(&l, "va 0x500000 holds \"");
	add(&l, (const char *)USER_MAILBOX);
	add(&l, "\"");
	send(&l);
}

static __attribute__((noreturn)) void mailbox(long pid)
{
	show_mailbox(pid);
	yield();
	show_mailbox(pid);
	exit(0);
}

static __attribute__((noreturn)) void remapper(long pid)
{
	show_mailbox(pid);
	yield();
	syscall2(SYS_REMAP_MAILBOX, 2, 0);
	show_mailbox(pid);
	exit(0);
}

/* Never yields: only a timer interrupt takes the hart away from this loop. */
static __attribute__((noreturn)) void spin(long pid)
{
	volatile uint64_t *flag = (volatile uint64_t *)(USER_MAILBOX + MAILBOX_FLAG_OFFSET);
	while (*flag == 0)
		;
	say(pid, "the kernel's flag is set; I was spinning, never yielding");
	exit(0);
}

static __attribute__((noreturn)) void sidekick(long pid)
{
	say(pid, "running while process 1 spins: the timer preempted it");
	exit(0);
}

/* Entry (first in the user image): a0 = program, a1 = pid, sp = stack top. */
__attribute__((section(".text.user_entry"), noreturn)) void user_main(long program, long pid)
{
	switch (program) {
	case PROG_TALK:
		talk(pid);
	case PROG_HEAP:
		heap(pid);
	case PROG_SURVIVOR:
		survivor(pid);
	case PROG_WILD:
		wild(pid);
	case PROG_SUM:
		sum(pid);
	case PROG_MAILBOX:
		mailbox(pid);
	case PROG_REMAPPER:
		remapper(pid);
	case PROG_SPIN:
		spin(pid);
	case PROG_SIDEKICK:
		sidekick(pid);
	}
	exit(2);
}
