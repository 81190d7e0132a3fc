/* Runs a shell command line in a host test the way the shell would: split at
 * spaces, found in the linked "shellcmds" table; `ip OBJECT ...` goes to the
 * object's handler (the ip objects table) when the test links no `ip` command. */
#ifndef RINGOS_TEST_SHELL_RUN_H
#define RINGOS_TEST_SHELL_RUN_H

int run_cmd(const char *line);

#endif
