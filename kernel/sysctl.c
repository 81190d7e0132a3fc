/* sysctl: the static table from the linker plus the run-time list, and the
 * shell command over both. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/sysctl.h"
#include "kernel/printk.h"
#include "kernel/shell.h"

extern struct ctl_table __start_sysctls[] __attribute__((weak));
extern struct ctl_table __stop_sysctls[] __attribute__((weak));
_Static_assert(sizeof(struct ctl_table) % 8 == 0, "sysctls entries tile their section");

static struct ctl_table *dynamic_tables;

void register_sysctl(struct ctl_table *t)
{
	struct ctl_table **pp = &dynamic_tables;

	/* Appended, so `sysctl -a` lists entries in registration order. */
	while (*pp)
		pp = &(*pp)->next;
	t->next = NULL;
	*pp = t;
}

/* Visits the static entries, then the registered ones; stops when fn says so. */
static struct ctl_table *sysctl_each(bool (*fn)(struct ctl_table *t, const void *arg),
				     const void *arg)
{
	for (struct ctl_table *t = __start_sysctls; t < __stop_sysctls; t++)
		if (fn(t, arg))
			return t;
	for (struct ctl_table *t = dynamic_tables; t; t = t->next)
		if (fn(t, arg))
			return t;
	return NULL;
}

static bool name_is(struct ctl_table *t, const void *name)
{
	return strcmp(t->procname, name) == 0;
}

struct ctl_table *sysctl_find(const char *name)
{
	return sysctl_each(name_is, name);
}

int sysctl_set(struct ctl_table *t, const char *value)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(value, &end, 0);
	if (end == value || *end || errno || v < t->min || v > t->max) {
		kprintf("sysctl: %s: bad value '%.40s' (expected an integer %d..%d)\n",
			t->procname, value, t->min, t->max);
		return -1;
	}
	*t->data = (int)v;
	if (t->changed)
		t->changed(t);
	return 0;
}

static bool show(struct ctl_table *t, const void *arg)
{
	(void)arg;
	kprintf("%s = %d\n", t->procname, *t->data);
	return false;
}

#define SYSCTL_LIST_MAX 256

struct sorted_list {
	struct ctl_table *t[SYSCTL_LIST_MAX];
	size_t n;
};

/* Insertion keeps the list in name order, as `sysctl -a` prints it. */
static bool collect(struct ctl_table *t, const void *arg)
{
	struct sorted_list *l = (struct sorted_list *)arg;
	size_t i;

	if (l->n == SYSCTL_LIST_MAX)
		return true;
	for (i = l->n++; i > 0 && strcmp(l->t[i - 1]->procname, t->procname) > 0; i--)
		l->t[i] = l->t[i - 1];
	l->t[i] = t;
	return false;
}

static void show_all(void)
{
	static struct sorted_list l;

	l.n = 0;
	if (sysctl_each(collect, &l))
		kprintf("sysctl: more than %d entries, the rest not shown\n", SYSCTL_LIST_MAX);
	for (size_t i = 0; i < l.n; i++)
		show(l.t[i], NULL);
}

static int cmd_sysctl(int argc, char **argv)
{
	int rc = 0;

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "-a"))) {
		show_all();
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char name[SYSCTL_NAME_MAX];
		char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		struct ctl_table *t;

		if (n >= sizeof(name)) {
			kprintf("sysctl: name too long: %.40s\n", argv[i]);
			rc = -1;
			continue;
		}
		memcpy(name, argv[i], n);
		name[n] = '\0';
		t = sysctl_find(name);
		if (!t) {
			kprintf("sysctl: cannot stat %s: No such file or directory\n", name);
			rc = -1;
			continue;
		}
		if (eq && sysctl_set(t, eq + 1) < 0) {
			rc = -1;
			continue;
		}
		show(t, NULL);
	}
	return rc;
}
SHELL_COMMAND("sysctl", "[-a] [NAME[=VALUE]]: show or set tunables", cmd_sysctl);
