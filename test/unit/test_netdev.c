/* The device layer against fake softirqs, a fake clock and fake drivers:
 * registration and names, open and close, NAPI scheduling, disabling and
 * net_rx_action's weight, budget and time limits, receive dispatch and its
 * drop counters, transmit queue selection and drops, and the `ip` (show and
 * set) / `softnet` shell output.
 *
 * The device list and the skb caches live as long as the process: the devices
 * are registered once, and each test gives back every skb it took and leaves
 * no napi scheduled. */
#include <string.h>
#include "host_support.h"
#include "kernel/irqflags.h"
#include "kernel/shell.h"
#include "kernel/softirq.h"
#include "kernel/time.h"
#include "net/netdevice.h"
#include "skb_arena.h"

/* ---- fake softirq core and clock ------------------------------------------- */

static void (*softirq_handler[NR_SOFTIRQS])(void);
static uint32_t pending;
static unsigned int raised[NR_SOFTIRQS];
static int bh_depth;
static uint64_t fake_now;

void open_softirq(unsigned int nr, void (*action)(void))
{
	assert_true(nr < NR_SOFTIRQS);
	softirq_handler[nr] = action;
}

void raise_softirq_irqoff(unsigned int nr)
{
	/* The contract: callers already run with interrupts off. */
	assert_true(irqs_disabled());
	pending |= 1u << nr;
	raised[nr]++;
}

void raise_softirq(unsigned int nr)
{
	unsigned long flags = local_irq_save();

	raise_softirq_irqoff(nr);
	local_irq_restore(flags);
}

void local_bh_disable(void)
{
	bh_depth++;
}

void local_bh_enable(void)
{
	assert_true(bh_depth > 0);
	bh_depth--;
}

uint64_t ktime_get_ns(void)
{
	return fake_now;
}

/* One NET_RX run, as the softirq core would do it. */
static void run_net_rx(void)
{
	assert_non_null(softirq_handler[NET_RX_SOFTIRQ]);
	pending &= ~(1u << NET_RX_SOFTIRQ);
	softirq_handler[NET_RX_SOFTIRQ]();
}

static bool net_rx_pending(void)
{
	return pending & (1u << NET_RX_SOFTIRQ);
}

/* ---- fake driver ------------------------------------------------------------- */

struct fake_dev {
	struct net_device dev;
	int opens, open_rc;
	int stops, stop_rc;
	bool up_in_stop;		/* dev->up as ndo_stop saw it */
	netdev_tx_t verdict;
	int select;			/* what ndo_select_queue answers */
	unsigned int xmits;
	uint16_t last_queue;
	struct rtnl_link_stats64 stats;
};

static struct fake_dev *to_fake(struct net_device *dev)
{
	return container_of(dev, struct fake_dev, dev);
}

static int fake_open(struct net_device *dev)
{
	to_fake(dev)->opens++;
	return to_fake(dev)->open_rc;
}

static int fake_stop(struct net_device *dev)
{
	struct fake_dev *f = to_fake(dev);

	f->stops++;
	f->up_in_stop = dev->up;
	return f->stop_rc;
}

static netdev_tx_t fake_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct fake_dev *f = to_fake(dev);

	/* The driver's ring is shared with its NAPI poll: no softirq may run here. */
	assert_true(bh_depth > 0);
	assert_ptr_equal(skb->dev, dev);
	f->last_queue = skb->queue_mapping;
	if (f->verdict == NETDEV_TX_BUSY)
		return NETDEV_TX_BUSY;
	f->xmits++;
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static uint16_t fake_select(struct net_device *dev, struct sk_buff *skb)
{
	(void)skb;
	return (uint16_t)to_fake(dev)->select;
}

static void fake_stats(struct net_device *dev, struct rtnl_link_stats64 *st)
{
	*st = to_fake(dev)->stats;
}

static const struct net_device_ops hash_ops = {
	.ndo_open = fake_open,
	.ndo_start_xmit = fake_xmit,
	.ndo_get_stats64 = fake_stats,
};

static const struct net_device_ops select_ops = {
	.ndo_open = fake_open,
	.ndo_start_xmit = fake_xmit,
	.ndo_select_queue = fake_select,
};

static const struct net_device_ops stop_ops = {
	.ndo_open = fake_open,
	.ndo_stop = fake_stop,
	.ndo_start_xmit = fake_xmit,
};

static const struct net_device_ops noxmit_ops = {
	.ndo_open = fake_open,
};

/* eth0: four queues picked by hash, up, carrier. eth1: select op, two of four
 * queues real, never opened. */
static struct fake_dev fa, fb;

/* ---- fake NAPI --------------------------------------------------------------- */

struct fake_napi {
	struct napi_struct napi;
	char tag;
	int script[32];			/* what each poll returns; 0 after the end */
	int nscript;
	int calls;
	uint64_t cost_ns;		/* fake time each poll takes */
	bool reschedule;		/* complete and get rescheduled inside the poll */
};

static char poll_log[128];
static size_t nlog;

