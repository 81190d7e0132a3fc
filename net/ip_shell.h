/* `ip` objects beyond `link` (iproute2's addr, route), registered where they
 * are implemented in a linker table, so the `ip` command in
 * net/core/dev_shell.c dispatches to them without knowing them:
 *
 *   const struct ip_object *o = ip_object_find(argv[i]);
 *   if (o) return o->fn(argc - i, argv + i);    // argv[0] is the object word
 */
#ifndef RINGOS_NET_IP_SHELL_H
#define RINGOS_NET_IP_SHELL_H

#include "kernel/compiler.h"

struct ip_object {
	const char *name;	/* "address": any prefix of it selects it, as iproute2 */
	const char *usage;	/* lines for `ip help` */
	int (*fn)(int argc, char **argv);
};

#define IP_OBJECT(obj_name, obj_usage, obj_fn)					\
	static const struct ip_object __ipobject_##obj_fn __used __aligned(8)	\
		__section("ipobjects") = { obj_name, obj_usage, obj_fn }

/* The object word selects (first in link order whose name it prefixes);
 * NULL if none. */
const struct ip_object *ip_object_find(const char *word);
/* Prints every object's usage lines. */
void ip_object_usage(void);

#endif
