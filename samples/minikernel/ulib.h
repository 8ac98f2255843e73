/* The user programs' library: system call wrappers and printing (ulib-user.c). */
#ifndef MINIKERNEL_ULIB_H
#define MINIKERNEL_ULIB_H

#include <stdint.h>
#include "abi.h"

long write(const char *buffer, long length);
void exit(int status) __attribute__((noreturn));
void yield(void);
int getpid(void);
long read_line(char *buffer, long size);
int spawn(const char *name, uint64_t argument);
int wait(int pid);
void ps(void);

void print(const char *s);
/* "process N (name): " + text + number + "\n" in one write */
void say(const char *name, const char *text, long number);
int streq(const char *a, const char *b);

#endif
