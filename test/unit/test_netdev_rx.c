/* Receive dispatch and device events, on netdev_fixture.h's devices:
 * the raw rx_handler still first with the whole frame, then eth_type_trans
 * (pkt_type from the destination), VLAN and other-host drops, the
 * packet_type table; dev_hard_header; the netdevice notifiers for open,
 * close, carrier and MTU, with carrier changes made with interrupts off (a
 * hard IRQ) held back until NET_TX. */
#include <errno.h>
#include <string.h>
#include "netdev_fixture.h"
#include "kernel/irqflags.h"

static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t other[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x99, 0x99, 0x99 };
static const uint8_t peer[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 };

/* A frame of len bytes from peer to dst with ethertype type (host order). */
static struct sk_buff *frame(const uint8_t *dst, uint16_t type, uint32_t len)
{
	struct sk_buff *skb = alloc_skb(NET_SKB_PAD + len);
	uint8_t *p;

	assert_non_null(skb);
	skb_reserve(skb, NET_SKB_PAD);
	p = skb_put(skb, len);
	memset(p, 0x5a, len);
	memcpy(p, dst, ETH_ALEN);
	memcpy(p + ETH_ALEN, peer, ETH_ALEN);
	p[12] = (uint8_t)(type >> 8);
	p[13] = (uint8_t)type;
	skb->dev = &fa.dev;
	return skb;
}

/* ---- protocol handlers ------------------------------------------------------------ */

struct seen {
	int calls;
	uint8_t pkt_type;
	be16 protocol;
	uint32_t len;
	long data_off, mac_off, net_off;	/* from the frame's first byte */
};

static struct seen ip_seen, arp_seen;
static uint8_t *frame_start;

static void record(struct seen *s, struct sk_buff *skb)
{
	s->calls++;
	s->pkt_type = skb->pkt_type;
	s->protocol = skb->protocol;
	s->len = skb->len;
	s->data_off = skb->data - frame_start;
	s->mac_off = skb_mac_header(skb) - frame_start;
	s->net_off = skb_network_header(skb) - frame_start;
	kfree_skb(skb);
}

static int ip_rcv_fake(struct sk_buff *skb)
{
	record(&ip_seen, skb);
	return 0;
}

static int arp_rcv_fake(struct sk_buff *skb)
{
	record(&arp_seen, skb);
	return 0;
}

static struct packet_type ip_pt = { .type = HTONS_C(ETH_P_IP), .func = ip_rcv_fake };
static struct packet_type arp_pt = { .type = HTONS_C(ETH_P_ARP), .func = arp_rcv_fake };
/* Same bucket as IPv4 (0x0800 & 15 == 0x0810 & 15), another type. */
static struct packet_type x_pt = { .type = HTONS_C(0x0810), .func = arp_rcv_fake };

static void rx(struct sk_buff *skb)
{
	frame_start = skb->data;
	netif_receive_skb(skb);
}

/* ---- notifiers ----------------------------------------------------------------------- */

struct event {
	unsigned long what;
	struct net_device *dev;
	bool carrier;
	bool irqs_off;
};

static struct event events[32];
static int nevents;
static int nb_order[4], norder;

static int record_event(struct notifier_block *nb, unsigned long what, void *ptr)
{
	struct net_device *dev = ptr;

	(void)nb;
	assert_true(nevents < 32);
	events[nevents++] = (struct event){ what, dev, netif_carrier_ok(dev), irqs_disabled() };
	nb_order[norder++ % 4] = 1;
	return 0;
}

static int second_block(struct notifier_block *nb, unsigned long what, void *ptr)
{
	(void)nb;
	(void)what;
	(void)ptr;
	nb_order[norder++ % 4] = 2;
	return 0;
}

static struct notifier_block nb1 = { .notifier_call = record_event };
static struct notifier_block nb2 = { .notifier_call = second_block };

static int group_setup(void **state)
{
	netdev_group_setup(state);
	dev_add_pack(&ip_pt);
	dev_add_pack(&arp_pt);
	dev_add_pack(&x_pt);
	return 0;
}