static int fake_poll(struct napi_struct *napi, int budget)
{
	struct fake_napi *f = container_of(napi, struct fake_napi, napi);
	int work = f->calls < f->nscript ? f->script[f->calls] : 0;

	assert_int_equal(budget, napi->weight);
	assert_true(nlog < sizeof(poll_log) - 1);
	poll_log[nlog++] = f->tag;
	f->calls++;
	fake_now += f->cost_ns;
	if (f->reschedule) {
		assert_true(napi_complete_done(napi, work));
		assert_true(napi_schedule(napi));
	} else if (work < budget) {
		assert_true(napi_complete_done(napi, work));
	}
	return work;
}

static void fake_napi_init(struct fake_napi *f, char tag, int weight)
{
	memset(f, 0, sizeof(*f));
	f->tag = tag;
	netif_napi_add(&fa.dev, &f->napi, fake_poll, weight);
}

static void script_fill(struct fake_napi *f, int value, int n)
{
	for (int i = 0; i < n; i++)
		f->script[f->nscript++] = value;
}

static bool napi_scheduled(const struct napi_struct *n)
{
	return n->state & (1UL << NAPI_STATE_SCHED);
}

/* ---- shell ------------------------------------------------------------------- */

extern const struct shell_cmd __start_shellcmds[], __stop_shellcmds[];

