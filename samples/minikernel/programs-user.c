/* The programs `run NAME` starts. Each is a process's main, in U-mode. */
#include "ulib.h"

void prog_hello(uint64_t argument)
{
	(void)argument;
	say("hello", "hello from U-mode; my pid is ", getpid());
	yield();
	say("hello", "back after a yield", -1);
}

/* Some work, then its result: the sum of the squares of 1..n. */
void prog_count(uint64_t argument)
{
	(void)argument;
	long sum = 0;
	for (long i = 1; i <= 30000; i++)
		sum += i * i;
	say("count", "sum of squares 1..30000 = ", sum);
}

/*
 * spin never yields: it waits for a flag that only its child, breaker,
 * sets. The child runs only because the timer preempts spin (schedule is
 * called from the timer interrupt), so seeing the flag proves preemption.
 */
void prog_spin(uint64_t argument)
{
	(void)argument;
	volatile long flag = 0; /* on spin's stack; no paging, so the child can reach it */
	say("spin", "spinning until my child sets a flag; I never yield", -1);
	int child = spawn("breaker", (uint64_t)&flag);
	while (flag == 0)
		;
	say("spin", "the timer preempted me: flag set by process ", flag);
	wait(child);
}

void prog_breaker(uint64_t argument)
{
	volatile long *flag = (volatile long *)argument;
	say("breaker", "running while spin spins; setting its flag", -1);
	*flag = getpid();
}
