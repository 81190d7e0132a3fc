/* Shell views of the device layer: `ip link` in iproute2's layout (so its
 * output reads like a Linux box's), `ip link set` to take a device up or
 * down, and `softnet`, the core counters that /proc/net/softnet_stat and the
 * skb caches would show there. */
#include <string.h>
#include "net/netdevice.h"
#include "kernel/shell.h"
#include "kernel/printk.h"

#define IP_USAGE "Usage: ip [-s[tats] [-s]] link [show [dev] NAME]\n" \
		 "       ip link set [dev] NAME up|down\n"

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

	kprintf("%d: %s: <%sBROADCAST,MULTICAST%s> mtu %u qdisc noqueue state %s "
		"mode DEFAULT group default\n", ifindex, dev->name,
		up && !carrier ? "NO-CARRIER," : "", up ? (carrier ? ",UP,LOWER_UP" : ",UP") : "",
		dev->mtu, up && carrier ? "UP" : "DOWN");
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

/* iproute2 accepts any prefix of a keyword ("l", "li", ... "link"). */
static bool matches(const char *arg, const char *keyword)
{
	size_t n = strlen(arg);

	return n > 0 && n <= strlen(keyword) && strncmp(arg, keyword, n) == 0;
}

/* `ip link set [dev] NAME up|down`, argv past "set". iproute2's parse: a
 * later up/down overrides an earlier one, any other word names the device,
 * and success prints nothing. */
static int ip_link_set(int argc, char **argv)
{
	struct net_device *dev;
	const char *name = NULL;
	int want = -1;		/* -1 unchanged, 0 down, 1 up */
	int err;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "up") == 0) {
			want = 1;
		} else if (strcmp(argv[i], "down") == 0) {
			want = 0;
		} else {
			if (strcmp(argv[i], "dev") == 0 && ++i == argc) {
				kprintf("Command line is not complete. Try option \"help\"\n");
				return -1;
			}
			if (name) {
				kprintf("Error: either \"dev\" is duplicate, or \"%s\" is a garbage.\n",
					argv[i]);
				return -1;
			}
			name = argv[i];
		}
	}
	if (!name) {
		kprintf("Not enough information: \"dev\" argument is required.\n");
		return -1;
	}
	dev = dev_get_by_name(name);
	if (!dev) {
		kprintf("Cannot find device \"%s\"\n", name);
		return -1;
	}
	if (want < 0)
		return 0;
	err = want ? dev_open(dev) : dev_close(dev);
	if (err) {
		/* Drivers here return -1, not an errno: EIO is the kernel's word
		 * for "the device failed". */
		kprintf("RTNETLINK answers: Input/output error\n");
		return -1;
	}
	return 0;
}

static int cmd_ip(int argc, char **argv)
{
	struct net_device *dev;
	const char *name = NULL;
	int stats = 0, i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (matches(argv[i] + 1, "stats") || matches(argv[i] + 1, "statistics"))
			stats++;
		else {
			kprintf("Option \"%s\" is unknown, try \"ip help\".\n", argv[i]);
			return -1;
		}
	}
	if (i >= argc || matches(argv[i], "help")) {
		kprintf(IP_USAGE);
		return i >= argc ? -1 : 0;
	}
	if (!matches(argv[i], "link")) {
		kprintf("Object \"%s\" is unknown, try \"ip help\".\n", argv[i]);
		return -1;
	}
	i++;
	/* Before "show", as in iproute2: a bare "s" means set. */
	if (i < argc && matches(argv[i], "set"))
		return ip_link_set(argc - i - 1, argv + i + 1);
	if (i < argc && (matches(argv[i], "show") || matches(argv[i], "list") ||
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
SHELL_COMMAND("ip", "ip [-s [-s]] link [show [dev] NAME] | ip link set [dev] NAME up|down",
	      cmd_ip);

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
	kprintf("rx dropped: runt %llu no_dev %llu; napi poll bugs %llu\n",
		(unsigned long long)s.rx_dropped_runt, (unsigned long long)s.rx_dropped_nodev,
		(unsigned long long)s.poll_bugs);
	kprintf("tx dropped: queue_stopped %llu driver_busy %llu dev_down %llu; bad queue picks %llu\n",
		(unsigned long long)s.tx_dropped_stopped, (unsigned long long)s.tx_dropped_busy,
		(unsigned long long)s.tx_dropped_down, (unsigned long long)s.tx_bad_queue);
	kprintf("skb: allocated %llu freed %llu in_use %llu clones %llu alloc_failures %llu\n",
		(unsigned long long)k.allocated, (unsigned long long)k.freed,
		(unsigned long long)(k.allocated - k.freed), (unsigned long long)k.clones,
		(unsigned long long)k.alloc_failures);
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
