/*
 * The shell: a U-mode process that reads lines from the console (typed on
 * the UART) and runs commands: help, ps, run NAME, exit.
 */
#include "ulib.h"

static void run(const char *name)
{
	int pid = spawn(name, 0);
	if (pid < 0) {
		print("shell: no program named \"");
		print(name);
		print("\" (try help)\n");
		return;
	}
	int status = wait(pid);
	if (status != 0)
		print("shell: the program failed\n");
}

void shell_main(uint64_t argument)
{
	(void)argument;
	char line[80];
	print("shell: commands are help, ps, run NAME, exit\n");
	for (;;) {
		print("minikernel$ ");
		long length = read_line(line, sizeof line);
		if (length < 0)
			break;
		print(line); /* echo what was typed: the console does not */
		print("\n");
		if (streq(line, "help"))
			print("help: this text; ps: list processes; run NAME: run hello, count or spin; exit: leave\n");
		else if (streq(line, "ps"))
			ps();
		else if (line[0] == 'r' && line[1] == 'u' && line[2] == 'n' && line[3] == ' ')
			run(line + 4);
		else if (streq(line, "exit"))
			break;
		else {
			print("shell: unknown command: ");
			print(line);
			print("\n");
		}
	}
	print("shell: bye\n");
}
