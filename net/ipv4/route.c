/* IPv4 routing: one table (Linux's main table, without the trie), searched by
 * longest-prefix match; the per-destination path-MTU exceptions that ICMP
 * frag-needed lowers; and the input classification of a received packet's
 * destination.
 *
 * Nothing here is allocated per lookup: ip_route_output fills the caller's
 * struct rtable. Whoever keeps that result (a socket's sk_dst) re-checks it
 * with rt_valid(), and every change that could alter a lookup's answer moves
 * rt_genid: a route or address added or removed, a device going up or down
 * or changing its MTU, a path MTU lowered.
 *
 * Contexts: lookups run in softirq and process context; changes come from
 * process context (shell, DHCP thread) with bottom halves disabled, so a
 * lookup never sees a half-written entry. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "net/route.h"
#include "net/inetdevice.h"
#include "net/ip_hdr.h"
#include "net/netdevice.h"
#include "kernel/cmdline.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/softirq.h"
#include "kernel/sysctl.h"

uint32_t rt_genid = 1;

/* Linux's net.ipv4.route.min_pmtu and mtu_expires (seconds). */
static int ip_rt_min_pmtu = 552;
static int ip_rt_mtu_expires = 600;
SYSCTL_INT("net.ipv4.route.min_pmtu", ip_rt_min_pmtu, 68, 65535);
SYSCTL_INT("net.ipv4.route.mtu_expires", ip_rt_mtu_expires, 1, 86400);

/* Table invariant: the used entries are fib[0..fib_count), in the order they
 * were added; a lookup takes the longest prefix, the first added on a tie. */
struct fib_entry {
	struct fib_route r;
	be32 mask;
};
static struct fib_entry fib[FIB_MAX_ROUTES];
static unsigned int fib_count;

/* Path-MTU exceptions, Linux's fnhe: one per destination that sent us a
 * frag-needed. A full table recycles the entry expiring first. */
#define PMTU_MAX 32
struct pmtu_entry {
	be32 daddr;
	uint32_t mtu;
	uint64_t expires;	/* jiffies; 0: slot free */
};
static struct pmtu_entry pmtu_cache[PMTU_MAX];

void rt_cache_flush(void)
{
	uint32_t g = READ_ONCE(rt_genid) + 1;

	/* 0 is what a zeroed rtable holds: never let a stale one look valid. */
	WRITE_ONCE(rt_genid, g ? g : 1);
}

static be32 prefix_mask(unsigned int prefix_len)
{
	return prefix_len ? htonl(~0u << (32 - prefix_len)) : 0;
}

/* ---- path MTU --------------------------------------------------------------- */

static struct pmtu_entry *pmtu_find(be32 daddr)
{
	uint64_t now = jiffies();

	for (unsigned int i = 0; i < PMTU_MAX; i++) {
		struct pmtu_entry *e = &pmtu_cache[i];

		if (e->expires && e->daddr == daddr) {
			if (now >= e->expires) {
				e->expires = 0;
				return NULL;
			}
			return e;
		}
	}
	return NULL;
}

bool rt_expired(const struct rtable *rt)
{
	return jiffies() >= rt->rt_expires;
}

bool ip_rt_pmtu_get(be32 daddr, uint32_t *mtu, uint64_t *expires)
{
	const struct pmtu_entry *e;
	bool found = false;

	local_bh_disable();
	e = pmtu_find(daddr);
	if (e) {
		*mtu = e->mtu;
		*expires = e->expires;
		found = true;
	}
	local_bh_enable();
	return found;
}

