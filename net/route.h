/* IPv4 routes: the table (connected routes per address, a default route, extra
 * `route=` entries), longest-prefix match, and the per-destination path MTU
 * cache that ICMP frag-needed lowers.
 *
 * A route lookup fills a caller-owned struct rtable; nothing is allocated or
 * reference counted. Whoever keeps one (a socket's sk_dst) re-checks it with
 * rt_valid(): every change of routes, addresses or path MTUs moves rt_genid. */
#ifndef RINGOS_NET_ROUTE_H
#define RINGOS_NET_ROUTE_H

#include "net/byteorder.h"

struct net_device;
struct sk_buff;

/* rt_flags */
#define RTCF_LOCAL     (1u << 0)	/* to one of our addresses */
#define RTCF_BROADCAST (1u << 1)	/* limited or subnet-directed broadcast */
#define RTCF_MULTICAST (1u << 2)

struct rtable {
	struct net_device *dev;
	be32 rt_dst;			/* the destination looked up */
	be32 rt_gateway;		/* next hop; == rt_dst when on-link */
	be32 rt_src;			/* preferred source address */
	uint32_t rt_flags;
	uint32_t rt_pmtu;		/* path MTU (device MTU unless lowered) */
	uint32_t rt_genid;
	/* jiffies when a lowered rt_pmtu runs out (then the route is stale and
	 * looked up again); 0: never. */
	uint64_t rt_expires;
};

extern uint32_t rt_genid;

/* The lowered path MTU rt carries has run out. */
bool rt_expired(const struct rtable *rt);
static inline bool rt_valid(const struct rtable *rt)
{
	return rt->rt_genid == READ_ONCE(rt_genid) && (!rt->rt_expires || !rt_expired(rt));
}
/* Invalidates every cached route (routes or addresses changed). */
void rt_cache_flush(void);

/* Output route to daddr. saddr 0 lets the route choose the source. Returns 0,
 * or -ENETUNREACH when no route matches. */
int ip_route_output(be32 daddr, be32 saddr, struct rtable *rt);
/* Input classification of a received packet's destination on dev: RTCF_LOCAL,
 * RTCF_BROADCAST or RTCF_MULTICAST (subscribed), or -EHOSTUNREACH (not for us;
 * there is no forwarding). */
int ip_route_input(be32 daddr, be32 saddr, struct net_device *dev);

/* Table changes; 0 or a negative errno (-EEXIST, -ESRCH, -EINVAL, -ENOSPC,
 * -ENETUNREACH: gw is not on a connected subnet). gw 0: on-link through dev;
 * dev NULL with a gateway: the device of the gateway's subnet. Deleting with
 * gw 0 removes the first route to dst/prefix_len whatever its gateway. */
int ip_route_add(be32 dst, unsigned int prefix_len, be32 gw, struct net_device *dev);
int ip_route_del(be32 dst, unsigned int prefix_len, be32 gw);

/* ICMP frag-needed for daddr: the path MTU drops to mtu (at least 552, as
 * Linux's min_pmtu), for ip_rt_mtu_expires (10 min). */
void ip_rt_update_pmtu(be32 daddr, uint32_t mtu);

/* Lowered path MTU for daddr still in force: true with mtu and the jiffies it
 * expires at (`ip route get`). */
bool ip_rt_pmtu_get(be32 daddr, uint32_t *mtu, uint64_t *expires);

/* One table entry as `ip route` shows it. */
#define RTPROT_KERNEL 2		/* connected route of an address */
#define RTPROT_BOOT   3		/* ip route add, route= and gw= */
struct fib_route {
	be32 dst;
	uint8_t prefix_len;
	uint8_t protocol;	/* RTPROT_* */
	be32 gw;		/* 0: on-link (scope link) */
	be32 prefsrc;		/* connected routes: the address; else 0 */
	struct net_device *dev;
};
#define FIB_MAX_ROUTES 32
/* Copies up to max entries, ordered as Linux lists them (by destination, then
 * prefix length); returns how many. */
unsigned int ip_route_dump(struct fib_route *out, unsigned int max);

/* devinet.c's side: the connected route of an address appears or goes away
 * (adding it again changes its source address). Removing one also removes
 * the routes whose gateway it made reachable. */
int fib_add_connected(be32 dst, unsigned int prefix_len, struct net_device *dev, be32 src);
void fib_del_connected(be32 dst, unsigned int prefix_len, struct net_device *dev);

void ip_route_init(void);

#endif
