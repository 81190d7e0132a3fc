/* The device layer against fake softirqs and fake drivers
 * (netdev_fixture.h): registration and names, open and close, the raw
 * receive hook and its drop counters, transmit queue selection and drops.
 * NAPI is in test_netdev_napi.c, protocol dispatch and notifiers in
 * test_netdev_rx.c, the qdisc path in test_qdisc.c, the shell commands in
 * test_netdev_shell.c. */
#include <string.h>
#include "netdev_fixture.h"

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

/* With a qdisc (eth0 was opened), a stopped queue holds the packet: it waits
 * in the qdisc and leaves from NET_TX when the driver wakes the queue. */
static void test_xmit_stopped_queue(void **state)
{
	struct netdev_queue *q = netdev_get_tx_queue(&fa.dev, 2);
	uint64_t stops = q->stops, wakes = q->wakes;

	(void)state;
	netif_tx_stop_queue(q);
	netif_tx_stop_queue(q);
	assert_true(netif_tx_queue_stopped(q));
	assert_int_equal(q->stops, stops + 1);

	assert_int_equal(xmit_hash(&fa, 2), NET_XMIT_SUCCESS);
	assert_int_equal(fa.xmits, 0);
	assert_int_equal(qdisc_qlen(q->qdisc), 1);
	/* The run NET_TX makes finds the queue still stopped and leaves it. */
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 0);
	/* The other queues still send. */
	assert_int_equal(xmit_hash(&fa, 1), NET_XMIT_SUCCESS);
	assert_int_equal(fa.xmits, 1);

	netif_tx_wake_queue(q);
	assert_false(netif_tx_queue_stopped(q));
	assert_int_equal(q->wakes, wakes + 1);
	assert_true(net_tx_pending());
	/* Waking a running queue is no event. */
	netif_tx_wake_queue(q);
	assert_int_equal(q->wakes, wakes + 1);
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 2);
	assert_int_equal(fa.last_queue, 2);
	assert_int_equal(qdisc_qlen(q->qdisc), 0);
	assert_int_equal(delta().tx_dropped_stopped, 0);
	assert_int_equal(delta().tx_sched[SCHED_REQUEUE], 1);
	assert_int_equal(delta().tx_sched[SCHED_WAKE], 1);
	assert_int_equal(delta().tx_qdisc_net_tx, 1);
}

/* Without a qdisc (eth1 was never opened) the old rule holds: dropped. */
static void test_xmit_noqueue_stopped_and_busy(void **state)
{
	struct netdev_queue *q = netdev_get_tx_queue(&fb.dev, 1);

	(void)state;
	assert_null(q->qdisc);
	fb.dev.up = true;
	fb.select = 1;
	netif_tx_stop_queue(q);
	assert_int_equal(xmit_hash(&fb, 0), NET_XMIT_DROP);
	assert_int_equal(delta().tx_dropped_stopped, 1);
	netif_tx_wake_queue(q);
	/* No qdisc to run: waking raises nothing. */
	assert_false(net_tx_pending());
	fb.verdict = NETDEV_TX_BUSY;
	assert_int_equal(xmit_hash(&fb, 0), NET_XMIT_DROP);
	assert_int_equal(delta().tx_dropped_busy, 1);
	fb.verdict = NETDEV_TX_OK;
	assert_int_equal(xmit_hash(&fb, 0), NET_XMIT_SUCCESS);
	assert_int_equal(delta().tx_noqueue, 1);

	struct net_core_stats cs;
	net_core_get_stats(&cs);
	assert_int_equal(cs.tx_dropped_stopped, sn0.tx_dropped_stopped + 1);
	fb.dev.up = false;
}

/* BUSY is never a drop once there is a qdisc: requeued, sent from NET_TX. */
static void test_xmit_busy_requeued(void **state)
{
	struct Qdisc *qd = netdev_get_tx_queue(&fa.dev, 0)->qdisc;
	uint64_t requeues = qd->qstats.requeues;

	(void)state;
	fa.busy = 1;
	assert_int_equal(xmit_hash(&fa, 0), NET_XMIT_SUCCESS);
	assert_int_equal(fa.refused, 1);
	assert_int_equal(fa.xmits, 0);
	assert_int_equal(qd->qstats.requeues, requeues + 1);
	assert_int_equal(drain_net_tx(4), 1);
	assert_int_equal(fa.xmits, 1);
	assert_int_equal(delta().tx_dropped_busy, 0);
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

#define T(fn) cmocka_unit_test_setup_teardown(fn, netdev_setup, netdev_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_register_names_and_queues),
		T(test_dev_open_and_carrier),
		T(test_receive_dispatch),
		T(test_receive_nohandler),
		T(test_receive_runt_and_nodev),
		T(test_xmit_queue_by_hash),
		T(test_xmit_select_queue),
		T(test_xmit_stopped_queue),
		T(test_xmit_noqueue_stopped_and_busy),
		T(test_xmit_busy_requeued),
		T(test_xmit_device_down),
		T(test_hard_start_xmit_without_method),
		T(test_dev_close),
	};
	return cmocka_run_group_tests(tests, netdev_group_setup, test_skb_arena_group_teardown);
}