static int run_cmd(const char *line)
{
	char buf[128], *argv[SHELL_MAX_ARGS + 1], *save = NULL;
	int argc = 0;

	assert_true(strlen(line) < sizeof(buf));
	strcpy(buf, line);
	for (char *t = strtok_r(buf, " ", &save); t && argc < SHELL_MAX_ARGS;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	for (const struct shell_cmd *c = __start_shellcmds; c < __stop_shellcmds; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->fn(argc, argv);
	fail_msg("no shell command %s", argv[0]);
	return -1;
}

/* ---- setup ------------------------------------------------------------------- */

static struct softnet_stats sn0;

static void fake_dev_init(struct fake_dev *f, const struct net_device_ops *ops,
			  unsigned int txq, unsigned int real_txq, uint8_t mac_last)
{
	static const uint8_t mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x00 };

	memset(f, 0, sizeof(*f));
	f->dev.netdev_ops = ops;
	f->dev.num_tx_queues = txq;
	f->dev.real_num_tx_queues = real_txq;
	memcpy(f->dev.dev_addr, mac, ETH_ALEN);
	f->dev.dev_addr[5] = mac_last;
	memcpy(f->dev.perm_addr, f->dev.dev_addr, ETH_ALEN);
}

static int group_setup(void **state)
{
	(void)state;
	test_skb_arena_setup();
	net_dev_init();
	/* NET_TX stays unclaimed until a qdisc has work for it. */
	assert_null(softirq_handler[NET_TX_SOFTIRQ]);

	fake_dev_init(&fa, &hash_ops, 4, 4, 0x56);
	fake_dev_init(&fb, &select_ops, 4, 2, 0x57);
	assert_int_equal(register_netdev(&fa.dev), 0);
	assert_int_equal(register_netdev(&fb.dev), 0);
	assert_int_equal(dev_open(&fa.dev), 0);
	netif_carrier_on(&fa.dev);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	pending = 0;
	memset(raised, 0, sizeof(raised));
	nlog = 0;
	memset(poll_log, 0, sizeof(poll_log));
	fa.verdict = NETDEV_TX_OK;
	fb.verdict = NETDEV_TX_OK;
	fa.xmits = fb.xmits = 0;
	test_skb_mark();
	softnet_get_stats(&sn0);
	printk_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_skb_assert_all_freed();
	assert_int_equal(bh_depth, 0);
	assert_int_equal(host_irq_disabled, 0);
	assert_false(net_rx_pending());
	return 0;
}

static struct softnet_stats delta(void)
{
	struct softnet_stats s;

	softnet_get_stats(&s);
	s.processed -= sn0.processed;
	s.rx_action_runs -= sn0.rx_action_runs;
	s.rx_budget_exhausted -= sn0.rx_budget_exhausted;
	s.rx_time_squeeze -= sn0.rx_time_squeeze;
	s.rx_dropped_runt -= sn0.rx_dropped_runt;
	s.rx_dropped_nodev -= sn0.rx_dropped_nodev;
	s.poll_bugs -= sn0.poll_bugs;
	s.tx_dropped_stopped -= sn0.tx_dropped_stopped;
	s.tx_dropped_busy -= sn0.tx_dropped_busy;
	s.tx_dropped_down -= sn0.tx_dropped_down;
	s.tx_bad_queue -= sn0.tx_bad_queue;
	return s;
}

/* A frame of len bytes (at least the header when len allows) on dev. */
static struct sk_buff *frame(struct net_device *dev, uint32_t len, uint16_t ethertype)
{
	struct sk_buff *skb = alloc_skb(NET_SKB_PAD + len);
	uint8_t *p;

	assert_non_null(skb);
	skb_reserve(skb, NET_SKB_PAD);
	p = skb_put(skb, len);
	memset(p, 0xab, len);
	if (len >= ETH_HLEN) {
		p[12] = (uint8_t)(ethertype >> 8);
		p[13] = (uint8_t)ethertype;
	}
	skb->dev = dev;
	return skb;
}

/* ---- registration ------------------------------------------------------------ */

static void test_register_names_and_queues(void **state)
{
	static struct fake_dev named, dup, unnamed, big;

	(void)state;
	assert_string_equal(fa.dev.name, "eth0");
	assert_string_equal(fb.dev.name, "eth1");
	assert_ptr_equal(first_netdev(), &fa.dev);
	assert_ptr_equal(dev_get_by_name("eth1"), &fb.dev);
	assert_null(dev_get_by_name("eth9"));
	assert_int_equal(dev_ifindex(&fa.dev), 1);
	assert_int_equal(dev_ifindex(&fb.dev), 2);
	assert_ptr_equal(dev_get_by_index(2), &fb.dev);
	assert_null(dev_get_by_index(0));
	assert_int_equal(fa.dev.mtu, ETH_DATA_LEN);
	for (unsigned int i = 0; i < MAX_TX_QUEUES; i++) {
		assert_ptr_equal(fa.dev.tx_queue[i].dev, &fa.dev);
		assert_int_equal(fa.dev.tx_queue[i].index, i);
	}
	assert_int_equal(fb.dev.real_num_tx_queues, 2);

	/* Twice the same device, a taken name, too many queues: refused. */
	assert_int_equal(register_netdev(&fa.dev), -1);
	fake_dev_init(&dup, &hash_ops, 1, 1, 1);
	strcpy(dup.dev.name, "eth1");
	assert_int_equal(register_netdev(&dup.dev), -1);
	fake_dev_init(&big, &hash_ops, MAX_TX_QUEUES + 1, 1, 2);
	assert_int_equal(register_netdev(&big.dev), -1);
	fake_dev_init(&big, &hash_ops, 2, 3, 2);
	assert_int_equal(register_netdev(&big.dev), -1);
	assert_null(dev_get_by_index(3));

	/* A given name is kept; the next unnamed one gets the lowest free ethN.
	 * Zero queues means one. */
	fake_dev_init(&named, &noxmit_ops, 0, 0, 3);
	strcpy(named.dev.name, "lan0");
	assert_int_equal(register_netdev(&named.dev), 0);
	assert_int_equal(named.dev.num_tx_queues, 1);
	assert_int_equal(named.dev.real_num_tx_queues, 1);
	fake_dev_init(&unnamed, &noxmit_ops, 1, 1, 4);
	assert_int_equal(register_netdev(&unnamed.dev), 0);
	assert_string_equal(unnamed.dev.name, "eth2");
	assert_int_equal(dev_ifindex(&unnamed.dev), 4);
	assert_ptr_equal(dev_get_by_name("lan0"), &named.dev);
}

static void test_dev_open_and_carrier(void **state)
{
	static struct fake_dev f;

	(void)state;
	assert_true(fa.dev.up);
	assert_int_equal(fa.opens, 1);
	assert_int_equal(dev_open(&fa.dev), 0);
	assert_int_equal(fa.opens, 1);

	fake_dev_init(&f, &hash_ops, 1, 1, 9);
	f.open_rc = -5;
	assert_int_equal(dev_open(&f.dev), -5);
	assert_false(f.dev.up);
	f.open_rc = 0;
	assert_int_equal(dev_open(&f.dev), 0);
	assert_true(f.dev.up);

	netif_carrier_on(&f.dev);
	assert_true(netif_carrier_ok(&f.dev));
	netif_carrier_off(&f.dev);
	assert_false(netif_carrier_ok(&f.dev));
	/* Link lines are the driver's to print. */
	assert_int_equal(printk_capture_len, 0);
}

/* ---- NAPI -------------------------------------------------------------------- */

static void test_napi_schedule_twice_one_entry(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', NAPI_POLL_WEIGHT);
	script_fill(&a, 5, 1);
	assert_true(napi_schedule(&a.napi));
	assert_false(napi_schedule(&a.napi));
	assert_true(napi_scheduled(&a.napi));
	assert_int_equal(raised[NET_RX_SOFTIRQ], 1);
	assert_true(net_rx_pending());

	run_net_rx();
	assert_string_equal(poll_log, "a");
	assert_false(napi_scheduled(&a.napi));
	assert_int_equal(a.napi.polls, 1);
	assert_int_equal(a.napi.completes, 1);
	assert_false(net_rx_pending());
	assert_int_equal(delta().rx_action_runs, 1);

	/* Completed: the next interrupt schedules it again. */
	assert_true(napi_schedule(&a.napi));
	run_net_rx();
	assert_string_equal(poll_log, "aa");
}

static void test_napi_full_weight_is_polled_again(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 64, 2);
	script_fill(&a, 10, 1);
	napi_schedule(&a.napi);
	run_net_rx();
	/* 64 + 64 + 10 is under the run's budget: all in one run. */
	assert_string_equal(poll_log, "aaa");
	assert_false(napi_scheduled(&a.napi));
	assert_int_equal(a.napi.completes, 1);
	assert_false(net_rx_pending());
	assert_int_equal(delta().rx_budget_exhausted, 0);
}

