/* The minikernel's parts: processes (proc.c), system calls, traps, console input. */
#ifndef MINIKERNEL_H
#define MINIKERNEL_H

#include <stdint.h>
#include "abi.h"
#include "trap.h"

#define NPROC 8
#define USER_STACK_SIZE 4096
#define TIME_SLICE 20000 /* timer ticks (10 MHz): 2 ms of guest time */

enum proc_state { UNUSED, RUNNABLE, RUNNING, WAITING_INPUT, WAITING_CHILD, ZOMBIE };

struct proc {
	int pid;
	enum proc_state state;
	const char *name;
	struct trap_frame context; /* the user registers while it is not running */
	int waiting_for; /* WAITING_CHILD: that pid */
	int exit_status;
	unsigned long preemptions;
};

/* proc.c */
extern struct proc *current;
int proc_spawn(const char *name, uint64_t argument);
void proc_exit(struct trap_frame *tf, int status);
void proc_block(struct trap_frame *tf, enum proc_state why);
void proc_wake_input(void);
void schedule(struct trap_frame *tf);
void schedule_first(void) __attribute__((noreturn));
void proc_print_table(void);
int proc_wait(struct trap_frame *tf, int pid);

/* syscall.c */
void syscall_dispatch(struct trap_frame *tf);

/* trap.c */
void timer_start(void);
void timer_tick(void);

/* console-input.c: lines typed on the UART, gathered by the external interrupt */
void console_input_start(unsigned long hartid);
void console_input_interrupt(void);
int console_line_ready(void);
int console_take_line(char *buffer, int size);

/* A user program's entry point (programs-user.c, shell-user.c). */
typedef void (*program_entry)(uint64_t argument);

#endif
