#include <string.h>
#include "host_support.h"
#include "shell_run.h"
#include "kernel/shell.h"
#include "net/ip_shell.h"

extern const struct shell_cmd __start_shellcmds[] __attribute__((weak));
extern const struct shell_cmd __stop_shellcmds[] __attribute__((weak));
extern const struct ip_object __start_ipobjects[] __attribute__((weak));
extern const struct ip_object __stop_ipobjects[] __attribute__((weak));

static const struct shell_cmd *find_cmd(const char *name)
{
	for (const struct shell_cmd *c = __start_shellcmds; c < __stop_shellcmds; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int run_cmd(const char *line)
{
	char buf[256], *argv[SHELL_MAX_ARGS + 1], *save = NULL;
	const struct shell_cmd *c;
	int argc = 0;

	assert_true(strlen(line) < sizeof(buf));
	strcpy(buf, line);
	for (char *t = strtok_r(buf, " ", &save); t && argc < SHELL_MAX_ARGS;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	assert_true(argc > 0);
	c = find_cmd(argv[0]);
	if (c)
		return c->fn(argc, argv);
	if (!strcmp(argv[0], "ip") && argc > 1)
		for (const struct ip_object *o = __start_ipobjects; o < __stop_ipobjects; o++)
			if (shell_matches(argv[1], o->name))
				return o->fn(argc - 1, argv + 1);
	fail_msg("no shell command for '%s'", line);
	return -1;
}