static void test_napi_run_budget(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 64, 10);
	napi_schedule(&a.napi);

	/* 5 x 64 = 320 >= 300: the fifth poll ends the run. */
	run_net_rx();
	assert_int_equal(a.calls, 5);
	assert_true(napi_scheduled(&a.napi));
	assert_true(net_rx_pending());
	assert_int_equal(delta().rx_budget_exhausted, 1);
	assert_int_equal(delta().rx_time_squeeze, 0);

	run_net_rx();
	assert_int_equal(a.calls, 10);
	assert_int_equal(delta().rx_budget_exhausted, 2);

	/* The script is spent: the next poll does nothing and completes. */
	run_net_rx();
	assert_int_equal(a.calls, 11);
	assert_false(napi_scheduled(&a.napi));
	assert_false(net_rx_pending());
	assert_int_equal(delta().rx_action_runs, 3);
}

static void test_napi_small_weight_budget(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 16);
	script_fill(&a, 16, 30);
	napi_schedule(&a.napi);
	run_net_rx();
	/* ceil(300 / 16) polls. */
	assert_int_equal(a.calls, 19);
	assert_true(net_rx_pending());
	a.nscript = 0;
	run_net_rx();
	assert_false(napi_scheduled(&a.napi));
}

static void test_napi_round_robin(void **state)
{
	struct fake_napi a, b, c;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	fake_napi_init(&b, 'b', 64);
	fake_napi_init(&c, 'c', 32);
	script_fill(&a, 64, 2);
	script_fill(&b, 3, 1);
	script_fill(&c, 32, 1);
	napi_schedule(&a.napi);
	napi_schedule(&b.napi);
	napi_schedule(&c.napi);
	run_net_rx();
	/* A napi that used its weight goes behind the others. */
	assert_string_equal(poll_log, "abcaca");
	assert_false(napi_scheduled(&a.napi));
	assert_false(napi_scheduled(&b.napi));
	assert_false(napi_scheduled(&c.napi));
	assert_false(net_rx_pending());
}

static void test_napi_leftovers_go_first(void **state)
{
	struct fake_napi a, b, c, d, e, late;

	(void)state;
	fake_napi_init(&a, 'a', 100);
	fake_napi_init(&b, 'b', 100);
	fake_napi_init(&c, 'c', 100);
	fake_napi_init(&d, 'd', 100);
	fake_napi_init(&e, 'e', 100);
	fake_napi_init(&late, 'L', 100);
	script_fill(&a, 100, 1);
	script_fill(&b, 100, 1);
	script_fill(&c, 100, 1);
	napi_schedule(&a.napi);
	napi_schedule(&b.napi);
	napi_schedule(&c.napi);
	napi_schedule(&d.napi);
	napi_schedule(&e.napi);
	run_net_rx();
	/* The budget ran out after c; d and e were not reached. */
	assert_string_equal(poll_log, "abc");
	assert_int_equal(delta().rx_budget_exhausted, 1);
	/* Scheduled after the run: waits behind d, e and the repolls. */
	napi_schedule(&late.napi);
	run_net_rx();
	assert_string_equal(poll_log, "abcdeabcL");
	assert_false(net_rx_pending());
}

static void test_napi_time_limit(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 64, 10);
	a.cost_ns = NET_RX_TIME_LIMIT_NS / 2;
	napi_schedule(&a.napi);
	run_net_rx();
	assert_int_equal(a.calls, 2);
	assert_int_equal(delta().rx_time_squeeze, 1);
	assert_int_equal(delta().rx_budget_exhausted, 0);
	assert_true(net_rx_pending());
	a.nscript = 0;
	a.cost_ns = 0;
	run_net_rx();
	assert_false(napi_scheduled(&a.napi));
}

static void test_napi_poll_over_budget(void **state)
{
	struct fake_napi a;
	size_t len;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 100, 1);
	napi_schedule(&a.napi);
	run_net_rx();
	/* Taken as a full-weight poll: polled again, then done. */
	assert_string_equal(poll_log, "aa");
	assert_false(napi_scheduled(&a.napi));
	assert_int_equal(delta().poll_bugs, 1);
	assert_non_null(strstr(printk_capture, "eth0 NAPI poll returned 100 with budget 64"));
	len = printk_capture_len;

	/* Warned once only, counted every time. */
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 1000, 1);
	napi_schedule(&a.napi);
	run_net_rx();
	assert_int_equal(delta().poll_bugs, 2);
	assert_int_equal(printk_capture_len, len);
}

static void test_napi_without_poll(void **state)
{
	struct napi_struct n;

	(void)state;
	netif_napi_add(&fa.dev, &n, NULL, 0);
	assert_int_equal(n.weight, NAPI_POLL_WEIGHT);
	assert_true(napi_schedule(&n));
	run_net_rx();
	assert_false(napi_scheduled(&n));
	assert_int_equal(delta().poll_bugs, 1);
	assert_false(net_rx_pending());
}

static void test_napi_rescheduled_inside_poll(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	script_fill(&a, 64, 1);
	a.reschedule = true;
	napi_schedule(&a.napi);
	run_net_rx();
	/* Already back on the CPU's list: the run must not link it twice. */
	assert_string_equal(poll_log, "a");
	assert_true(napi_scheduled(&a.napi));
	assert_true(net_rx_pending());
	a.reschedule = false;
	run_net_rx();
	assert_string_equal(poll_log, "aa");
	assert_false(napi_scheduled(&a.napi));
	assert_false(net_rx_pending());
}

