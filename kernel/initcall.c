#include "kernel/initcall.h"

extern const initcall_t __start_netinit[] __attribute__((weak));
extern const initcall_t __stop_netinit[] __attribute__((weak));

void do_net_initcalls(void)
{
	for (const initcall_t *fn = __start_netinit; fn < __stop_netinit; fn++)
		(*fn)();
}
