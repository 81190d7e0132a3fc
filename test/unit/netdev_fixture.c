#include <string.h>
#include "netdev_fixture.h"
#include "kernel/irqflags.h"
#include "kernel/time.h"

/* ---- fake softirq core and clock ------------------------------------------- */

static void (*softirq_handler[NR_SOFTIRQS])(void);
static uint32_t pending;
unsigned int raised[NR_SOFTIRQS];
static int bh_depth;
uint64_t fake_now;

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
void run_net_rx(void)
{
	assert_non_null(softirq_handler[NET_RX_SOFTIRQ]);
	pending &= ~(1u << NET_RX_SOFTIRQ);
	softirq_handler[NET_RX_SOFTIRQ]();
}

bool net_rx_pending(void)
{
	return pending & (1u << NET_RX_SOFTIRQ);
}

void run_net_tx(void)
{
	assert_non_null(softirq_handler[NET_TX_SOFTIRQ]);
	pending &= ~(1u << NET_TX_SOFTIRQ);
	bh_depth++;
	softirq_handler[NET_TX_SOFTIRQ]();
	bh_depth--;
}

bool net_tx_pending(void)
{
	return pending & (1u << NET_TX_SOFTIRQ);
}

int drain_net_tx(int max)
{
	int runs = 0;

	while (net_tx_pending() && runs < max) {
		run_net_tx();
		runs++;
	}
	return runs;
}

/* ---- fake driver ------------------------------------------------------------- */

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
	/* A stopped queue is not the driver's to be called on. */
	assert_false(netif_tx_queue_stopped(netdev_get_tx_queue(dev, skb->queue_mapping)));
	f->last_queue = skb->queue_mapping;
	if (f->hook)
		f->hook(f, skb);
	if (f->verdict == NETDEV_TX_BUSY || f->busy) {
		if (f->busy)
			f->busy--;
		f->refused++;
		return NETDEV_TX_BUSY;
	}
	if (f->xmits < FAKE_LOG)
		f->log[f->xmits] = (struct xmit_rec){ skb->len, skb->queue_mapping, skb->xmit_more,
						      skb->hash };
	f->xmits++;
	if (f->room >= 0 && --f->room == 0)
		netif_tx_stop_queue(netdev_get_tx_queue(dev, skb->queue_mapping));
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

const struct net_device_ops hash_ops = {
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

const struct net_device_ops noxmit_ops = {
	.ndo_open = fake_open,
};

struct fake_dev fa, fb;
static struct fake_dev fc;

void fake_dev_init(struct fake_dev *f, const struct net_device_ops *ops,
		   unsigned int txq, unsigned int real_txq, uint8_t mac_last)
{
	static const uint8_t mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x00 };

	memset(f, 0, sizeof(*f));
	f->room = -1;
	f->dev.netdev_ops = ops;
	f->dev.num_tx_queues = txq;
	f->dev.real_num_tx_queues = real_txq;
	memcpy(f->dev.dev_addr, mac, ETH_ALEN);
	f->dev.dev_addr[5] = mac_last;
	memcpy(f->dev.perm_addr, f->dev.dev_addr, ETH_ALEN);
}

struct fake_dev *closable(void)
{
	if (!dev_ifindex(&fc.dev)) {
		fake_dev_init(&fc, &stop_ops, 1, 1, 0x58);
		assert_int_equal(register_netdev(&fc.dev), 0);
	}
	fc.opens = fc.stops = 0;
	fc.open_rc = fc.stop_rc = 0;
	fake_reset(&fc);
	return &fc;
}

void fake_reset(struct fake_dev *f)
{
	f->verdict = NETDEV_TX_OK;
	f->busy = 0;
	f->room = -1;
	f->hook = NULL;
	f->xmits = f->refused = 0;
	memset(f->log, 0, sizeof(f->log));
}

/* ---- setup ------------------------------------------------------------------- */

struct softnet_stats sn0;

int netdev_group_setup(void **state)
{
	(void)state;
	test_skb_arena_setup();
	net_dev_init();
	assert_non_null(softirq_handler[NET_TX_SOFTIRQ]);

	fake_dev_init(&fa, &hash_ops, 4, 4, 0x56);
	fake_dev_init(&fb, &select_ops, 4, 2, 0x57);
	assert_int_equal(register_netdev(&fa.dev), 0);
	assert_int_equal(register_netdev(&fb.dev), 0);
	assert_int_equal(dev_open(&fa.dev), 0);
	netif_carrier_on(&fa.dev);
	return 0;
}

int netdev_setup(void **state)
{
	(void)state;
	pending = 0;
	memset(raised, 0, sizeof(raised));
	fake_reset(&fa);
	fake_reset(&fb);
	test_skb_mark();
	softnet_get_stats(&sn0);
	printk_capture_reset();
	return 0;
}

int netdev_teardown(void **state)
{
	(void)state;
	test_skb_assert_all_freed();
	assert_int_equal(bh_depth, 0);
	assert_int_equal(host_irq_disabled, 0);
	assert_false(net_rx_pending());
	assert_false(net_tx_pending());
	for (unsigned int q = 0; q < MAX_TX_QUEUES; q++) {
		const struct Qdisc *qd = fa.dev.tx_queue[q].qdisc;

		assert_false(netif_tx_queue_stopped(&fa.dev.tx_queue[q]));
		if (qd) {
			assert_int_equal(qdisc_qlen(qd), 0);
			assert_false(qd->running);
			assert_false(qd->state & (1UL << __QDISC_STATE_SCHED));
		}
	}
	return 0;
}

/* Every field is a uint64_t counter, so the change is taken word by word. */
struct softnet_stats delta(void)
{
	struct softnet_stats s;
	uint64_t *now = (uint64_t *)&s;
	const uint64_t *then = (const uint64_t *)&sn0;

	_Static_assert(sizeof(s) % sizeof(uint64_t) == 0, "softnet_stats is all uint64_t");
	softnet_get_stats(&s);
	for (size_t i = 0; i < sizeof(s) / sizeof(uint64_t); i++)
		now[i] -= then[i];
	return s;
}