static void test_napi_complete_outside_poll(void **state)
{
	struct fake_napi a;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	assert_true(napi_schedule(&a.napi));
	assert_true(napi_complete_done(&a.napi, 0));
	assert_false(napi_scheduled(&a.napi));
	assert_true(napi_schedule(&a.napi));
	run_net_rx();
	assert_string_equal(poll_log, "a");
	assert_false(net_rx_pending());
}

static void test_napi_disable_scheduled(void **state)
{
	struct fake_napi a, b;

	(void)state;
	fake_napi_init(&a, 'a', 64);
	fake_napi_init(&b, 'b', 64);
	assert_true(napi_schedule(&a.napi));
	assert_true(napi_schedule(&b.napi));
	/* Off the list before NET_RX runs: only b is polled. */
	napi_disable(&a.napi);
	assert_false(napi_schedule(&a.napi));
	run_net_rx();
	assert_string_equal(poll_log, "b");
	assert_int_equal(a.napi.polls, 0);
	assert_false(net_rx_pending());

	/* Enabled again: scheduled and polled as before. */
	napi_enable(&a.napi);
	assert_false(napi_scheduled(&a.napi));
	assert_true(napi_schedule(&a.napi));
	run_net_rx();
	assert_string_equal(poll_log, "ba");
	assert_false(napi_scheduled(&a.napi));

	/* Enabling a napi that is not disabled changes nothing. */
	napi_enable(&a.napi);
	assert_false(napi_scheduled(&a.napi));
	assert_true(napi_schedule(&a.napi));
	napi_enable(&a.napi);
	assert_true(napi_scheduled(&a.napi));
	run_net_rx();
	assert_false(napi_scheduled(&a.napi));
}

static struct napi_struct *disable_in_poll;

static int disabling_poll(struct napi_struct *napi, int budget)
{
	napi_disable(disable_in_poll);
	/* The driver's completion is refused: it must leave its interrupt off. */
	assert_false(napi_complete_done(napi, 0));
	return budget;
}

static void test_napi_disable_inside_poll(void **state)
{
	struct napi_struct n;

	(void)state;
	netif_napi_add(&fa.dev, &n, disabling_poll, 16);
	disable_in_poll = &n;
	assert_true(napi_schedule(&n));
	run_net_rx();
	/* A full-weight poll, but disabled meanwhile: not polled again. */
	assert_int_equal(n.polls, 1);
	assert_true(napi_scheduled(&n));
	assert_false(net_rx_pending());
	assert_false(napi_schedule(&n));
	napi_enable(&n);
	assert_false(napi_scheduled(&n));
}

/* ---- receive ----------------------------------------------------------------- */

static struct sk_buff *rx_seen;
static uint8_t *rx_seen_data;
static uint16_t rx_seen_proto;
static bool rx_consume;

static bool record_rx(struct sk_buff *skb)
{
	rx_seen = skb;
	rx_seen_data = skb->data;
	rx_seen_proto = skb->protocol;
	if (!rx_consume)
		return false;
	assert_ptr_equal(skb_mac_header(skb), skb->data);
	assert_ptr_equal(skb_network_header(skb), skb->data + ETH_HLEN);
	kfree_skb(skb);
	return true;
}

static void test_receive_dispatch(void **state)
{
	struct sk_buff *skb = frame(&fa.dev, 60, 0x0806);
	uint8_t *data = skb->data;
	const uint8_t arp[2] = { 0x08, 0x06 };

	(void)state;
	fa.dev.rx_handler = record_rx;
	rx_consume = true;
	rx_seen = NULL;
	netif_receive_skb(skb);
	assert_ptr_equal(rx_seen, skb);
	assert_ptr_equal(rx_seen_data, data);
	assert_memory_equal(&rx_seen_proto, arp, 2);
	assert_int_equal(delta().processed, 1);
	assert_int_equal(fa.dev.rx_nohandler, 0);
	fa.dev.rx_handler = NULL;
}

static void test_receive_nohandler(void **state)
{
	uint64_t before = fa.dev.rx_nohandler;

	(void)state;
	fa.dev.rx_handler = NULL;
	netif_receive_skb(frame(&fa.dev, 64, 0x0800));
	assert_int_equal(fa.dev.rx_nohandler, before + 1);

	/* A handler that passes is the same as none. */
	fa.dev.rx_handler = record_rx;
	rx_consume = false;
	rx_seen = NULL;
	netif_receive_skb(frame(&fa.dev, 64, 0x0800));
	assert_non_null(rx_seen);
	assert_int_equal(fa.dev.rx_nohandler, before + 2);
	assert_int_equal(delta().processed, 2);
	fa.dev.rx_handler = NULL;
}

static void test_receive_runt_and_nodev(void **state)
{
	uint64_t before = fa.dev.rx_nohandler;
	struct sk_buff *skb;

	(void)state;
	fa.dev.rx_handler = record_rx;
	rx_consume = true;
	rx_seen = NULL;
	netif_receive_skb(frame(&fa.dev, ETH_HLEN - 1, 0));
	netif_receive_skb(frame(&fa.dev, 0, 0));
	assert_null(rx_seen);
	assert_int_equal(delta().rx_dropped_runt, 2);

	/* A bare header is a frame. */
	netif_receive_skb(frame(&fa.dev, ETH_HLEN, 0x86dd));
	assert_non_null(rx_seen);
	assert_int_equal(delta().rx_dropped_runt, 2);

	skb = frame(&fa.dev, 60, 0x0800);
	skb->dev = NULL;
	netif_receive_skb(skb);
	netif_receive_skb(NULL);
	assert_int_equal(delta().rx_dropped_nodev, 1);
	assert_int_equal(fa.dev.rx_nohandler, before);
	assert_int_equal(delta().processed, 4);
	fa.dev.rx_handler = NULL;
}

