/*
 * User-mode library: every call into the kernel is an ecall. Runs in
 * U-mode, so it may not touch CSRs or devices; it has no writable data
 * (link.ld maps user code read-only).
 */
#include "ulib.h"

static long syscall(long number, long a0, long a1)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r7 __asm__("a7") = number;
	__asm__ volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r7) : "memory");
	return r0;
}

long write(const char *buffer, long length) { return syscall(SYS_WRITE, (long)buffer, length); }

void exit(int status)
{
	syscall(SYS_EXIT, status, 0);
	for (;;)
		;
}

void yield(void) { syscall(SYS_YIELD, 0, 0); }
int getpid(void) { return (int)syscall(SYS_GETPID, 0, 0); }
long read_line(char *buffer, long size) { return syscall(SYS_READ, (long)buffer, size); }
int spawn(const char *name, uint64_t argument) { return (int)syscall(SYS_SPAWN, (long)name, (long)argument); }
int wait(int pid) { return (int)syscall(SYS_WAIT, pid, 0); }
void ps(void) { syscall(SYS_PS, 0, 0); }

/* A process's main returns here (the kernel sets ra): exit with status 0. */
void user_exit_on_return(void) { exit(0); }

void print(const char *s)
{
	long n = 0;
	while (s[n])
		n++;
	write(s, n);
}

int streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int append(char *line, int n, const char *s)
{
	while (*s)
		line[n++] = *s++;
	return n;
}

void say(const char *name, const char *text, long number)
{
	char line[120];
	char digits[24];
	int n = append(line, 0, "process ");
	int d = 0;
	long pid = getpid();
	do {
		digits[d++] = (char)('0' + pid % 10);
		pid /= 10;
	} while (pid);
	while (d)
		line[n++] = digits[--d];
	n = append(line, n, " (");
	n = append(line, n, name);
	n = append(line, n, "): ");
	n = append(line, n, text);
	if (number >= 0) {
		do {
			digits[d++] = (char)('0' + number % 10);
			number /= 10;
		} while (number);
		while (d)
			line[n++] = digits[--d];
	}
	line[n++] = '\n';
	write(line, n);
}
