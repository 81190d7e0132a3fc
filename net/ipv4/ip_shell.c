/* `ip addr` and `ip route` in iproute2's words and layout, so a Linux user
 * reads them as on a Linux box; errors are the lines iproute2 prints for
 * the same netlink answers. Registered as `ip` objects (net/ip_shell.h) for
 * the `ip` command of net/core/dev_shell.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "net/ip_shell.h"
#include "net/inetdevice.h"
#include "net/ip_hdr.h"
#include "net/netdevice.h"
#include "net/route.h"
#include "kernel/cmdline.h"
#include "kernel/ktimer.h"
#include "kernel/printk.h"
#include "kernel/shell.h"
#include "kernel/softirq.h"

/* ---- helpers ------------------------------------------------------------------------ */

static const char *ip_str(be32 a, char *buf)
{
	cmdline_format_ipv4(ntohl(a), buf, 16);
	return buf;
}

/* The netlink errors these commands can get, worded as glibc's strerror. */
static int rtnl_answer(int err)
{
	const char *msg;

	switch (-err) {
	case EEXIST: msg = "File exists"; break;
	case ESRCH: msg = "No such process"; break;
	case EADDRNOTAVAIL: msg = "Cannot assign requested address"; break;
	case ENETUNREACH: msg = "Network is unreachable"; break;
	case ENOSPC: msg = "No space left on device"; break;
	case ENOMEM: msg = "Cannot allocate memory"; break;
	case ENODEV: msg = "No such device"; break;
	default: msg = "Invalid argument"; break;
	}
	kprintf("RTNETLINK answers: %s\n", msg);
	return -1;
}

/* "A.B.C.D[/N]" (no /N: a host, /32) or "default" when allowed. */
static bool parse_prefix(const char *s, bool allow_default, be32 *addr, unsigned int *len)
{
	struct ipv4_cidr c;
	uint32_t a;
	const char *end;

	if (allow_default && (!strcmp(s, "default") || !strcmp(s, "all"))) {
		*addr = 0;
		*len = 0;
		return true;
	}
	end = cmdline_scan_ipv4_cidr(s, &c);
	if (end && !*end) {
		*addr = htonl(c.addr);
		*len = c.prefix_len;
		return true;
	}
	end = cmdline_scan_ipv4(s, &a);
	if (end && !*end) {
		*addr = htonl(a);
		*len = 32;
		return true;
	}
	return false;
}

static bool parse_addr(const char *s, be32 *addr)
{
	uint32_t a;
	const char *end = cmdline_scan_ipv4(s, &a);

	if (!end || *end)
		return false;
	*addr = htonl(a);
	return true;
}

static struct net_device *find_dev(const char *name)
{
	struct net_device *dev = dev_get_by_name(name);

	if (!dev)
		kprintf("Cannot find device \"%s\"\n", name);
	return dev;
}

/* ---- ip addr ------------------------------------------------------------------------ */

static void print_ifa(const struct net_device *dev, const struct in_device *in_dev, unsigned int i)
{
	const struct in_ifaddr *a = &in_dev->ifa[i];
	char b1[16], b2[16];
	bool secondary = false;
	uint64_t now = jiffies();

	for (unsigned int j = 0; j < i; j++)
		if (in_dev->ifa[j].ifa_mask == a->ifa_mask &&
		    !((in_dev->ifa[j].ifa_local ^ a->ifa_local) & a->ifa_mask))
			secondary = true;
	kprintf("    inet %s/%u", ip_str(a->ifa_local, b1), a->ifa_prefixlen);
	if (a->ifa_broadcast)
		kprintf(" brd %s", ip_str(a->ifa_broadcast, b2));
	kprintf(" scope global%s%s %s\n", a->ifa_dynamic ? " dynamic" : "",
		secondary ? " secondary" : "", dev->name);
	if (a->ifa_valid_until) {
		unsigned long long left = a->ifa_valid_until > now ?
			(a->ifa_valid_until - now) / 1000 : 0;

		kprintf("       valid_lft %llusec preferred_lft %llusec\n", left, left);
	} else {
		kprintf("       valid_lft forever preferred_lft forever\n");
	}
}