/* ---- transmit ---------------------------------------------------------------- */

static int xmit_hash(struct fake_dev *f, uint32_t hash)
{
	struct sk_buff *skb = frame(&f->dev, 60, 0x0800);

	skb->hash = hash;
	return dev_queue_xmit(skb);
}

static void test_xmit_queue_by_hash(void **state)
{
	(void)state;
	assert_int_equal(xmit_hash(&fa, 6), NET_XMIT_SUCCESS);
	assert_int_equal(fa.last_queue, 2);
	assert_int_equal(xmit_hash(&fa, 0), NET_XMIT_SUCCESS);
	assert_int_equal(fa.last_queue, 0);
	assert_int_equal(xmit_hash(&fa, 0xffffffffu), NET_XMIT_SUCCESS);
	assert_int_equal(fa.last_queue, 3);
	assert_int_equal(fa.xmits, 3);

	/* One real queue: the hash does not matter. */
	fa.dev.real_num_tx_queues = 1;
	assert_int_equal(xmit_hash(&fa, 7), NET_XMIT_SUCCESS);
	assert_int_equal(fa.last_queue, 0);
	fa.dev.real_num_tx_queues = 4;
	assert_int_equal(delta().tx_bad_queue, 0);
}

static void test_xmit_select_queue(void **state)
{
	(void)state;
	fb.dev.up = true;
	fb.select = 1;
	assert_int_equal(xmit_hash(&fb, 0), NET_XMIT_SUCCESS);
	assert_int_equal(fb.last_queue, 1);
	/* Past the real queues: counted, sent on queue 0. */
	fb.select = 3;
	assert_int_equal(xmit_hash(&fb, 0), NET_XMIT_SUCCESS);
	assert_int_equal(fb.last_queue, 0);
	assert_int_equal(delta().tx_bad_queue, 1);
	assert_int_equal(fb.xmits, 2);
	fb.dev.up = false;
}

static void test_xmit_stopped_queue(void **state)
{
	struct netdev_queue *q = netdev_get_tx_queue(&fa.dev, 2);
	uint64_t stops = q->stops, wakes = q->wakes;

	(void)state;
	netif_tx_stop_queue(q);
	netif_tx_stop_queue(q);
	assert_true(netif_tx_queue_stopped(q));
	assert_int_equal(q->stops, stops + 1);

	assert_int_equal(xmit_hash(&fa, 2), NET_XMIT_DROP);
	assert_int_equal(fa.xmits, 0);
	assert_int_equal(delta().tx_dropped_stopped, 1);
	/* The other queues still send. */
	assert_int_equal(xmit_hash(&fa, 1), NET_XMIT_SUCCESS);

	netif_tx_wake_queue(q);
	assert_false(netif_tx_queue_stopped(q));
	assert_int_equal(q->wakes, wakes + 1);
	assert_int_equal(raised[NET_TX_SOFTIRQ], 1);
	/* Waking a running queue is no event. */
	netif_tx_wake_queue(q);
	assert_int_equal(q->wakes, wakes + 1);
	assert_int_equal(raised[NET_TX_SOFTIRQ], 1);

	assert_int_equal(xmit_hash(&fa, 2), NET_XMIT_SUCCESS);
	assert_int_equal(fa.last_queue, 2);

	struct net_core_stats cs;
	net_core_get_stats(&cs);
	assert_int_equal(cs.tx_dropped_stopped, sn0.tx_dropped_stopped + 1);
}

static void test_xmit_busy_dropped(void **state)
{
	(void)state;
	fa.verdict = NETDEV_TX_BUSY;
	assert_int_equal(xmit_hash(&fa, 0), NET_XMIT_DROP);
	assert_int_equal(delta().tx_dropped_busy, 1);
	fa.verdict = NETDEV_TX_OK;
}

static void test_xmit_device_down(void **state)
{
	struct sk_buff *skb;

	(void)state;
	/* Registered, never opened. */
	assert_int_equal(xmit_hash(&fb, 0), NET_XMIT_DROP);
	assert_int_equal(fb.xmits, 0);
	skb = frame(&fa.dev, 60, 0x0800);
	skb->dev = NULL;
	assert_int_equal(dev_queue_xmit(skb), NET_XMIT_DROP);
	assert_int_equal(dev_queue_xmit(NULL), NET_XMIT_DROP);
	assert_int_equal(delta().tx_dropped_down, 2);
}

static void test_hard_start_xmit_without_method(void **state)
{
	struct net_device *lan = dev_get_by_name("lan0");
	struct sk_buff *skb;

	(void)state;
	assert_non_null(lan);
	skb = frame(lan, 60, 0x0800);
	local_bh_disable();
	assert_int_equal(dev_hard_start_xmit(skb, lan, netdev_get_tx_queue(lan, 0)), NETDEV_TX_OK);
	local_bh_enable();
	assert_int_equal(delta().tx_dropped_down, 1);
}

