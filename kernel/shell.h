/* The serial shell. Subsystems add commands with SHELL_COMMAND; the linker
 * gathers them into one table, so the shell knows no subsystem by name. */
#ifndef RINGOS_SHELL_H
#define RINGOS_SHELL_H

#include "kernel/compiler.h"

#define SHELL_MAX_ARGS 16

struct shell_cmd {
	const char *name;
	const char *help;
	int (*fn)(int argc, char **argv);
};

#define SHELL_COMMAND(cmd_name, cmd_help, cmd_fn)                              \
	static const struct shell_cmd __shellcmd_##cmd_fn __used __aligned(8)  \
		__section("shellcmds") = { cmd_name, cmd_help, cmd_fn }

/* Feeds received console bytes to the line editor; runs complete lines. */
void shell_poll(void);
void shell_prompt(void);
/* Starts the shell thread; it owns the console input and gets Ctrl-C. */
void shell_start(void);
/* iproute2's keyword rule: word is a non-empty prefix of keyword ("ip a"
 * for "ip address"). */
static inline bool shell_matches(const char *word, const char *keyword)
{
	size_t n = __builtin_strlen(word);

	return n > 0 && n <= __builtin_strlen(keyword) && __builtin_strncmp(word, keyword, n) == 0;
}
/* Runs one command line (also used by tests and the boot `run=` hook). */
int shell_exec(char *line);

#endif
