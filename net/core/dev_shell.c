/* Shell views of the device layer: `ip link` in iproute2's layout (so its
 * output reads like a Linux box's), `ip link set` for up/down, mtu and
 * txqueuelen, and `softnet`, the core counters that /proc/net/softnet_stat
 * and the skb caches would show there, with where transmission happened. */
#include <stdlib.h>
#include <string.h>
#include "net/ip_shell.h"
#include "net/netdevice.h"
#include "kernel/shell.h"
#include "kernel/printk.h"

#define IP_USAGE "Usage: ip [-s[tats] [-s]] link [show [dev] NAME]\n" \
		 "       ip link set [dev] NAME [up|down] [mtu N] [txqueuelen N]\n"

static unsigned int digits(uint64_t v)
{
	unsigned int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* iproute2 widens every column to its title or its widest number, whichever is
 * longer; the first column also holds the "RX errors:" title. */
static void widen(unsigned int *col, uint64_t v)
{
	*col = MAX(*col, digits(v));
}

static void print_mac(const char *label, const uint8_t *a)
{
	kprintf(" %s %02x:%02x:%02x:%02x:%02x:%02x", label, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void print_link_stats(const struct rtnl_link_stats64 *s, int level)
{
	unsigned int c[6] = { 10, 7, 6, 7, 7, 7 };
	uint64_t tx_carrier = 0;	/* no counter for it: kept for the layout */

	widen(&c[0], s->rx_bytes);
	widen(&c[0], s->tx_bytes);
	widen(&c[1], s->rx_packets);
	widen(&c[1], s->tx_packets);
	widen(&c[2], s->rx_errors);
	widen(&c[2], s->tx_errors);
	widen(&c[3], s->rx_dropped);
	widen(&c[3], s->tx_dropped);
	widen(&c[4], s->rx_missed_errors);
	widen(&c[5], s->multicast);
	widen(&c[5], s->collisions);
	if (level > 1) {
		widen(&c[1], s->rx_length_errors);
		widen(&c[2], s->rx_crc_errors);
		widen(&c[3], s->rx_frame_errors);
		widen(&c[4], s->rx_fifo_errors);
		widen(&c[5], s->rx_over_errors);
		widen(&c[1], s->tx_aborted_errors);
		widen(&c[2], s->tx_fifo_errors);
		widen(&c[3], s->tx_timeout_errors);
	}

	kprintf("    RX: %*s %*s %*s %*s %*s %*s\n", c[0] - 4, "bytes", c[1], "packets",
		c[2], "errors", c[3], "dropped", c[4], "missed", c[5], "mcast");
	kprintf("    %*llu %*llu %*llu %*llu %*llu %*llu\n",
		c[0], (unsigned long long)s->rx_bytes, c[1], (unsigned long long)s->rx_packets,
		c[2], (unsigned long long)s->rx_errors, c[3], (unsigned long long)s->rx_dropped,
		c[4], (unsigned long long)s->rx_missed_errors,
		c[5], (unsigned long long)s->multicast);
	if (level > 1) {
		kprintf("    %-*s %*s %*s %*s %*s %*s %s\n", c[0], "RX errors:", c[1], "length",
			c[2], "crc", c[3], "frame", c[4], "fifo", c[5], "overrun", "nohandler");
		kprintf("    %*s %*llu %*llu %*llu %*llu %*llu %9llu\n", c[0], "",
			c[1], (unsigned long long)s->rx_length_errors,
			c[2], (unsigned long long)s->rx_crc_errors,
			c[3], (unsigned long long)s->rx_frame_errors,
			c[4], (unsigned long long)s->rx_fifo_errors,
			c[5], (unsigned long long)s->rx_over_errors,
			(unsigned long long)s->rx_nohandler);
	}
	kprintf("    TX: %*s %*s %*s %*s %*s %*s\n", c[0] - 4, "bytes", c[1], "packets",
		c[2], "errors", c[3], "dropped", c[4], "carrier", c[5], "collsns");
	kprintf("    %*llu %*llu %*llu %*llu %*llu %*llu\n",
		c[0], (unsigned long long)s->tx_bytes, c[1], (unsigned long long)s->tx_packets,
		c[2], (unsigned long long)s->tx_errors, c[3], (unsigned long long)s->tx_dropped,
		c[4], (unsigned long long)tx_carrier, c[5], (unsigned long long)s->collisions);
	if (level > 1) {
		kprintf("    %-*s %*s %*s %*s\n", c[0], "TX errors:", c[1], "aborted",
			c[2], "fifo", c[3], "timeout");
		kprintf("    %*s %*llu %*llu %*llu\n", c[0], "",
			c[1], (unsigned long long)s->tx_aborted_errors,
			c[2], (unsigned long long)s->tx_fifo_errors,
			c[3], (unsigned long long)s->tx_timeout_errors);
	}
}

static void print_link(int ifindex, struct net_device *dev, int stats_level)
{
	static const uint8_t broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[ETH_ALEN];
	bool up = READ_ONCE(dev->up), carrier = READ_ONCE(dev->carrier);

	/* Before its first open a device has no qdisc: Linux's "noop". */
	kprintf("%d: %s: <%sBROADCAST,MULTICAST%s> mtu %u qdisc %s state %s "
		"mode DEFAULT group default qlen %u\n", ifindex, dev->name,
		up && !carrier ? "NO-CARRIER," : "", up ? (carrier ? ",UP,LOWER_UP" : ",UP") : "",
		dev->mtu, dev->qdisc ? dev->qdisc->ops->id : "noop", up && carrier ? "UP" : "DOWN",
		dev->tx_queue_len);
	kprintf("    link/ether %02x:%02x:%02x:%02x:%02x:%02x", dev->dev_addr[0],
		dev->dev_addr[1], dev->dev_addr[2], dev->dev_addr[3], dev->dev_addr[4],
		dev->dev_addr[5]);
	print_mac("brd", broadcast);
	if (memcmp(dev->perm_addr, zero, ETH_ALEN) && memcmp(dev->perm_addr, dev->dev_addr, ETH_ALEN))
		print_mac("permaddr", dev->perm_addr);
	kprintf("\n");
	if (stats_level) {
		struct rtnl_link_stats64 st;

		memset(&st, 0, sizeof(st));
		if (dev->netdev_ops && dev->netdev_ops->ndo_get_stats64)
			dev->netdev_ops->ndo_get_stats64(dev, &st);
		/* Frames nobody took are counted here, not by the driver. */
		st.rx_nohandler += READ_ONCE(dev->rx_nohandler);
		print_link_stats(&st, stats_level);
	}
}

/* A whole decimal number within [lo, hi]. */
static bool parse_num(const char *arg, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!arg[0] || strlen(arg) > 10)
		return false;
	v = strtol(arg, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

struct link_change {
	const char *name;
	int updown;		/* -1 unchanged, 0 down, 1 up */
	const char *mtu, *qlen;	/* the words given, NULL if not */
};

/* iproute2's parse: a later up/down overrides an earlier one, a keyword's
 * value follows it, any other word names the device. */
static int ip_link_set_parse(int argc, char **argv, struct link_change *c)
{
	for (int i = 0; i < argc; i++) {
		const char **val = NULL, *kw = argv[i];

		if (strcmp(kw, "up") == 0) {
			c->updown = 1;
			continue;
		}
		if (strcmp(kw, "down") == 0) {
			c->updown = 0;
			continue;
		}
		if (strcmp(kw, "mtu") == 0)
			val = &c->mtu;
		else if (strcmp(kw, "txqueuelen") == 0 || strcmp(kw, "qlen") == 0 ||
			 strcmp(kw, "txqlen") == 0)
			val = &c->qlen;
		if ((val || strcmp(kw, "dev") == 0) && ++i == argc) {
			kprintf("Command line is not complete. Try option \"help\"\n");
			return -1;
		}
		if (val) {
			if (*val) {
				kprintf("Error: duplicate \"%s\": \"%s\" is the second value.\n",
					kw, argv[i]);
				return -1;
			}
			*val = argv[i];
			continue;
		}
		if (c->name) {
			kprintf("Error: either \"dev\" is duplicate, or \"%s\" is a garbage.\n",
				argv[i]);
			return -1;
		}
		c->name = argv[i];
	}
	if (!c->name) {
		kprintf("Not enough information: \"dev\" argument is required.\n");
		return -1;
	}
	return 0;
}

/* `ip link set [dev] NAME [up|down] [mtu N] [txqueuelen N]`, argv past
 * "set". Every value is checked before anything changes, as one netlink
 * request is; success prints nothing. */
static int ip_link_set(int argc, char **argv)
{
	struct link_change c = { .updown = -1 };
	struct net_device *dev;
	long mtu = -1, qlen = -1;
	int err;

	if (ip_link_set_parse(argc, argv, &c))
		return -1;
	dev = dev_get_by_name(c.name);
	if (!dev) {
		kprintf("Cannot find device \"%s\"\n", c.name);
		return -1;
	}
	if (c.mtu) {
		if (!parse_num(c.mtu, 0, 0x7fffffff, &mtu)) {
			kprintf("Error: argument \"%s\" is wrong: Invalid \"mtu\" value\n", c.mtu);
			return -1;
		}
		/* The kernel's words for the range check (extack). */
		if (mtu < (long)dev->min_mtu || mtu > (long)dev->max_mtu) {
			kprintf("Error: mtu %s than device %s.\n",
				mtu < (long)dev->min_mtu ? "less" : "greater",
				mtu < (long)dev->min_mtu ? "minimum" : "maximum");
			return -1;
		}
	}
	if (c.qlen && !parse_num(c.qlen, 0, TX_QUEUE_LEN_MAX, &qlen)) {
		kprintf("Error: argument \"%s\" is wrong: Invalid \"txqueuelen\" value\n", c.qlen);
		return -1;
	}
	if (mtu >= 0)
		dev_set_mtu(dev, (int)mtu);
	if (qlen >= 0)
		dev_change_tx_queue_len(dev, qlen);
	if (c.updown < 0)
		return 0;
	err = c.updown ? dev_open(dev) : dev_close(dev);
	if (err) {
		/* Drivers here return -1, not an errno: EIO is the kernel's word
		 * for "the device failed". */
		kprintf("RTNETLINK answers: Input/output error\n");
		return -1;
	}
	return 0;
}

extern const struct ip_object __start_ipobjects[] __attribute__((weak));
extern const struct ip_object __stop_ipobjects[] __attribute__((weak));
_Static_assert(sizeof(struct ip_object) % 8 == 0, "ipobjects entries tile their section");

const struct ip_object *ip_object_find(const char *word)
{
	for (const struct ip_object *o = __start_ipobjects; o < __stop_ipobjects; o++)
		if (shell_matches(word, o->name))
			return o;
	return NULL;
}

void ip_object_usage(void)
{
	for (const struct ip_object *o = __start_ipobjects; o < __stop_ipobjects; o++)
		kprintf("%s", o->usage);
}

static int cmd_ip(int argc, char **argv)
{
	struct net_device *dev;
	const char *name = NULL;
	int stats = 0, i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (shell_matches(argv[i] + 1, "stats") || shell_matches(argv[i] + 1, "statistics"))
			stats++;
		else {
			kprintf("Option \"%s\" is unknown, try \"ip help\".\n", argv[i]);
			return -1;
		}
	}
	if (i >= argc || shell_matches(argv[i], "help")) {
		kprintf(IP_USAGE);
		ip_object_usage();
		return i >= argc ? -1 : 0;
	}
	/* "ip l" is link, as in iproute2; every other object registers itself. */
	if (!shell_matches(argv[i], "link")) {
		const struct ip_object *o = ip_object_find(argv[i]);

		if (o)
			return o->fn(argc - i, argv + i);
		kprintf("Object \"%s\" is unknown, try \"ip help\".\n", argv[i]);
		return -1;
	}
	i++;
	/* Before "show", as in iproute2: a bare "s" means set. */
	if (i < argc && shell_matches(argv[i], "set"))
		return ip_link_set(argc - i - 1, argv + i + 1);
	if (i < argc && (shell_matches(argv[i], "show") || shell_matches(argv[i], "list") ||
			 strcmp(argv[i], "ls") == 0))
		i++;
	if (i < argc && strcmp(argv[i], "dev") == 0)
		i++;
	if (i < argc)
		name = argv[i++];
	if (i < argc) {
		kprintf(IP_USAGE);
		return -1;
	}
	if (name) {
		dev = dev_get_by_name(name);
		if (!dev) {
			kprintf("Device \"%s\" does not exist.\n", name);
			return -1;
		}
		print_link(dev_ifindex(dev), dev, stats);
		return 0;
	}
	for (int idx = 1; (dev = dev_get_by_index(idx)) != NULL; idx++)
		print_link(idx, dev, stats);
	return 0;
}
SHELL_COMMAND("ip", "ip [-s [-s]] link [show [dev] NAME] | "
	      "ip link set [dev] NAME [up|down] [mtu N] [txqueuelen N]", cmd_ip);

static int cmd_softnet(int argc, char **argv)
{
	struct softnet_stats s;
	struct skb_stats k;
	struct net_device *dev;

	(void)argc;
	(void)argv;
	softnet_get_stats(&s);
	skb_get_stats(&k);
	kprintf("cpu  %12s %12s %12s %12s\n", "processed", "rx_runs", "time_squeeze",
		"budget_exh");
	kprintf("  0  %12llu %12llu %12llu %12llu\n", (unsigned long long)s.processed,
		(unsigned long long)s.rx_action_runs, (unsigned long long)s.rx_time_squeeze,
		(unsigned long long)s.rx_budget_exhausted);
	kprintf("rx dropped: runt %llu no_dev %llu vlan %llu otherhost %llu nohandler %llu; "
		"napi poll bugs %llu\n",
		(unsigned long long)s.rx_dropped_runt, (unsigned long long)s.rx_dropped_nodev,
		(unsigned long long)s.rx_dropped_vlan, (unsigned long long)s.rx_dropped_otherhost,
		(unsigned long long)s.rx_nohandler, (unsigned long long)s.poll_bugs);
	kprintf("tx dropped: queue_stopped %llu driver_busy %llu dev_down %llu csum %llu gso %llu "
		"linearize %llu qdisc_limit %llu flushed %llu; bad queue picks %llu\n",
		(unsigned long long)s.tx_dropped_stopped, (unsigned long long)s.tx_dropped_busy,
		(unsigned long long)s.tx_dropped_down, (unsigned long long)s.tx_dropped_csum,
		(unsigned long long)s.tx_dropped_gso, (unsigned long long)s.tx_dropped_linearize,
		(unsigned long long)s.tx_dropped_qdisc,
		(unsigned long long)s.tx_dropped_flush, (unsigned long long)s.tx_bad_queue);
	/* Sent from the caller's context (bypass, qdisc run) against NET_TX. */
	kprintf("tx sent: bypass %llu qdisc_caller %llu qdisc_net_tx %llu noqueue %llu\n",
		(unsigned long long)s.tx_bypass, (unsigned long long)s.tx_qdisc_caller,
		(unsigned long long)s.tx_qdisc_net_tx, (unsigned long long)s.tx_noqueue);
	kprintf("net_tx: runs %llu raised by quota %llu requeue %llu queue_wake %llu qdisc_busy %llu; "
		"link events deferred %llu\n",
		(unsigned long long)s.tx_action_runs, (unsigned long long)s.tx_sched[SCHED_QUOTA],
		(unsigned long long)s.tx_sched[SCHED_REQUEUE],
		(unsigned long long)s.tx_sched[SCHED_WAKE], (unsigned long long)s.tx_sched[SCHED_BUSY],
		(unsigned long long)s.link_events_deferred);
	kprintf("skb: allocated %llu freed %llu in_use %llu clones %llu alloc_failures %llu "
		"cache_hits %llu cache_misses %llu\n",
		(unsigned long long)k.allocated, (unsigned long long)k.freed,
		(unsigned long long)(k.allocated - k.freed), (unsigned long long)k.clones,
		(unsigned long long)k.alloc_failures, (unsigned long long)k.cache_hits,
		(unsigned long long)k.cache_misses);
	for (int idx = 1; (dev = dev_get_by_index(idx)) != NULL; idx++) {
		for (unsigned int q = 0; q < dev->real_num_tx_queues && q < MAX_TX_QUEUES; q++) {
			const struct netdev_queue *txq = &dev->tx_queue[q];

			kprintf("%s tx-%u: %s stops %llu wakes %llu\n", dev->name, q,
				netif_tx_queue_stopped(txq) ? "stopped" : "running",
				(unsigned long long)txq->stops, (unsigned long long)txq->wakes);
		}
	}
	return 0;
}
SHELL_COMMAND("softnet", "net core counters, like /proc/net/softnet_stat, plus skbs and TX queues",
	      cmd_softnet);