static void print_addrs(int ifindex, struct net_device *dev)
{
	const struct in_device *in_dev = in_dev_get(dev);
	struct in_device snap;
	const uint8_t *m = dev->dev_addr;
	bool up = READ_ONCE(dev->up), carrier = READ_ONCE(dev->carrier);

	kprintf("%d: %s: <%sBROADCAST,MULTICAST%s> mtu %u qdisc %s state %s group default\n",
		ifindex, dev->name, up && !carrier ? "NO-CARRIER," : "",
		up ? (carrier ? ",UP,LOWER_UP" : ",UP") : "", dev->mtu,
		dev->real_num_tx_queues > 1 ? "mq" : "pfifo", up && carrier ? "UP" : "DOWN");
	kprintf("    link/ether %02x:%02x:%02x:%02x:%02x:%02x brd ff:ff:ff:ff:ff:ff\n",
		m[0], m[1], m[2], m[3], m[4], m[5]);
	if (!in_dev)
		return;
	/* A snapshot, so the softirq side never sees the table half-printed. */
	local_bh_disable();
	snap = *in_dev;
	local_bh_enable();
	for (unsigned int i = 0; i < snap.n_ifa; i++)
		print_ifa(dev, &snap, i);
}

static int ip_addr_show(int argc, char **argv)
{
	struct net_device *dev;

	if (argc > 0 && !strcmp(argv[0], "dev")) {
		argc--;
		argv++;
	}
	if (argc > 1) {
		kprintf("Error: either \"dev\" is duplicate, or \"%s\" is a garbage.\n", argv[1]);
		return -1;
	}
	if (argc == 1) {
		dev = dev_get_by_name(argv[0]);
		if (!dev) {
			kprintf("Device \"%s\" does not exist.\n", argv[0]);
			return -1;
		}
		print_addrs(dev_ifindex(dev), dev);
		return 0;
	}
	for (int idx = 1; (dev = dev_get_by_index(idx)) != NULL; idx++)
		print_addrs(idx, dev);
	return 0;
}

/* `ip addr add|del A[/N] dev NAME`, argv past add/del. */
static int ip_addr_modify(bool add, int argc, char **argv)
{
	struct net_device *dev = NULL;
	const char *local = NULL;
	be32 addr;
	unsigned int len;
	int err;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev")) {
			if (++i == argc) {
				kprintf("Command line is not complete. Try option \"help\"\n");
				return -1;
			}
			dev = find_dev(argv[i]);
			if (!dev)
				return -1;
		} else if (!local) {
			local = argv[i];
		} else {
			kprintf("Error: either \"local\" is duplicate, or \"%s\" is a garbage.\n",
				argv[i]);
			return -1;
		}
	}
	if (!local || !parse_prefix(local, false, &addr, &len)) {
		kprintf("Error: any valid prefix is expected rather than \"%s\".\n",
			local ? local : "");
		return -1;
	}
	if (!dev) {
		kprintf("Not enough information: \"dev\" argument is required.\n");
		return -1;
	}
	err = add ? inet_addr_add(dev, addr, len, false) : inet_addr_del(dev, addr, len);
	return err ? rtnl_answer(err) : 0;
}

static int cmd_ip_addr(int argc, char **argv)
{
	if (argc < 2 || shell_matches(argv[1], "show") || shell_matches(argv[1], "list") ||
	    !strcmp(argv[1], "ls"))
		return ip_addr_show(argc < 2 ? 0 : argc - 2, argv + 2);
	if (!strcmp(argv[1], "add"))
		return ip_addr_modify(true, argc - 2, argv + 2);
	if (shell_matches(argv[1], "delete"))
		return ip_addr_modify(false, argc - 2, argv + 2);
	kprintf("Command \"%s\" is unknown, try \"ip address help\".\n", argv[1]);
	return -1;
}
IP_OBJECT("address", "       ip addr [show [dev] NAME]\n"
		     "       ip addr add|del A.B.C.D/N dev NAME\n", cmd_ip_addr);

/* ---- ip route ----------------------------------------------------------------------- */

static void print_dst(be32 dst, unsigned int len)
{
	char b[16];

	if (len == 0 && dst == 0)
		kprintf("default");
	else if (len == 32)
		kprintf("%s", ip_str(dst, b));
	else
		kprintf("%s/%u", ip_str(dst, b), len);
}

static int ip_route_show(void)
{
	struct fib_route r[FIB_MAX_ROUTES];
	unsigned int n = ip_route_dump(r, FIB_MAX_ROUTES);
	char b[16];

	for (unsigned int i = 0; i < n; i++) {
		print_dst(r[i].dst, r[i].prefix_len);
		if (r[i].gw)
			kprintf(" via %s", ip_str(r[i].gw, b));
		kprintf(" dev %s", r[i].dev->name);
		if (r[i].protocol == RTPROT_KERNEL)
			kprintf(" proto kernel");
		if (!r[i].gw)
			kprintf(" scope link");
		if (r[i].prefsrc)
			kprintf(" src %s", ip_str(r[i].prefsrc, b));
		if (!netif_carrier_ok(r[i].dev))
			kprintf(" linkdown");
		kprintf("\n");
	}
	return 0;
}