/* ---- open and close ----------------------------------------------------------- */

/* Registered by the first test that needs it, with ndo_stop. */
static struct fake_dev fc;

static struct fake_dev *closable(void)
{
	if (!dev_ifindex(&fc.dev)) {
		fake_dev_init(&fc, &stop_ops, 1, 1, 0x58);
		assert_int_equal(register_netdev(&fc.dev), 0);
	}
	fc.opens = fc.stops = 0;
	fc.open_rc = fc.stop_rc = 0;
	return &fc;
}

static void test_dev_close(void **state)
{
	struct fake_dev *f = closable();

	(void)state;
	/* Never opened: nothing to stop. */
	assert_int_equal(dev_close(&f->dev), 0);
	assert_int_equal(f->stops, 0);
	assert_int_equal(dev_close(NULL), -1);

	assert_int_equal(dev_open(&f->dev), 0);
	assert_int_equal(xmit_hash(f, 0), NET_XMIT_SUCCESS);
	assert_int_equal(f->xmits, 1);
	assert_int_equal(dev_close(&f->dev), 0);
	assert_int_equal(f->stops, 1);
	/* Marked down before the driver stops, so no transmit races the stop. */
	assert_false(f->up_in_stop);
	assert_false(f->dev.up);
	assert_int_equal(xmit_hash(f, 0), NET_XMIT_DROP);
	assert_int_equal(f->xmits, 1);
	assert_int_equal(delta().tx_dropped_down, 1);
	/* Closing twice stops once. */
	assert_int_equal(dev_close(&f->dev), 0);
	assert_int_equal(f->stops, 1);

	/* Reopen goes through the driver again. */
	assert_int_equal(dev_open(&f->dev), 0);
	assert_int_equal(f->opens, 2);
	assert_true(f->dev.up);
	assert_int_equal(xmit_hash(f, 0), NET_XMIT_SUCCESS);

	/* A failing stop is reported, and the device is down regardless. */
	f->stop_rc = -7;
	assert_int_equal(dev_close(&f->dev), -7);
	assert_false(f->dev.up);
	assert_int_equal(xmit_hash(f, 0), NET_XMIT_DROP);

	/* No ndo_stop: closing is only marking down. */
	fb.dev.up = true;
	assert_int_equal(dev_close(&fb.dev), 0);
	assert_false(fb.dev.up);
	assert_int_equal(printk_capture_len, 0);
}

static void test_ip_link_set(void **state)
{
	struct fake_dev *f = closable();

	(void)state;
	/* Silent on success, like iproute2. */
	assert_int_equal(run_cmd("ip link set dev eth3 up"), 0);
	assert_int_equal(printk_capture_len, 0);
	assert_true(f->dev.up);
	assert_int_equal(f->opens, 1);
	/* Already up: nothing to do. */
	assert_int_equal(run_cmd("ip link set eth3 up"), 0);
	assert_int_equal(f->opens, 1);
	assert_int_equal(run_cmd("ip link set eth3 down"), 0);
	assert_int_equal(printk_capture_len, 0);
	assert_false(f->dev.up);
	assert_int_equal(f->stops, 1);
	assert_int_equal(run_cmd("ip link show eth3"), 0);
	assert_non_null(strstr(printk_capture, "5: eth3: <BROADCAST,MULTICAST> mtu 1500 qdisc "
				"noqueue state DOWN"));
	/* The last of up/down wins; "s" is set, as in iproute2; no change is no error. */
	printk_capture_reset();
	assert_int_equal(run_cmd("ip l s up dev eth3 down up"), 0);
	assert_true(f->dev.up);
	assert_int_equal(run_cmd("ip link set dev eth3"), 0);
	assert_true(f->dev.up);
	assert_int_equal(run_cmd("ip link set dev eth3 down"), 0);
	assert_int_equal(printk_capture_len, 0);

	/* iproute2's errors. */
	assert_int_equal(run_cmd("ip link set dev eth9 up"), -1);
	assert_string_equal(printk_capture, "Cannot find device \"eth9\"\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip link set up"), -1);
	assert_string_equal(printk_capture,
			    "Not enough information: \"dev\" argument is required.\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip link set eth3 dev"), -1);
	assert_string_equal(printk_capture, "Command line is not complete. Try option \"help\"\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip link set dev eth3 mtu 9000"), -1);
	assert_string_equal(printk_capture,
			    "Error: either \"dev\" is duplicate, or \"mtu\" is a garbage.\n");
	printk_capture_reset();
	f->open_rc = -1;
	assert_int_equal(run_cmd("ip link set eth3 up"), -1);
	assert_string_equal(printk_capture, "RTNETLINK answers: Input/output error\n");
	assert_false(f->dev.up);
	assert_int_equal(f->stops, 2);
}

/* ---- shell ------------------------------------------------------------------- */