void ip_rt_update_pmtu(be32 daddr, uint32_t mtu)
{
	struct pmtu_entry *e, *victim = NULL;

	/* Linux clamps a too-small report to min_pmtu rather than ignoring it:
	 * the path is still known to be narrower than the device. */
	if (mtu < (uint32_t)ip_rt_min_pmtu)
		mtu = (uint32_t)ip_rt_min_pmtu;
	local_bh_disable();
	e = pmtu_find(daddr);
	if (!e) {
		for (unsigned int i = 0; i < PMTU_MAX; i++) {
			struct pmtu_entry *c = &pmtu_cache[i];

			if (!c->expires) {
				victim = c;
				break;
			}
			if (!victim || c->expires < victim->expires)
				victim = c;
		}
		e = victim;
		e->daddr = daddr;
		e->mtu = UINT32_MAX;
	}
	/* Only ever lowered by a report; it rises again when the entry expires. */
	if (mtu < e->mtu)
		e->mtu = mtu;
	e->expires = jiffies() + (uint64_t)ip_rt_mtu_expires * 1000;
	rt_cache_flush();
	local_bh_enable();
}

/* ---- the table ---------------------------------------------------------------- */

static bool dev_usable(const struct net_device *dev)
{
	return dev && READ_ONCE(dev->up);
}

/* The longest prefix covering daddr whose device is up; NULL if none. */
static const struct fib_entry *fib_lookup(be32 daddr)
{
	const struct fib_entry *best = NULL;

	for (unsigned int i = 0; i < fib_count; i++) {
		const struct fib_entry *e = &fib[i];

		if ((daddr & e->mask) != e->r.dst || !dev_usable(e->r.dev))
			continue;
		if (!best || e->r.prefix_len > best->r.prefix_len)
			best = e;
	}
	return best;
}

/* The connected route that puts gw on-link; NULL if none does. */
static const struct fib_entry *fib_onlink(be32 gw, const struct net_device *dev)
{
	for (unsigned int i = 0; i < fib_count; i++) {
		const struct fib_entry *e = &fib[i];

		if (e->r.protocol == RTPROT_KERNEL && (gw & e->mask) == e->r.dst &&
		    (!dev || e->r.dev == dev))
			return e;
	}
	return NULL;
}

static int fib_find(be32 dst, unsigned int prefix_len, be32 gw, const struct net_device *dev)
{
	for (unsigned int i = 0; i < fib_count; i++) {
		const struct fib_entry *e = &fib[i];

		if (e->r.dst == dst && e->r.prefix_len == prefix_len && (!gw || e->r.gw == gw) &&
		    (!dev || e->r.dev == dev))
			return (int)i;
	}
	return -1;
}

static void fib_remove(unsigned int i)
{
	memmove(&fib[i], &fib[i + 1], (fib_count - i - 1) * sizeof(fib[0]));
	fib_count--;
	memset(&fib[fib_count], 0, sizeof(fib[0]));
}

/* Bottom halves disabled. */
static int fib_insert(const struct fib_route *r)
{
	be32 mask = prefix_mask(r->prefix_len);

	if (r->prefix_len > 32 || (r->dst & ~mask) || !r->dev)
		return -EINVAL;
	/* Linux's main table keys a route by destination, prefix and (without
	 * metrics) nothing else: a second route to the same prefix is refused. */
	if (fib_find(r->dst, r->prefix_len, 0, NULL) >= 0)
		return -EEXIST;
	if (fib_count == FIB_MAX_ROUTES)
		return -ENOSPC;
	fib[fib_count].r = *r;
	fib[fib_count].mask = mask;
	fib_count++;
	rt_cache_flush();
	return 0;
}

static int __ip_route_add(be32 dst, unsigned int prefix_len, be32 gw, struct net_device *dev)
{
	struct fib_route r = { .dst = dst, .prefix_len = (uint8_t)prefix_len,
			       .protocol = RTPROT_BOOT, .gw = gw, .dev = dev };

	if (prefix_len > 32)
		return -EINVAL;
	if (gw) {
		const struct fib_entry *via;

		if (ipv4_is_multicast(gw) || ipv4_is_lbcast(gw) || ipv4_is_zeronet(gw))
			return -EINVAL;
		/* A gateway must be a neighbour: on one of our subnets. */
		via = fib_onlink(gw, dev);
		if (!via)
			return -ENETUNREACH;
		r.dev = via->r.dev;
	} else if (!dev) {
		return -EINVAL;
	}
	return fib_insert(&r);
}