static int setup(void **state)
{
	memset(&ip_seen, 0, sizeof(ip_seen));
	memset(&arp_seen, 0, sizeof(arp_seen));
	nevents = norder = 0;
	return netdev_setup(state);
}

/* ---- receive ------------------------------------------------------------------------- */

static void test_ptype_dispatch_at_network_header(void **state)
{
	(void)state;
	rx(frame(fa.dev.dev_addr, ETH_P_IP, 60));
	assert_int_equal(ip_seen.calls, 1);
	assert_int_equal(ip_seen.pkt_type, PACKET_HOST);
	assert_int_equal(ip_seen.protocol, HTONS_C(ETH_P_IP));
	assert_int_equal(ip_seen.len, 60 - ETH_HLEN);
	assert_int_equal(ip_seen.data_off, ETH_HLEN);
	assert_int_equal(ip_seen.mac_off, 0);
	assert_int_equal(ip_seen.net_off, ETH_HLEN);
	rx(frame(bcast, ETH_P_ARP, 42));
	assert_int_equal(arp_seen.calls, 1);
	assert_int_equal(arp_seen.pkt_type, PACKET_BROADCAST);
	/* A type sharing IPv4's bucket goes to its own handler. */
	rx(frame(bcast, 0x0810, 42));
	assert_int_equal(arp_seen.calls, 2);
	assert_int_equal(ip_seen.calls, 1);
	assert_int_equal(delta().processed, 3);
}

static void test_eth_type_trans_pkt_types(void **state)
{
	static const struct { const uint8_t *dst; uint8_t want; } cases[] = {
		{ NULL, PACKET_HOST }, { bcast, PACKET_BROADCAST },
		{ mcast, PACKET_MULTICAST }, { other, PACKET_OTHERHOST },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sk_buff *skb = frame(cases[i].dst ? cases[i].dst : fa.dev.dev_addr,
					    ETH_P_ARP, 42);
		uint8_t *start = skb->data;

		skb->dev = NULL;
		assert_int_equal(eth_type_trans(skb, &fa.dev), HTONS_C(ETH_P_ARP));
		assert_int_equal(skb->pkt_type, cases[i].want);
		assert_ptr_equal(skb->dev, &fa.dev);
		assert_ptr_equal(skb->data, start + ETH_HLEN);
		assert_ptr_equal(skb_mac_header(skb), start);
		assert_int_equal(skb->len, 42 - ETH_HLEN);
		kfree_skb(skb);
	}
	/* Too short to hold the header: left alone. */
	struct sk_buff *skb = frame(bcast, 0, ETH_HLEN);
	skb_trim(skb, ETH_HLEN - 1);
	assert_int_equal(eth_type_trans(skb, &fa.dev), 0);
	assert_int_equal(skb->len, ETH_HLEN - 1);
	kfree_skb(skb);
}

static void test_drops_before_protocols(void **state)
{
	uint64_t nohandler = fa.dev.rx_nohandler;

	(void)state;
	/* Tagged frames, to us or not: no VLANs yet. */
	rx(frame(fa.dev.dev_addr, ETH_P_8021Q, 64));
	rx(frame(bcast, ETH_P_8021AD, 64));
	assert_int_equal(delta().rx_dropped_vlan, 2);
	/* Unicast to another MAC (promiscuous): never seen by IPv4. */
	rx(frame(other, ETH_P_IP, 60));
	assert_int_equal(delta().rx_dropped_otherhost, 1);
	assert_int_equal(ip_seen.calls, 0);
	/* Nobody registered for IPv6. */
	rx(frame(fa.dev.dev_addr, ETH_P_IPV6, 60));
	assert_int_equal(delta().rx_nohandler, 1);
	assert_int_equal(fa.dev.rx_nohandler, nohandler + 1);
	assert_int_equal(arp_seen.calls + ip_seen.calls, 0);
}

static bool raw_consume;
static int raw_calls;
static long raw_data_off;

