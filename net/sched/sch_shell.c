/* `tc [-s] qdisc [show [dev NAME]]` in iproute2's layout, so the qdiscs read
 * as on a Linux box: the root (mq, or the one pfifo), then one pfifo per TX
 * queue under mq, and with -s the Sent and backlog lines. As iproute2 does,
 * "dev NAME" is printed only when not filtering on a device. */
#include <string.h>
#include "net/netdevice.h"
#include "net/sch_generic.h"
#include "kernel/shell.h"
#include "kernel/printk.h"

#define TC_USAGE "Usage: tc [-s[tatistics]] qdisc [show [dev NAME]]\n"

/* iproute2's sprint_size: Mb or Kb only when the size is that close to a
 * whole number of them, else bytes. */
static void print_size(const char *prefix, uint32_t sz)
{
	const uint32_t kb = 1024, mb = 1024 * 1024;
	uint32_t m = (sz + mb / 2) / mb, k = (sz + kb / 2) / kb;
	int64_t dm = (int64_t)m * mb - sz, dk = (int64_t)k * kb - sz;

	if (sz >= mb && dm > -1024 && dm < 1024)
		kprintf("%s%uMb", prefix, m);
	else if (sz >= kb && dk > -16 && dk < 16)
		kprintf("%s%uKb", prefix, k);
	else
		kprintf("%s%ub", prefix, sz);
}

static void print_stats(struct Qdisc *q)
{
	struct gnet_stats_basic b = { 0 };
	struct gnet_stats_queue qs = { 0 };

	if (q)
		qdisc_get_stats(q, &b, &qs);
	kprintf(" Sent %llu bytes %llu pkt (dropped %llu, overlimits %llu requeues %llu)\n",
		(unsigned long long)b.bytes, (unsigned long long)b.packets,
		(unsigned long long)qs.drops, (unsigned long long)qs.overlimits,
		(unsigned long long)qs.requeues);
	print_size(" backlog ", qs.backlog);
	kprintf(" %up requeues %llu\n", qs.qlen, (unsigned long long)qs.requeues);
}

static void print_qdisc(struct net_device *dev, struct Qdisc *q, bool show_dev, bool stats)
{
	kprintf("qdisc %s %x:", q ? q->ops->id : "noop", q ? q->handle >> 16 : 0);
	if (show_dev)
		kprintf(" dev %s", dev->name);
	if (!q || q->parent == TC_H_ROOT)
		kprintf(" root");
	else
		kprintf(" parent :%x", TC_H_MIN(q->parent));
	/* Linux's noop is shared by every device: its reference count shows. */
	if (!q)
		kprintf(" refcnt 2");
	if (q && q->ops == &pfifo_qdisc_ops)
		kprintf(" limit %up", READ_ONCE(q->limit));
	kprintf("\n");
	if (stats)
		print_stats(q);
}

static void show_dev(struct net_device *dev, bool show_name, bool stats)
{
	struct Qdisc *root = dev->qdisc;

	print_qdisc(dev, root, show_name, stats);
	if (root != &dev->qdisc_mq)
		return;
	for (unsigned int i = 0; i < MAX_TX_QUEUES; i++)
		if (dev->tx_queue[i].qdisc)
			print_qdisc(dev, dev->tx_queue[i].qdisc, show_name, stats);
}

static int cmd_tc(int argc, char **argv)
{
	struct net_device *dev = NULL;
	bool stats = false;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (shell_matches(argv[i] + 1, "statistics") || shell_matches(argv[i] + 1, "stats")) {
			stats = true;
		} else {
			kprintf("Option \"%s\" is unknown, try \"tc -help\".\n", argv[i]);
			return -1;
		}
	}
	if (i >= argc || shell_matches(argv[i], "help")) {
		kprintf(TC_USAGE);
		return i >= argc ? -1 : 0;
	}
	if (!shell_matches(argv[i], "qdisc")) {
		kprintf("Object \"%s\" is unknown, try \"tc help\".\n", argv[i]);
		return -1;
	}
	i++;
	if (i < argc) {
		if (!shell_matches(argv[i], "show") && !shell_matches(argv[i], "list") &&
		    !shell_matches(argv[i], "lst")) {
			kprintf("Command \"%s\" is unknown, try \"tc qdisc help\".\n", argv[i]);
			return -1;
		}
		i++;
	}
	for (; i < argc; i++) {
		if (strcmp(argv[i], "dev") != 0) {
			kprintf("What is \"%s\"? Try \"tc qdisc help\".\n", argv[i]);
			return -1;
		}
		if (++i == argc) {
			kprintf("Command line is not complete. Try option \"help\"\n");
			return -1;
		}
		dev = dev_get_by_name(argv[i]);
		if (!dev) {
			kprintf("Cannot find device \"%s\"\n", argv[i]);
			return -1;
		}
	}
	if (dev) {
		show_dev(dev, false, stats);
		return 0;
	}
	for (int idx = 1; (dev = dev_get_by_index(idx)) != NULL; idx++)
		show_dev(dev, true, stats);
	return 0;
}
SHELL_COMMAND("tc", "tc [-s] qdisc [show [dev NAME]]: qdiscs and their counters", cmd_tc);