int ip_route_add(be32 dst, unsigned int prefix_len, be32 gw, struct net_device *dev)
{
	int err;

	local_bh_disable();
	err = __ip_route_add(dst, prefix_len, gw, dev);
	local_bh_enable();
	return err;
}

int ip_route_del(be32 dst, unsigned int prefix_len, be32 gw)
{
	int i, err = -ESRCH;

	if (prefix_len > 32)
		return -EINVAL;
	local_bh_disable();
	i = fib_find(dst, prefix_len, gw, NULL);
	/* Connected routes belong to their address: `ip addr del` removes them. */
	if (i >= 0 && fib[i].r.protocol != RTPROT_KERNEL) {
		fib_remove((unsigned int)i);
		rt_cache_flush();
		err = 0;
	}
	local_bh_enable();
	return err;
}

/* ---- route= on the command line ------------------------------------------------ */

/* `route=NET/LEN,via=GW` words, each repetition adding one (host order, as
 * the command line parses them). They are parsed before any device exists
 * and installed whenever a connected route makes their gateway reachable, so
 * they survive a DHCP lease coming and going. */
#define CMDLINE_ROUTES_MAX 8
struct cmdline_route {
	struct ipv4_cidr net;
	uint32_t gw;
};
static struct {
	struct cmdline_route r[CMDLINE_ROUTES_MAX];
	unsigned int n;
} cmdline_routes;

static int route_param_parse(const char *val, void *var)
{
	struct cmdline_route r;
	const char *p;
	uint32_t mask;

	(void)var;
	if (!strncmp(val, "default,", 8)) {
		r.net.addr = 0;
		r.net.prefix_len = 0;
		p = val + 7;
	} else {
		p = cmdline_scan_ipv4_cidr(val, &r.net);
		if (!p)
			return -1;
	}
	if (strncmp(p, ",via=", 5))
		return -1;
	p = cmdline_scan_ipv4(p + 5, &r.gw);
	if (!p || *p)
		return -1;
	mask = r.net.prefix_len ? ~0u << (32 - r.net.prefix_len) : 0;
	if ((r.net.addr & ~mask) || ipv4_is_zeronet(htonl(r.gw)) ||
	    ipv4_is_multicast(htonl(r.gw)) || ipv4_is_lbcast(htonl(r.gw)))
		return -1;
	if (cmdline_routes.n == CMDLINE_ROUTES_MAX)
		return -1;
	cmdline_routes.r[cmdline_routes.n++] = r;
	return 0;
}

