/* Init calls: a module registers its init function where it is defined, and
 * boot runs them level by level (then in link order), so no central file has
 * to know every layer. Levels for the network stack:
 *   NET_INIT_CORE   1  neighbour table, qdisc defaults
 *   NET_INIT_PROTO  2  ARP, IPv4, routes, addresses (packet types registered)
 *   NET_INIT_L4     3  ICMP, UDP, TCP (inet_add_protocol)
 *   NET_INIT_LATE   4  things that need the layers above (sockets' users)
 * They run in net_start(), after skb_init and net_dev_init and before the NIC
 * is probed, in process context with interrupts on. */
#ifndef RINGOS_INITCALL_H
#define RINGOS_INITCALL_H

#include "kernel/compiler.h"

typedef void (*initcall_t)(void);

#define NET_INIT_CORE  1
#define NET_INIT_PROTO 2
#define NET_INIT_L4    3
#define NET_INIT_LATE  4

#define __INITCALL_STR2(x) #x
#define __INITCALL_STR(x) __INITCALL_STR2(x)
#define net_initcall(level, fn)							\
	static const initcall_t __netinit_##fn __used __aligned(8)		\
	__section("netinit." __INITCALL_STR(level)) = (fn)

void do_net_initcalls(void);

#endif