static bool raw_handler(struct sk_buff *skb)
{
	raw_calls++;
	raw_data_off = skb->data - frame_start;
	if (!raw_consume)
		return false;
	kfree_skb(skb);
	return true;
}

/* The raw apps' hook runs before everything, with the whole frame, and even
 * gets frames the protocols would drop. */
static void test_rx_handler_first(void **state)
{
	(void)state;
	fa.dev.rx_handler = raw_handler;
	raw_consume = true;
	raw_calls = 0;
	rx(frame(fa.dev.dev_addr, ETH_P_IP, 60));
	rx(frame(other, ETH_P_8021Q, 60));
	assert_int_equal(raw_calls, 2);
	assert_int_equal(raw_data_off, 0);
	assert_int_equal(ip_seen.calls, 0);
	assert_int_equal(delta().rx_dropped_vlan, 0);
	/* Declined: the protocols get it. */
	raw_consume = false;
	rx(frame(fa.dev.dev_addr, ETH_P_IP, 60));
	assert_int_equal(raw_calls, 3);
	assert_int_equal(ip_seen.calls, 1);
	assert_int_equal(ip_seen.data_off, ETH_HLEN);
	fa.dev.rx_handler = NULL;
}

static void test_dev_add_pack_twice_refused(void **state)
{
	static struct packet_type again = { .type = HTONS_C(ETH_P_IP), .func = arp_rcv_fake };

	(void)state;
	dev_add_pack(&again);
	assert_non_null(strstr(printk_capture, "ethertype 0x0800 has a handler already"));
	rx(frame(fa.dev.dev_addr, ETH_P_IP, 60));
	assert_int_equal(ip_seen.calls, 1);
	assert_int_equal(arp_seen.calls, 0);
}

static void test_dev_hard_header(void **state)
{
	struct sk_buff *skb = alloc_skb(NET_SKB_PAD + 100);
	const struct ethhdr *eth;

	(void)state;
	skb_reserve(skb, NET_SKB_PAD);
	skb_put(skb, 28);
	assert_int_equal(dev_hard_header(skb, &fa.dev, ETH_P_ARP, bcast, NULL), ETH_HLEN);
	eth = (const struct ethhdr *)skb->data;
	assert_memory_equal(eth->h_dest, bcast, ETH_ALEN);
	assert_memory_equal(eth->h_source, fa.dev.dev_addr, ETH_ALEN);
	assert_int_equal(eth->h_proto, HTONS_C(ETH_P_ARP));
	assert_ptr_equal(skb_mac_header(skb), skb->data);
	assert_int_equal(skb->len, 28 + ETH_HLEN);
	skb_pull(skb, ETH_HLEN);
	assert_int_equal(dev_hard_header(skb, &fa.dev, ETH_P_IP, peer, other), ETH_HLEN);
	assert_memory_equal(eth->h_source, other, ETH_ALEN);
	assert_int_equal(dev_hard_header(skb, &fa.dev, ETH_P_IP, NULL, NULL), -EINVAL);
	kfree_skb(skb);
}

/* ---- notifiers ----------------------------------------------------------------------- */

/* Registered late: NETDEV_UP at once for what is up already (eth0 only);
 * twice is once; blocks are called in registration order. */
static void test_notifier_register_replays_up(void **state)
{
	(void)state;
	register_netdevice_notifier(&nb1);
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0].what, NETDEV_UP);
	assert_ptr_equal(events[0].dev, &fa.dev);
	register_netdevice_notifier(&nb2);
	register_netdevice_notifier(&nb1);
	assert_int_equal(nevents, 1);
	norder = 0;
	call_netdevice_notifiers(NETDEV_CHANGEADDR, &fa.dev);
	assert_int_equal(norder, 2);
	assert_int_equal(nb_order[0], 1);
	assert_int_equal(nb_order[1], 2);
}