static void route_param_format(const void *var, char *buf, size_t size)
{
	size_t len = 0;

	(void)var;
	buf[0] = '\0';
	if (!cmdline_routes.n)
		snprintf(buf, size, "none");
	for (unsigned int i = 0; i < cmdline_routes.n && len + 1 < size; i++) {
		char net[16], gw[16];
		int n;

		cmdline_format_ipv4(cmdline_routes.r[i].net.addr, net, sizeof(net));
		cmdline_format_ipv4(cmdline_routes.r[i].gw, gw, sizeof(gw));
		n = snprintf(buf + len, size - len, "%s%s/%u,via=%s", i ? " " : "", net,
			     cmdline_routes.r[i].net.prefix_len, gw);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

static const struct kparam_custom route_param_ops = {
	.parse = route_param_parse,
	.format = route_param_format,
	.expected = "NET/LEN,via=GW (repeat the word for more routes, at most 8)",
};
KPARAM_CUSTOM("route", cmdline_routes, &route_param_ops, "extra static route; repeatable");

/* Bottom halves disabled. Already present (or refused) routes are skipped
 * quietly: this runs again on every connected route added. */
static void cmdline_routes_apply(void)
{
	for (unsigned int i = 0; i < cmdline_routes.n; i++) {
		const struct cmdline_route *r = &cmdline_routes.r[i];

		(void)__ip_route_add(htonl(r->net.addr), r->net.prefix_len, htonl(r->gw), NULL);
	}
}

/* ---- connected routes (devinet.c) -------------------------------------------- */

int fib_add_connected(be32 dst, unsigned int prefix_len, struct net_device *dev, be32 src)
{
	struct fib_route r = { .dst = dst & prefix_mask(prefix_len), .prefix_len = (uint8_t)prefix_len,
			       .protocol = RTPROT_KERNEL, .prefsrc = src, .dev = dev };
	int i, err;

	local_bh_disable();
	i = fib_find(r.dst, r.prefix_len, 0, dev);
	if (i >= 0 && fib[i].r.protocol == RTPROT_KERNEL) {
		/* The subnet's route exists: a new source (a secondary promoted). */
		fib[i].r.prefsrc = src;
		rt_cache_flush();
		local_bh_enable();
		return 0;
	}
	err = fib_insert(&r);
	if (!err)
		cmdline_routes_apply();
	local_bh_enable();
	return err;
}

void fib_del_connected(be32 dst, unsigned int prefix_len, struct net_device *dev)
{
	int i;

	local_bh_disable();
	i = fib_find(dst & prefix_mask(prefix_len), prefix_len, 0, dev);
	if (i >= 0 && fib[i].r.protocol == RTPROT_KERNEL) {
		fib_remove((unsigned int)i);
		/* Gateways that were on that subnet are no longer neighbours. */
		for (unsigned int j = fib_count; j-- > 0;)
			if (fib[j].r.gw && fib[j].r.dev == dev && !fib_onlink(fib[j].r.gw, dev))
				fib_remove(j);
		rt_cache_flush();
	}
	local_bh_enable();
}

unsigned int ip_route_dump(struct fib_route *out, unsigned int max)
{
	unsigned int n = 0;

	local_bh_disable();
	for (unsigned int i = 0; i < fib_count && n < max; i++) {
		unsigned int j = n++;

		/* Insertion sort by (destination, prefix length), host order. */
		while (j > 0 && (ntohl(out[j - 1].dst) > ntohl(fib[i].r.dst) ||
				 (out[j - 1].dst == fib[i].r.dst &&
				  out[j - 1].prefix_len > fib[i].r.prefix_len))) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = fib[i].r;
	}
	local_bh_enable();
	return n;
}

/* ---- lookups ------------------------------------------------------------------- */

static struct net_device *first_up_device(void)
{
	struct net_device *dev;

	for (int idx = 1; (dev = dev_get_by_index(idx)) != NULL; idx++)
		if (dev_usable(dev))
			return dev;
	return NULL;
}

/* The up device saddr belongs to; NULL if none. */
static struct net_device *dev_of_addr(be32 saddr)
{
	struct net_device *dev;

	for (int idx = 1; (dev = dev_get_by_index(idx)) != NULL; idx++) {
		const struct in_device *in_dev = in_dev_get(dev);

		if (!in_dev || !dev_usable(dev))
			continue;
		for (unsigned int i = 0; i < in_dev->n_ifa; i++)
			if (in_dev->ifa[i].ifa_local == saddr)
				return dev;
	}
	return NULL;
}

static void rt_fill_pmtu(struct rtable *rt)
{
	const struct pmtu_entry *e = pmtu_find(rt->rt_dst);

	rt->rt_pmtu = rt->dev->mtu;
	rt->rt_expires = 0;
	if (e && e->mtu < rt->rt_pmtu) {
		rt->rt_pmtu = e->mtu;
		rt->rt_expires = e->expires;
	}
}

static int __ip_route_output(be32 daddr, be32 saddr, struct rtable *rt)
{
	const struct fib_entry *e;

	memset(rt, 0, sizeof(*rt));
	rt->rt_dst = daddr;
	rt->rt_gateway = daddr;
	rt->rt_genid = READ_ONCE(rt_genid);

	/* Limited broadcast needs no route and no address: DHCP sends it from
	 * 0.0.0.0 before it has either. It leaves by the source's device, or
	 * by the first device that is up. */
	if (ipv4_is_lbcast(daddr) || (ipv4_is_multicast(daddr) && !fib_lookup(daddr))) {
		rt->dev = saddr ? dev_of_addr(saddr) : first_up_device();
		if (!rt->dev)
			return -ENETUNREACH;
		rt->rt_flags = ipv4_is_lbcast(daddr) ? RTCF_BROADCAST : RTCF_MULTICAST;
		rt->rt_src = saddr ? saddr : inet_select_addr(rt->dev, 0);
		rt->rt_pmtu = rt->dev->mtu;
		return 0;
	}
	e = fib_lookup(daddr);
	if (!e)
		return -ENETUNREACH;
	rt->dev = e->r.dev;
	if (e->r.gw)
		rt->rt_gateway = e->r.gw;
	if (ipv4_is_multicast(daddr))
		rt->rt_flags = RTCF_MULTICAST;
	else if (inet_addr_is_broadcast(rt->dev, daddr))
		rt->rt_flags = RTCF_BROADCAST;
	else if (inet_addr_is_local(daddr))
		rt->rt_flags = RTCF_LOCAL;
	if (saddr)
		rt->rt_src = saddr;
	else if (e->r.prefsrc)
		rt->rt_src = e->r.prefsrc;
	else
		rt->rt_src = inet_select_addr(rt->dev, rt->rt_gateway);
	rt_fill_pmtu(rt);
	return 0;
}

int ip_route_output(be32 daddr, be32 saddr, struct rtable *rt)
{
	int err;

	local_bh_disable();
	err = __ip_route_output(daddr, saddr, rt);
	local_bh_enable();
	return err;
}

/* Multicast groups we listen to: only all-hosts (RFC 1112 7.2) until a
 * socket can join one. */
#define INADDR_ALLHOSTS_GROUP HTONL_C(0xE0000001u)

int ip_route_input(be32 daddr, be32 saddr, struct net_device *dev)
{
	const struct in_device *in_dev = in_dev_get(dev);

	(void)saddr;	/* martian sources are judged by ip_rcv before this */
	if (ipv4_is_lbcast(daddr))
		return RTCF_BROADCAST;
	if (ipv4_is_multicast(daddr))
		return daddr == INADDR_ALLHOSTS_GROUP ? (int)RTCF_MULTICAST : -EHOSTUNREACH;
	if (ipv4_is_zeronet(daddr) || ipv4_is_loopback(daddr))
		return -EHOSTUNREACH;
	/* The weak host model, as Linux: any of our addresses on any device. */
	if (inet_addr_is_local(daddr))
		return RTCF_LOCAL;
	if (inet_addr_is_broadcast(dev, daddr))
		return RTCF_BROADCAST;
	if (in_dev && READ_ONCE(in_dev->accept_any_unicast))
		return RTCF_LOCAL;
	return -EHOSTUNREACH;
}

/* A device's state or MTU changed: cached routes may name the wrong MTU or a
 * device that is down. */
static int route_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	(void)nb;
	(void)ptr;
	if (event == NETDEV_UP || event == NETDEV_DOWN || event == NETDEV_CHANGE ||
	    event == NETDEV_CHANGEMTU)
		rt_cache_flush();
	return 0;
}

static struct notifier_block route_netdev_nb = { .notifier_call = route_netdev_event };

void ip_route_init(void)
{
	register_netdevice_notifier(&route_netdev_nb);
}