static int ip_route_get(int argc, char **argv)
{
	struct rtable rt;
	be32 daddr;
	uint32_t mtu;
	uint64_t expires;
	char b1[16], b2[16];
	int err;

	if (argc != 1 || !parse_addr(argv[0], &daddr)) {
		kprintf("Error: inet address is expected rather than \"%s\".\n",
			argc ? argv[0] : "");
		return -1;
	}
	err = ip_route_output(daddr, 0, &rt);
	if (err)
		return rtnl_answer(err);
	if (rt.rt_flags & RTCF_BROADCAST)
		kprintf("broadcast ");
	else if (rt.rt_flags & RTCF_MULTICAST)
		kprintf("multicast ");
	else if (rt.rt_flags & RTCF_LOCAL)
		kprintf("local ");
	kprintf("%s", ip_str(daddr, b1));
	if (rt.rt_gateway != daddr)
		kprintf(" via %s", ip_str(rt.rt_gateway, b2));
	kprintf(" dev %s src %s\n", rt.dev->name, ip_str(rt.rt_src, b1));
	if (ip_rt_pmtu_get(daddr, &mtu, &expires)) {
		uint64_t now = jiffies();

		kprintf("    cache expires %llusec mtu %u\n",
			(unsigned long long)(expires > now ? (expires - now + 999) / 1000 : 0), mtu);
	} else {
		kprintf("    cache\n");
	}
	return 0;
}

/* `ip route add|del PREFIX [via GW] [dev NAME]`, argv past add/del. */
static int ip_route_modify(bool add, int argc, char **argv)
{
	struct net_device *dev = NULL;
	const char *to = NULL;
	be32 dst, gw = 0;
	unsigned int len;
	int err;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "via") || !strcmp(argv[i], "dev")) {
			bool via = argv[i][0] == 'v';

			if (++i == argc) {
				kprintf("Command line is not complete. Try option \"help\"\n");
				return -1;
			}
			if (via && !parse_addr(argv[i], &gw)) {
				kprintf("Error: inet address is expected rather than \"%s\".\n", argv[i]);
				return -1;
			}
			if (!via && !(dev = find_dev(argv[i])))
				return -1;
		} else if (!to) {
			to = argv[i];
		} else {
			kprintf("Error: either \"to\" is duplicate, or \"%s\" is a garbage.\n", argv[i]);
			return -1;
		}
	}
	if (!to || !parse_prefix(to, true, &dst, &len)) {
		kprintf("Error: inet prefix is expected rather than \"%s\".\n", to ? to : "");
		return -1;
	}
	if (len < 32 && (dst & ~htonl(len ? ~0u << (32 - len) : 0))) {
		kprintf("Error: Invalid prefix for given prefix length.\n");
		return -1;
	}
	if (!add)
		return (err = ip_route_del(dst, len, gw)) ? rtnl_answer(err) : 0;
	if (!gw && !dev) {
		kprintf("Error: Device for nexthop is not up.\n");
		return -1;
	}
	err = ip_route_add(dst, len, gw, dev);
	if (err == -ENETUNREACH) {
		kprintf("Error: Nexthop has invalid gateway.\n");
		return -1;
	}
	return err ? rtnl_answer(err) : 0;
}

static int cmd_ip_route(int argc, char **argv)
{
	if (argc < 2 || shell_matches(argv[1], "show") || shell_matches(argv[1], "list") ||
	    !strcmp(argv[1], "ls")) {
		if (argc > 2) {
			kprintf("Error: either \"to\" is duplicate, or \"%s\" is a garbage.\n", argv[2]);
			return -1;
		}
		return ip_route_show();
	}
	if (!strcmp(argv[1], "add"))
		return ip_route_modify(true, argc - 2, argv + 2);
	if (shell_matches(argv[1], "delete"))
		return ip_route_modify(false, argc - 2, argv + 2);
	if (shell_matches(argv[1], "get"))
		return ip_route_get(argc - 2, argv + 2);
	kprintf("Command \"%s\" is unknown, try \"ip route help\".\n", argv[1]);
	return -1;
}
IP_OBJECT("route", "       ip route [show]\n"
		   "       ip route add|del PREFIX [via GW] [dev NAME]\n"
		   "       ip route get A.B.C.D\n", cmd_ip_route);