static void test_ip_link(void **state)
{
	(void)state;
	assert_int_equal(run_cmd("ip link"), 0);
	assert_non_null(strstr(printk_capture,
		"1: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP "
		"mode DEFAULT group default\n"
		"    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"
		"2: eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN "
		"mode DEFAULT group default\n"
		"    link/ether 52:54:00:12:34:57 brd ff:ff:ff:ff:ff:ff\n"));
	assert_non_null(strstr(printk_capture, "3: lan0: "));
	assert_non_null(strstr(printk_capture, "4: eth2: "));

	/* Up without carrier; a changed address shows the permanent one. */
	printk_capture_reset();
	fa.dev.carrier = false;
	fa.dev.dev_addr[5] = 0x99;
	assert_int_equal(run_cmd("ip l sh dev eth0"), 0);
	assert_string_equal(printk_capture,
		"1: eth0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN "
		"mode DEFAULT group default\n"
		"    link/ether 52:54:00:12:34:99 brd ff:ff:ff:ff:ff:ff permaddr 52:54:00:12:34:56\n");
	fa.dev.carrier = true;
	fa.dev.dev_addr[5] = 0x56;

	printk_capture_reset();
	assert_int_equal(run_cmd("ip link show eth7"), -1);
	assert_string_equal(printk_capture, "Device \"eth7\" does not exist.\n");
	printk_capture_reset();
	assert_int_equal(run_cmd("ip addr"), -1);
	assert_non_null(strstr(printk_capture, "Object \"addr\" is unknown"));
	printk_capture_reset();
	assert_int_equal(run_cmd("ip -x link"), -1);
	assert_non_null(strstr(printk_capture, "Option \"-x\" is unknown"));
	printk_capture_reset();
	assert_int_equal(run_cmd("ip"), -1);
	assert_non_null(strstr(printk_capture, "Usage: ip"));
}

static void test_ip_s_link(void **state)
{
	(void)state;
	memset(&fa.stats, 0, sizeof(fa.stats));
	fa.stats.rx_bytes = 143530;
	fa.stats.rx_packets = 1083;
	fa.stats.tx_bytes = 130498;
	fa.stats.tx_packets = 1005;
	fa.stats.rx_crc_errors = 2;
	fa.stats.tx_dropped = 4;
	assert_int_equal(run_cmd("ip -s link show eth0"), 0);
	assert_non_null(strstr(printk_capture,
		"    RX:  bytes packets errors dropped  missed   mcast\n"
		"        143530    1083      0       0       0       0\n"
		"    TX:  bytes packets errors dropped carrier collsns\n"
		"        130498    1005      0       4       0       0\n"));
	assert_null(strstr(printk_capture, "RX errors"));

	/* Wide numbers widen their column; -s -s adds the error breakdown. */
	printk_capture_reset();
	fa.stats.rx_bytes = 123456789012345ULL;
	assert_int_equal(run_cmd("ip -s -s link show eth0"), 0);
	assert_non_null(strstr(printk_capture,
		"    RX:       bytes packets errors dropped  missed   mcast\n"
		"    123456789012345    1083      0       0       0       0\n"));
	assert_non_null(strstr(printk_capture, "    RX errors:      "));
	assert_non_null(strstr(printk_capture, "TX errors:"));
	assert_non_null(strstr(printk_capture, "nohandler"));
	memset(&fa.stats, 0, sizeof(fa.stats));

	/* A device without a stats method prints zeroes, not garbage. */
	printk_capture_reset();
	assert_int_equal(run_cmd("ip -stats link show eth1"), 0);
	assert_non_null(strstr(printk_capture,
		"             0       0      0       0       0       0\n"));
}

static void test_softnet_command(void **state)
{
	(void)state;
	assert_int_equal(run_cmd("softnet"), 0);
	assert_non_null(strstr(printk_capture, "processed"));
	assert_non_null(strstr(printk_capture, "time_squeeze"));
	assert_non_null(strstr(printk_capture, "tx dropped: queue_stopped "));
	assert_non_null(strstr(printk_capture, "skb: allocated "));
	assert_non_null(strstr(printk_capture, "eth0 tx-3: running stops "));
	assert_non_null(strstr(printk_capture, "eth1 tx-1: running"));
	assert_null(strstr(printk_capture, "eth1 tx-2"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_register_names_and_queues),
		T(test_dev_open_and_carrier),
		T(test_napi_schedule_twice_one_entry),
		T(test_napi_full_weight_is_polled_again),
		T(test_napi_run_budget),
		T(test_napi_small_weight_budget),
		T(test_napi_round_robin),
		T(test_napi_leftovers_go_first),
		T(test_napi_time_limit),
		T(test_napi_poll_over_budget),
		T(test_napi_without_poll),
		T(test_napi_rescheduled_inside_poll),
		T(test_napi_complete_outside_poll),
		T(test_napi_disable_scheduled),
		T(test_napi_disable_inside_poll),
		T(test_receive_dispatch),
		T(test_receive_nohandler),
		T(test_receive_runt_and_nodev),
		T(test_xmit_queue_by_hash),
		T(test_xmit_select_queue),
		T(test_xmit_stopped_queue),
		T(test_xmit_busy_dropped),
		T(test_xmit_device_down),
		T(test_hard_start_xmit_without_method),
		T(test_dev_close),
		T(test_ip_link_set),
		T(test_ip_link),
		T(test_ip_s_link),
		T(test_softnet_command),
	};
	return cmocka_run_group_tests(tests, group_setup, test_skb_arena_group_teardown);
}