static void test_notifier_open_close_mtu(void **state)
{
	struct fake_dev *f = closable();

	(void)state;
	assert_int_equal(dev_open(&f->dev), 0);
	assert_int_equal(dev_open(&f->dev), 0);
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0].what, NETDEV_UP);
	assert_ptr_equal(events[0].dev, &f->dev);
	assert_true(f->dev.up);

	assert_int_equal(dev_set_mtu(&f->dev, 1400), 0);
	assert_int_equal(f->dev.mtu, 1400);
	assert_int_equal(events[1].what, NETDEV_CHANGEMTU);
	/* Unchanged: no event; out of range: refused. */
	assert_int_equal(dev_set_mtu(&f->dev, 1400), 0);
	assert_int_equal(dev_set_mtu(&f->dev, ETH_MIN_MTU - 1), -EINVAL);
	assert_int_equal(dev_set_mtu(&f->dev, ETH_DATA_LEN + 1), -EINVAL);
	assert_int_equal(nevents, 2);
	assert_int_equal(dev_set_mtu(&f->dev, ETH_DATA_LEN), 0);

	assert_int_equal(dev_close(&f->dev), 0);
	assert_int_equal(events[3].what, NETDEV_DOWN);
	assert_false(f->dev.up);
	assert_int_equal(nevents, 4);
	/* A failed open says nothing. */
	f->open_rc = -1;
	assert_int_equal(dev_open(&f->dev), -1);
	assert_int_equal(nevents, 4);
}

/* Carrier changes with interrupts on (process context, a softirq) are told
 * at once; made with interrupts off, as in a hard IRQ, they wait for NET_TX,
 * coalesced. A device that is down hears no NETDEV_CHANGE. */
static void test_notifier_carrier_deferred_out_of_irq(void **state)
{
	struct fake_dev *f = closable();
	unsigned long flags;

	(void)state;
	netif_carrier_off(&fa.dev);
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0].what, NETDEV_CHANGE);
	assert_false(events[0].carrier);
	assert_false(events[0].irqs_off);
	netif_carrier_off(&fa.dev);
	assert_int_equal(nevents, 1);

	/* The interrupt handler's view: nothing is called there. */
	flags = local_irq_save();
	netif_carrier_on(&fa.dev);
	netif_carrier_off(&fa.dev);
	netif_carrier_on(&fa.dev);
	local_irq_restore(flags);
	assert_int_equal(nevents, 1);
	assert_true(net_tx_pending());
	assert_int_equal(delta().link_events_deferred, 3);
	run_net_tx();
	assert_int_equal(nevents, 2);
	assert_int_equal(events[1].what, NETDEV_CHANGE);
	assert_true(events[1].carrier);
	assert_false(events[1].irqs_off);

	/* Two devices held back together: both told, in the order they fired. */
	assert_int_equal(dev_open(&f->dev), 0);
	flags = local_irq_save();
	netif_carrier_on(&f->dev);
	netif_carrier_off(&fa.dev);
	local_irq_restore(flags);
	run_net_tx();
	assert_int_equal(nevents, 5);
	assert_ptr_equal(events[3].dev, &f->dev);
	assert_ptr_equal(events[4].dev, &fa.dev);
	netif_carrier_on(&fa.dev);

	/* Down: the carrier still changes, quietly. */
	assert_int_equal(dev_close(&f->dev), 0);
	nevents = 0;
	netif_carrier_off(&f->dev);
	assert_false(netif_carrier_ok(&f->dev));
	flags = local_irq_save();
	netif_carrier_on(&f->dev);
	local_irq_restore(flags);
	run_net_tx();
	assert_int_equal(nevents, 0);
	assert_true(netif_carrier_ok(&f->dev));
	netif_carrier_off(&f->dev);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, netdev_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ptype_dispatch_at_network_header),
		T(test_eth_type_trans_pkt_types),
		T(test_drops_before_protocols),
		T(test_rx_handler_first),
		T(test_dev_add_pack_twice_refused),
		T(test_dev_hard_header),
		T(test_notifier_register_replays_up),
		T(test_notifier_open_close_mtu),
		T(test_notifier_carrier_deferred_out_of_irq),
	};
	return cmocka_run_group_tests(tests, group_setup, test_skb_arena_group_teardown);
}
