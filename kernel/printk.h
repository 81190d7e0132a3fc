/* Kernel log: printf-style lines with a severity, written to the console. */
#ifndef RINGOS_PRINTK_H
#define RINGOS_PRINTK_H

#include "kernel/compiler.h"

enum log_level {
	LOG_ERR = 3,
	LOG_WARN = 4,
	LOG_INFO = 6,
	LOG_DEBUG = 7,
};

/* Lines above this level are dropped (the `loglevel=` option). */
extern int console_loglevel;

__printf(2, 3) void printk(int level, const char *fmt, ...);
/* Unconditional output, for shell commands and reports a user asked for. */
__printf(1, 2) void kprintf(const char *fmt, ...);

#define pr_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

#endif
