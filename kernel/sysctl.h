/* Run-time tunables under Linux's sysctl names (`sysctl net.core.dev_weight=32`).
 * A module declares each of its integers with SYSCTL_INT (a linker table, like
 * the shell commands) or, for names known only at run time such as per-device
 * entries, registers a ctl_table with register_sysctl. Values are ints within
 * [min, max]; a bad value is refused with one line naming it, the old value kept. */
#ifndef RINGOS_SYSCTL_H
#define RINGOS_SYSCTL_H

#include "kernel/compiler.h"

#define SYSCTL_NAME_MAX 64

struct ctl_table {
	const char *procname;		/* "net.ipv4.icmp_ratelimit" */
	int *data;
	int min, max;
	/* Called after a new value is stored (apply it live); may be NULL. */
	void (*changed)(const struct ctl_table *t);
	struct ctl_table *next;		/* register_sysctl's list */
};

#define __SYSCTL_CAT2(a, b) a##b
#define __SYSCTL_CAT(a, b) __SYSCTL_CAT2(a, b)
#define SYSCTL_INT_CB(nm, var, lo, hi, cb)					\
	static struct ctl_table __SYSCTL_CAT(__sysctl_, __COUNTER__)		\
	__used __section("sysctls") __aligned(8) = {				\
		.procname = (nm), .data = _Generic(&(var), int *: &(var)),	\
		.min = (lo), .max = (hi), .changed = (cb),			\
	}
#define SYSCTL_INT(nm, var, lo, hi) SYSCTL_INT_CB(nm, var, lo, hi, NULL)

/* The table must outlive the registration (static or never freed). */
void register_sysctl(struct ctl_table *t);
struct ctl_table *sysctl_find(const char *name);
/* Parses and stores "VALUE" for t; 0, or -1 after printing why. */
int sysctl_set(struct ctl_table *t, const char *value);

#endif
